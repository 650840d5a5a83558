package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// crashClients submit at once; each round runs between crashMinRun and
// crashMaxRun before its kill.
const (
	crashClients = 6
	crashMinRun  = 150 * time.Millisecond
	crashMaxRun  = 850 * time.Millisecond
)

// TestCrashSafety runs the real binary, submits applications from several
// clients at once and kills the server with SIGKILL at random moments,
// then restarts it. Every submission the server acknowledged (201) must be
// there, whole, after the restart; no case may exist without its first
// event; the audit chain must verify. CI runs 3 rounds;
// YIWANG_CRASH_ROUNDS=20 runs more. On both engines (on PostgreSQL the
// server stores concurrent new cases together, in pipelined batches).
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: the crash test builds and kills the real binary")
	}
	rounds := 3
	if n, err := strconv.Atoi(os.Getenv("YIWANG_CRASH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	bin := filepath.Join(t.TempDir(), "yiwang")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { crashSafety(t, bin, engine, rounds) })
	}
}

func crashSafety(t *testing.T, bin, engine string, rounds int) {
	dir := t.TempDir()
	dsn := ""
	if engine == sqlstore.Postgres {
		dsn = yiwangtest.PostgresSchema(t)
	}
	data := filepath.Join(dir, "data")
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	var acked []string // case IDs the server answered 201 for
	// Requests cut off by a kill, retried with the same key after the
	// restart: each must then be answered 201 and exist exactly once.
	type cutOff struct{ key, body, note string }
	var cut, retried []cutOff
	inProgress := 0 // retries answered 409 idempotency_in_progress first
	var entry string
	var mats []string
	// A client retries what the kill cut off, with the same key: its
	// case was committed or not, its answer stored or not; either way it is
	// answered, and never twice.
	// A 409 idempotency_in_progress says, as the API documents, to retry
	// later with the same key: on PostgreSQL the killed server's last
	// commit can still be finishing in the database when the retry comes
	// (its key not yet visible, then taken by it), and the next retry is
	// answered from its case.
	retryCut := func(base string) {
		for _, c := range cut {
			var got struct {
				ID    string
				Error struct{ Code string }
			}
			status := 0
			for attempt := 0; attempt < 20; attempt++ {
				req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/cases", strings.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", c.key)
				resp, err := hc.Do(req)
				if err != nil {
					t.Fatalf("retry of %s: %v", c.key, err)
				}
				got.ID, got.Error.Code = "", ""
				err = json.NewDecoder(resp.Body).Decode(&got)
				resp.Body.Close()
				status = resp.StatusCode
				if status != http.StatusConflict || got.Error.Code != idempotency.CodeInProgress {
					if status != http.StatusCreated || err != nil || got.ID == "" {
						t.Fatalf("retry of %s after the restart: %d %q %v", c.key, status, got.Error.Code, err)
					}
					break
				}
				inProgress++
				time.Sleep(250 * time.Millisecond)
			}
			if status != http.StatusCreated {
				t.Fatalf("retry of %s: still %d after 20 attempts", c.key, status)
			}
			acked = append(acked, got.ID)
			retried = append(retried, c)
		}
		cut = cut[:0]
	}

	// One item takes at most 9,999 applications a day (its case numbers'
	// serial): the rounds share 9,000 of them, each client's spread over
	// the longest time before a kill, so that the kill still finds
	// requests in flight.
	perClient := max(1, 9000/(rounds*crashClients))
	gap := crashMaxRun / time.Duration(perClient)
	for round := 0; round < rounds; round++ {
		base, stop := startBinary(t, bin, data, dsn, dir, round)
		if round == 0 {
			// 张三 logs in (the session survives restarts: it is in the database).
			form := url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}}
			req, _ := http.NewRequest(http.MethodPost, base+"/login/citizen", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if resp, err := hc.Do(req); err != nil || resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("login: %v %v", resp, err)
			}
			entry, mats = crashFixture(t, hc, base)
		}
		// Everything acknowledged so far survived the last kill, whole.
		for _, id := range acked {
			checkWhole(t, hc, base, id, len(mats))
		}
		retryCut(base)
		// Submit from several clients until the kill.
		var mu sync.Mutex
		var wg sync.WaitGroup
		done := make(chan struct{})
		for w := 0; w < crashClients; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ; i++ {
					if i >= perClient { // the item's day is nearly full
						<-done
						return
					}
					select {
					case <-done:
						return
					case <-time.After(gap):
					}
					body := fmt.Sprintf(`{"entry_code":%q,"fields":{"operator":"雨山区张三小吃店","premises":"雨山区湖东路1号","format":"餐饮服务经营者","items":"热食类食品制售","online":"否"},"materials":[%s],"note":"第%d轮%d-%d"}`,
						entry, strings.Join(mats, ","), round, w, i)
					req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/cases", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Idempotency-Key", fmt.Sprintf("crash-%d-%d-%d", round, w, i))
					resp, err := hc.Do(req)
					if err != nil { // killed mid-request: not acknowledged
						mu.Lock()
						cut = append(cut, cutOff{req.Header.Get("Idempotency-Key"), body, fmt.Sprintf("第%d轮%d-%d", round, w, i)})
						mu.Unlock()
						continue
					}
					var c struct{ ID string }
					err = json.NewDecoder(resp.Body).Decode(&c)
					resp.Body.Close()
					if resp.StatusCode == http.StatusCreated && err == nil && c.ID != "" {
						mu.Lock()
						acked = append(acked, c.ID)
						mu.Unlock()
					}
				}
			}(w)
		}
		time.Sleep(crashMinRun + time.Duration(rand.Int64N(int64(crashMaxRun-crashMinRun))))
		stop() // SIGKILL
		close(done)
		wg.Wait()
	}
	base, stop := startBinary(t, bin, data, dsn, dir, rounds)
	retryCut(base)
	for _, id := range acked {
		checkWhole(t, hc, base, id, len(mats))
	}
	stop()
	if len(acked) == 0 {
		t.Fatal("no submission was acknowledged: the test proved nothing")
	}
	t.Logf("%d rounds, %d acknowledged submissions, all present after SIGKILL", rounds, len(acked))

	// No half-written case; the audit chain holds.
	a, err := open(context.Background(), config{Data: data, DB: dsn}, quietLog(os.Stderr), false, false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var orphans int
	if err := a.db.SQL().QueryRow(`SELECT COUNT(*) FROM cases c WHERE NOT EXISTS
		(SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.seq = 1)`).Scan(&orphans); err != nil || orphans != 0 {
		t.Fatalf("cases without their first event: %d %v", orphans, err)
	}
	for _, c := range retried {
		var n int
		if err := a.db.SQL().QueryRow(`SELECT COUNT(*) FROM cases WHERE body LIKE $1`, `%"`+c.note+`"%`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("request %s retried after a kill: %d cases (%v)", c.key, n, err)
		}
	}
	t.Logf("%d requests cut off by a kill, retried with their key, each answered and stored once (%d answers 409 in progress first)",
		len(retried), inProgress)
	if out, err := cli(t, "audit", "verify", "--data", data, "--db", dsn); err != nil {
		t.Fatalf("audit chain after the crashes: %v\n%s", err, out)
	}
}

