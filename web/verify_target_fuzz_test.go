package web

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzVerifyTarget: whatever is typed or scanned into the verification
// page either names an identifier to check, or is refused as a QR code of
// another site; a URL is accepted only when it is our /verify page.
func FuzzVerifyTarget(f *testing.F) {
	for _, s := range []string{"1.2.156.3005.2.X", " https://zwfw.example/verify?id=1.2.3 ", "https://evil.example/verify2?id=x", "https://evil.example/verify?id=1.2.3",
		"/verify?id=", "javascript:alert(1)", "http://[::1", "//evil/verify?id=a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		id, err := verifyTarget(q, "zwfw.example")
		if err != nil {
			if !strings.Contains(err.Error(), "不是本平台") {
				t.Fatalf("refusal without the reason: %v", err)
			}
			return
		}
		if strings.Contains(q, "://") || strings.HasPrefix(strings.TrimSpace(q), "/") {
			u, _ := url.Parse(strings.TrimSpace(q))
			if id == "" || u == nil || u.Path != "/verify" || (u.Host != "" && u.Host != "zwfw.example") {
				t.Fatalf("URL %q accepted as %q", q, id)
			}
		} else if id != strings.TrimSpace(q) {
			t.Fatalf("identifier %q read as %q", q, id)
		}
	})
}
