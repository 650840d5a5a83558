package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// browserHost is the host a browser on base goes to when told ref (a
// link or a Location header), read as the WHATWG URL standard reads an
// http(s) URL where Go's url.Parse does not: leading and trailing C0
// controls and spaces are dropped, tabs and line breaks anywhere are
// removed, and a backslash before the query is a slash ("/\evil.example"
// is "//evil.example"). "" when the browser would not follow it.
func browserHost(base *url.URL, ref string) string {
	ref = strings.TrimFunc(ref, func(r rune) bool { return r <= ' ' })
	ref = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(ref)
	end := len(ref)
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		end = i
	}
	ref = strings.ReplaceAll(ref[:end], "\\", "/") + ref[end:]
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	return base.ResolveReference(u).Host
}

// FuzzSafeNext: where a login or the elder-mode switch sends people back
// to ("next", "back") is the fallback or a path of this site, as a link
// and after http.Redirect has cleaned it; never another host.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/account", "/cases/0199a0c4?tab=materials#top", "", "account", "//evil.example", "/\\evil.example",
		"/./\\evil.example", "/a/../\\evil.example", "https://evil.example/", "/\t/evil.example", "/%2F%2Fevil.example",
		"/.//evil.example", "/..\\evil.example", "\\\\evil.example", "/x?next=//evil.example", "/\x00", "/ /evil.example"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://zwfw.example/login/citizen")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next, "/fallback")
		if got == "/fallback" {
			return
		}
		if got != next {
			t.Fatalf("%q changed to %q", next, got)
		}
		if h := browserHost(base, got); h != base.Host {
			t.Fatalf("%q kept: as a link it goes to host %q", next, h)
		}
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest(http.MethodGet, "/login/citizen", nil), got, http.StatusSeeOther)
		if loc := w.Header().Get("Location"); browserHost(base, loc) != base.Host {
			t.Fatalf("%q kept: redirected to %q, host %q", next, loc, browserHost(base, loc))
		}
	})
}
