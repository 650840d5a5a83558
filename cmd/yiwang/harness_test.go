package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// testServer is the real platform started in-process on a loopback port.
type testServer struct {
	t    testing.TB
	URL  string
	cfg  serveConfig
	app  *app // a second handle on the same database, for checks
	stop func()
}

// startServer runs `yiwang serve` on engine in dev mode with a fresh data
// dir; opts may change the configuration first.
func startServer(t testing.TB, engine string, opts ...func(*serveConfig)) *testServer {
	t.Helper()
	// noHistory: most tests count the demo's few cases exactly; the
	// dashboard's tests ask for the history with withHistory.
	// noScan: the supervision scan would run on the minute, on the test's
	// clock, and add alerts and messages mid-test; its tests scan themselves.
	cfg := serveConfig{config: config{Data: t.TempDir()}, loginBurst: 10000, noHistory: true, noScan: true}
	for _, o := range opts {
		o(&cfg)
	}
	if engine == sqlstore.Postgres {
		cfg.DB = yiwangtest.PostgresSchema(t)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, ln, logOut()) }()
	ts := &testServer{t: t, URL: "http://" + ln.Addr().String(), cfg: cfg}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(ts.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	a, err := open(context.Background(), cfg.config, quietLog(io.Discard), false, false)
	if err != nil {
		t.Fatal(err)
	}
	ts.app = a
	ts.stop = func() {
		cancel()
		<-done
		a.Close()
	}
	t.Cleanup(ts.stop)
	return ts
}

// client is a browser-like HTTP client with cookies that does not follow
// redirects, so tests see each 303.
type client struct {
	t    testing.TB
	base string
	hc   *http.Client
}

func (ts *testServer) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: ts.t, base: ts.URL, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	Status   int
	Location string
	Body     string
	Doc      *goquery.Document
	Header   http.Header
}

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	p := page{Status: resp.StatusCode, Location: resp.Header.Get("Location"), Body: string(b), Header: resp.Header}
	p.Doc, _ = goquery.NewDocumentFromReader(strings.NewReader(p.Body))
	return p
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

// post submits a form as a same-origin browser would.
func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// api sends a JSON request as a program would (no browser headers).
func (c *client) api(method, path, body, token string) page {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return c.do(req)
}

var smsCode = regexp.MustCompile(`验证码是(\d{6})`)

// lastCode reads the newest one-time code sent to mobile from the dev outbox page.
func (c *client) lastCode(mobile string) string {
	c.t.Helper()
	p := c.get("/dev/outbox")
	code := ""
	p.Doc.Find("table tr").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		to := strings.TrimSpace(s.Find(`td[data-label="手机号"]`).Text())
		if m := smsCode.FindStringSubmatch(s.Find("td.sms").Text()); m != nil && to == mobile {
			code = m[1]
			return false
		}
		return true
	})
	if code == "" {
		time.Sleep(time.Second)
		c.t.Fatalf("no code for %s on the dev outbox: %s\nafter 1s: %s", mobile, p.Doc.Find("table").Eq(1).Text(), c.get("/dev/outbox").Doc.Find("table").Eq(1).Text())
	}
	return code
}

// count returns the number of rows in a table.
func (ts *testServer) count(table string) int {
	ts.t.Helper()
	var n int
	if err := ts.app.db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		ts.t.Fatal(err)
	}
	return n
}

// staffLogin logs a staff member in with password and the current TOTP code.
func (ts *testServer) staffLogin(c *client, username, password string) {
	ts.t.Helper()
	p := c.post("/staff/login", url.Values{"username": {username}, "password": {password}})
	if p.Status != http.StatusSeeOther || p.Location != "/staff/totp" {
		ts.t.Fatalf("password step: %d %s %s", p.Status, p.Location, p.Doc.Find(".error-summary").Text())
	}
	a, err := ts.app.db.AccountByUsername(context.Background(), username)
	if err != nil {
		ts.t.Fatal(err)
	}
	// A code accepted earlier in the same 30 s step cannot be replayed; the
	// next step's code is accepted (one step of clock skew is allowed).
	at := time.Now()
	if a.TOTPLastStep >= at.Unix()/30 {
		at = at.Add(30 * time.Second)
	}
	p = c.post("/staff/totp", url.Values{"code": {identity.CurrentTOTP(a.TOTPSecret, at)}})
	if p.Status != http.StatusSeeOther || p.Location != "/staff" {
		ts.t.Fatalf("totp step: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
}

// logOut is where test servers log: nowhere, unless YIWANG_TEST_LOG=1.
func logOut() io.Writer {
	if os.Getenv("YIWANG_TEST_LOG") == "1" {
		return os.Stderr
	}
	return io.Discard
}
