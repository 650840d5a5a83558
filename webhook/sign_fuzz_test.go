package webhook

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
)

// FuzzVerify: a receiver accepts a delivery exactly when its signature is
// the one Sign makes for the timestamp it carries and that timestamp is
// within the tolerance of now; anything else is EUNAUTHORIZED with a
// Chinese reason. A delivery signed now is accepted.
func FuzzVerify(f *testing.F) {
	now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC).Unix()
	good := Sign("s3cret", now, []byte(`{"event":"case.decided"}`))
	for _, s := range [][3]string{{"1795680000", good, ""}, {" 1795680000 ", " " + good + " ", ""}, {"+1795680000", good, ""},
		{"01795680000", good, ""}, {"1795680301", good, ""}, {"9223372036854775807", good, ""}, {"-9223372036854775808", good, ""},
		{"1.79568e9", good, ""}, {"", "", ""}, {"1795680000", strings.ToUpper(good), ""}, {"1795680000", "hmac-sm3=", "x"}} {
		f.Add("s3cret", s[0], s[1], []byte(`{"event":"case.decided"}`+s[2]), now, int64(0))
	}
	const tolerance = 5 * time.Minute
	f.Fuzz(func(t *testing.T, secret, timestamp, signature string, body []byte, nowUnix, skew int64) {
		nowUnix %= 1 << 40 // about 35,000 years either side of 1970
		at := time.Unix(nowUnix, 0)
		skew %= 1 << 20
		ts := nowUnix + skew
		err := Verify(secret, strconv.FormatInt(ts, 10), Sign(secret, ts, body), body, at, tolerance)
		if within := skew >= -int64(tolerance/time.Second) && skew <= int64(tolerance/time.Second); (err == nil) != within {
			t.Fatalf("signed %d s from now: %v", skew, err)
		}
		err = Verify(secret, timestamp, signature, body, at, tolerance)
		if err != nil {
			var e *yiwang.Error
			if !errors.As(err, &e) || e.Code != yiwang.EUNAUTHORIZED || !strings.ContainsAny(e.Message, "时签") {
				t.Fatalf("refused with %v", err)
			}
			return
		}
		n, perr := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
		if perr != nil || n < nowUnix-300 || n > nowUnix+300 || strings.TrimSpace(signature) != Sign(secret, n, body) {
			t.Fatalf("accepted: timestamp %q, signature %q at %d", timestamp, signature, nowUnix)
		}
	})
}
