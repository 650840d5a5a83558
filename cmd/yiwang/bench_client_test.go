package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// The benchmark's own client sends what a browser's request carries (the
// session cookie, Origin on a POST, the body with its length), reads every
// answer whole, fails on another status than the caller wants, and goes on
// after the server closed a connection.
func TestLoopClient(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/echo":
			c, _ := r.Cookie("session")
			body, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "%s|%s|%s|%s|%s", r.Method, c.Value, r.Header.Get("Origin"), r.Header.Get("Idempotency-Key"), body)
		case "/close":
			w.Header().Set("Connection", "close")
			io.WriteString(w, strings.Repeat("x", 100000))
		default:
			http.Error(w, "没有找到", http.StatusNotFound)
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(u, []*http.Cookie{{Name: "session", Value: "tok", Path: "/"}})
	lc, err := newLoopClient(srv.URL, 2, jar)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		var got string
		err := lc.do(http.MethodPost, "/echo", []string{"Idempotency-Key", fmt.Sprint("k", i)}, []byte("正文"), func(status int, b []byte) error {
			got = fmt.Sprint(status, " ", string(b))
			return nil
		})
		if want := fmt.Sprintf("200 POST|tok|%s|k%d|正文", srv.URL, i); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for three requests one after another, want 1 kept alive", n)
	}
	if err := lc.get("/nope"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("a 404 gave %v", err)
	}
	for range 2 {
		if err := lc.get("/close"); err != nil {
			t.Fatalf("after the server closed the connection: %v", err)
		}
	}
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections, want 2 (the first, closed by the first /close, then a new one)", n)
	}
	if got := topString([]byte(`{"id":"a","no":"N1","x":{"no":"N2"},"applicant":"张*"}`), "no"); got != "N1" {
		t.Fatalf("topString no = %q", got)
	}
	if got := topString([]byte(`{"applicant":"a\"b"}`), "applicant"); got != "" {
		t.Fatalf("an escaped value gave %q, want nothing", got)
	}
}
