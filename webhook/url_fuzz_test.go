package webhook

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckURL: a subscription's address is refused with a Chinese message,
// or kept as an absolute http or https URL with a host and without
// credentials or fragment, at most 2,000 characters as kept, which a
// delivery can be sent to and which the check keeps unchanged when given
// again.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://xt.example.gov.cn/hooks/yiwang", " http://10.0.0.5:8080/cb?a=1 ", "ftp://x/", "javascript:alert(1)",
		"https://user:pw@x/", "https://x/#frag", "https://x/#", "https:///path", "http://:80/", "https://[::1]:443/", "https://[fe80::1%25eth0]/",
		"//x/", "HTTPS://X/", "https://x/\x00", "https://x/路径?名=值", "https://%e4%b8%ad.example/", "https://x:99999/", "https://x/%zz",
		"http://x\\y/", "https://x y/", strings.Repeat("a", 2001), "http://x/" + strings.Repeat("é", 1990)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !utf8.ValidString(raw) || strings.ContainsRune(raw, 0) {
			return // the site refuses such text at the door (forms) or replaces it (JSON): never checked here
		}
		u, msg := checkURL(raw)
		if msg != "" {
			if u != "" || !utf8.ValidString(msg) || !strings.Contains(msg, "推送地址") {
				t.Fatalf("%q refused as %q: %q", raw, u, msg)
			}
			return
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Hostname() == "" || p.User != nil ||
			p.Fragment != "" || strings.Contains(u, "#") || !utf8.ValidString(u) || strings.ContainsRune(u, 0) || utf8.RuneCountInString(u) > 2000 {
			t.Fatalf("%q kept as %q (%v)", raw, u, err)
		}
		if _, err := http.NewRequest(http.MethodPost, u, nil); err != nil {
			t.Fatalf("%q kept as %q, which cannot be sent to: %v", raw, u, err)
		}
		if again, msg := checkURL(u); again != u || msg != "" {
			t.Fatalf("%q kept as %q, then as %q: %q", raw, u, again, msg)
		}
	})
}
