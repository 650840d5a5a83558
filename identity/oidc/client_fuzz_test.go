package oidc

import (
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRedirectURIs: the redirect URIs an administrator registers for a
// client (one a line) are refused with a Chinese message, or kept as
// typed, each once, at most ten (more are refused): each an absolute https
// URL with a host, or http to this machine, without fragment, wildcard,
// credentials, spaces, quotes or angle brackets, at most 2,000 characters.
func FuzzRedirectURIs(f *testing.F) {
	for _, s := range []string{"https://xt.example.gov.cn/callback", "https://a.example/cb\nhttps://a.example/cb\n\n https://b.example/cb ",
		"http://127.0.0.1:8080/cb\nhttp://localhost/cb\nhttp://[::1]/cb", "http://xt.example.gov.cn/cb", "https://*.example/cb",
		"https://a.example/cb#x", "https://a.example/cb#", "https://u:p@a.example/", "https:/a.example", "https:a.example", "//a.example/cb",
		"com.example.app:/cb", "http://127.0.0.1.evil.example/", "http://localhost./", "http://[::ffff:127.0.0.1]/", "http://0177.0.0.1/",
		"http://127.1/", "https://a.example/\"><script>", "https://例子.example/回调", "https://a.example:99999/", "https://[::1%25lo]/",
		strings.Repeat("https://a.example/x\n", 11), "https://a/0\nhttps://a/1\nhttps://a/2\nhttps://a/3\nhttps://a/4\nhttps://a/5\n" +
			"https://a/6\nhttps://a/7\nhttps://a/8\nhttps://a/9\nhttps://a/10\nhttps://a/1\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			return // the site refuses such text at the door (forms) or replaces it (JSON): never checked here
		}
		distinct := map[string]bool{}
		for _, l := range strings.Split(text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				distinct[l] = true
			}
		}
		bad := map[string]string{}
		uris := checkURIs(bad, "redirect_uris", SplitURIs(text), true)
		if len(distinct) > maxURIs && bad["redirect_uris"] == "" {
			t.Fatalf("%d addresses kept", len(distinct))
		}
		if msg := bad["redirect_uris"]; msg != "" {
			if len(bad) != 1 || !utf8.ValidString(msg) || !strings.ContainsAny(msg, "地址网") {
				t.Fatalf("%q refused with %v", text, bad)
			}
			return
		}
		if len(uris) == 0 || len(uris) > maxURIs {
			t.Fatalf("%q kept as %q", text, uris)
		}
		seen := map[string]bool{}
		for _, raw := range uris {
			if seen[raw] || !strings.Contains(text, raw) || raw != strings.TrimSpace(raw) {
				t.Fatalf("%q: %q kept twice or not as typed", text, raw)
			}
			seen[raw] = true
			u, err := url.Parse(raw)
			if err != nil || u.Host == "" || u.Hostname() == "" || u.Opaque != "" || u.User != nil || u.Fragment != "" ||
				strings.ContainsAny(raw, "*# \t\r\n<>\"") || utf8.RuneCountInString(raw) > maxURI {
				t.Fatalf("%q kept (%v)", raw, err)
			}
			switch u.Scheme {
			case "https":
			case "http":
				a, err := netip.ParseAddr(u.Hostname())
				if u.Hostname() != "localhost" && (err != nil || !a.Unmap().IsLoopback()) {
					t.Fatalf("%q kept: http to another machine", raw)
				}
			default:
				t.Fatalf("%q kept: scheme %q", raw, u.Scheme)
			}
		}
	})
}
