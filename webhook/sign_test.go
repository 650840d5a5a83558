package webhook_test

import (
	"testing"

	"github.com/yushan-gov/yiwang/webhook"
)

// TestSignVector keeps the worked example of docs/webhooks.md true. The same
// value came from `openssl dgst -sm3 -hmac` and Python's hmac with "sm3".
func TestSignVector(t *testing.T) {
	const (
		secret = "3f9a1c2b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"
		body   = `{"id":"0195d1c2-0000-7000-8000-000000000001","event":"accept"}`
		want   = "hmac-sm3=a35335f491d1f6f52b4d86050bb0f4406dd2d083c95aaab0e134e7a76719ca38"
	)
	if got := webhook.Sign(secret, 1773025200, []byte(body)); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}