// startBinary starts `yiwang serve` on a free loopback port (on database
// dsn, "" SQLite in data) and returns its URL and a function that kills it
// with SIGKILL (also run when the test ends).
func startBinary(t *testing.T, bin, data, dsn, dir string, round int) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, _ := os.Create(filepath.Join(dir, fmt.Sprintf("serve-%d.log", round)))
	cmd := exec.Command(bin, "serve", "--data", data, "--db", dsn, "--addr", addr)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("server did not start:\n%s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			logf.Close()
		})
	}
	t.Cleanup(stop) // a test that fails mid-round leaves no server running
	return base, stop
}

// crashFixture uploads 张三's material and returns the item's code and the
// materials JSON of an application.
func crashFixture(t *testing.T, hc *http.Client, base string) (string, []string) {
	t.Helper()
	resp, err := hc.Get(base + "/api/v1/items?q=" + url.QueryEscape("食品经营许可"))
	if err != nil {
		t.Fatal(err)
	}
	var items struct {
		Items []struct{ Code, Name string }
	}
	json.NewDecoder(resp.Body).Decode(&items)
	resp.Body.Close()
	var code string
	for _, it := range items.Items {
		if it.Name == "食品经营许可" {
			code = it.Code
		}
	}
	if code == "" {
		t.Fatalf("no 食品经营许可 in %+v", items)
	}
	resp, err = hc.Get(base + "/api/v1/items/" + code)
	if err != nil {
		t.Fatal(err)
	}
	var item struct {
		Guide struct {
			Materials []struct{ Source string }
		}
	}
	json.NewDecoder(resp.Body).Decode(&item)
	resp.Body.Close()
	c := &client{t: t, base: base, hc: hc}
	up := c.upload([]byte("%PDF-1.4\n% 崩溃测试材料\n%%EOF\n"), "")
	var f struct{ ID string }
	if json.Unmarshal([]byte(up.Body), &f) != nil || f.ID == "" {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	var mats []string
	for i, m := range item.Guide.Materials {
		if m.Source == "applicant" {
			mats = append(mats, fmt.Sprintf(`{"index":%d,"file":%q}`, i, f.ID))
		}
	}
	if len(mats) == 0 {
		t.Fatalf("no materials in the guide: %+v", item)
	}
	return code, mats
}

// checkWhole fails unless the case is there with its first event and every
// material that was sent.
func checkWhole(t *testing.T, hc *http.Client, base, id string, materials int) {
	t.Helper()
	resp, err := hc.Get(base + "/api/v1/cases/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var c struct {
		No        string
		Materials []struct{ File string }
		Events    []struct{ Kind string }
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&c) != nil {
		t.Fatalf("acknowledged case %s after restart: %d", id, resp.StatusCode)
	}
	uploaded := 0
	for _, m := range c.Materials {
		if m.File != "" {
			uploaded++
		}
	}
	if c.No == "" || len(c.Events) == 0 || c.Events[0].Kind != "submit" || uploaded < materials {
		t.Fatalf("acknowledged case %s is not whole: %+v", id, c)
	}
}
