package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestLoadHeld: 200 simulated people use the real server at once for a
// while — visitors browse, search, read guides and track; citizens list
// their cases and apply (some retrying a request with the same
// Idempotency-Key); officers read the inbox, and others accept, review and
// decide the new applications, two of them often on the same case. No
// answer may be a 5xx, and afterwards every acknowledged application is
// there exactly once and whole, each case's history is unbroken, and no
// case has two licences of a type. CI runs 5 s; YIWANG_LOAD_SECONDS=60 runs the full
// minute. On both engines.
func TestLoadHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	secs := 5
	if n, err := fmtAtoi(os.Getenv("YIWANG_LOAD_SECONDS")); err == nil && n > 0 {
		secs = n
	}
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { loadHeld(t, engine, secs) })
	}
}

func loadHeld(t *testing.T, engine string, secs int) {
	ts := startServer(t, engine)
	food := publishedByName(t, ts, "食品经营许可")
	var trackNo string
	ts.app.db.SQL().QueryRow(`SELECT no FROM cases ORDER BY submitted_at LIMIT 1`).Scan(&trackNo)
	before := ts.count("cases")

	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	citizens := make([]*client, 2)
	mats := make([][]string, 2)
	for i := range citizens {
		citizens[i] = ts.client()
		citizens[i].post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[i].Mobile}, "password": {demo.CitizenPassword}})
		_, mats[i] = crashFixture(t, citizens[i].hc, ts.URL)
	}

	var requests, fivexx, acked, replays, decided, conflicts atomic.Int64
	var mu sync.Mutex
	ids := map[string]string{} // idempotency key → case ID
	var recent []string        // the acknowledged cases' IDs, in order
	pick := func() string {    // one of the five newest, so that officers collide
		mu.Lock()
		defer mu.Unlock()
		if len(recent) == 0 {
			return ""
		}
		return recent[max(0, len(recent)-1-rand.IntN(5))]
	}
	var firstErr atomic.Value
	hit := func(hc *http.Client, method, path, body, key string) (int, []byte) {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := hc.Do(req)
		requests.Add(1)
		if err != nil {
			firstErr.CompareAndSwap(nil, err.Error())
			return 0, nil
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			fivexx.Add(1)
			firstErr.CompareAndSwap(nil, fmt.Sprintf("%s %s: %d %.200s", method, path, resp.StatusCode, b))
		}
		return resp.StatusCode, b
	}
	newHC := func(jar http.CookieJar) *http.Client {
		if jar == nil {
			jar, _ = cookiejar.New(nil)
		}
		return &http.Client{Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	deadline := time.Now().Add(time.Duration(secs) * time.Second)
	var wg sync.WaitGroup
	for u := 0; u < 200; u++ {
		wg.Add(1)
		go func(u int) {
			defer wg.Done()
			switch {
			case u < 120: // visitors
				hc := newHC(nil)
				for i := 0; time.Now().Before(deadline); i++ {
					switch i % 4 {
					case 0:
						hit(hc, http.MethodGet, "/", "", "")
					case 1:
						hit(hc, http.MethodGet, "/items?q="+url.QueryEscape([]string{"营业执照", "低保", "户口", "宅基地"}[rand.IntN(4)]), "", "")
					case 2:
						hit(hc, http.MethodGet, "/items/"+food.Code, "", "")
					case 3:
						hit(hc, http.MethodGet, "/track?no="+trackNo+"&who="+url.QueryEscape("张三"), "", "")
					}
				}
			case u < 180: // citizens
				who := u % 2
				hc := newHC(citizens[who].hc.Jar)
				for i := 0; time.Now().Before(deadline); i++ {
					if i%3 == 0 {
						hit(hc, http.MethodGet, "/cases", "", "")
						continue
					}
					key := fmt.Sprintf("load-%d-%d", u, i)
					body := fmt.Sprintf(`{"entry_code":%q,"fields":{"operator":"雨山区小吃店","premises":"雨山区湖东路1号","format":"餐饮服务经营者","items":"热食类食品制售","online":"否"},"materials":[%s]}`,
						food.Code, strings.Join(mats[who], ","))
					st, b := hit(hc, http.MethodPost, "/api/v1/cases", body, key)
					var c struct{ ID string }
					if st != http.StatusCreated || json.Unmarshal(b, &c) != nil {
						continue
					}
					acked.Add(1)
					mu.Lock()
					ids[key] = c.ID
					recent = append(recent, c.ID)
					mu.Unlock()
					if i%5 == 1 { // a retry of the same request: the same answer, no new case
						st, b = hit(hc, http.MethodPost, "/api/v1/cases", body, key)
						var again struct{ ID string }
						if st == http.StatusCreated && json.Unmarshal(b, &again) == nil && again.ID != c.ID {
							firstErr.CompareAndSwap(nil, "a retried request made a second case")
						}
						replays.Add(1)
					}
				}
			case u < 190: // officers working the new cases (one account, one session)
				hc := newHC(officer.hc.Jar)
				for i := 0; time.Now().Before(deadline); i++ {
					id := pick()
					if id == "" {
						time.Sleep(10 * time.Millisecond)
						continue
					}
					key := fmt.Sprintf("work-%d-%d", u, i)
					ok := func(st int) bool {
						if st == http.StatusConflict {
							conflicts.Add(1) // another officer moved it first
						}
						return st == http.StatusOK
					}
					st, b := hit(hc, http.MethodPost, "/api/v1/cases/"+id+"/accept", "{}", key+"-accept")
					var c struct{ Tasks []struct{ ID string } }
					if !ok(st) || json.Unmarshal(b, &c) != nil || len(c.Tasks) == 0 {
						continue
					}
					if st, _ = hit(hc, http.MethodPost, "/api/v1/cases/"+id+"/tasks/"+c.Tasks[0].ID, `{"opinion":"agree","note":"同意"}`, key+"-review"); !ok(st) {
						continue
					}
					if st, _ = hit(hc, http.MethodPost, "/api/v1/cases/"+id+"/decide", `{"decision":"granted","note":"准予"}`, key+"-decide"); ok(st) {
						decided.Add(1)
					}
				}
			default: // officers reading (the same account and session)
				hc := newHC(officer.hc.Jar)
				for i := 0; time.Now().Before(deadline); i++ {
					switch i % 3 {
					case 0:
						hit(hc, http.MethodGet, "/work", "", "")
					case 1:
						hit(hc, http.MethodGet, "/work?q=%E5%BC%A0", "", "")
					case 2:
						hit(hc, http.MethodGet, "/work/licenses", "", "")
					}
				}
			}
		}(u)
	}
	wg.Wait()
	t.Logf("%d s, 200 users: %d requests (%.0f/s), %d applications acknowledged, %d retries replayed, %d decided, %d conflicts",
		secs, requests.Load(), float64(requests.Load())/float64(secs), acked.Load(), replays.Load(), decided.Load(), conflicts.Load())
	if e := firstErr.Load(); e != nil {
		t.Fatalf("first problem: %v", e)
	}
	if fivexx.Load() != 0 {
		t.Fatalf("%d answers were 5xx", fivexx.Load())
	}
	if acked.Load() == 0 {
		t.Fatal("no application acknowledged: the test proved nothing")
	}
	// Exactly the acknowledged applications were added, each once and whole.
	if got := ts.count("cases") - before; got != len(ids) {
		t.Fatalf("%d new cases for %d acknowledged applications", got, len(ids))
	}
	var orphans int
	ts.app.db.SQL().QueryRow(`SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.seq = 1)`).Scan(&orphans)
	if orphans != 0 {
		t.Fatalf("%d cases without their first event", orphans)
	}
	if decided.Load() == 0 {
		t.Fatal("no case decided: the officers proved nothing")
	}
	// Each case's history is unbroken (events 1..n), and no new case has
	// two licences (or decision documents) of one type, however the
	// officers collided.
	var gaps int
	ts.app.db.SQL().QueryRow(`SELECT COUNT(*) FROM (SELECT case_id FROM case_events GROUP BY case_id
		HAVING COUNT(*) <> MAX(seq)) g`).Scan(&gaps)
	newCases := map[string]bool{}
	for _, id := range ids {
		newCases[id] = true
	}
	rows, err := ts.app.db.SQL().Query(`SELECT case_id FROM licenses GROUP BY case_id, type_code HAVING COUNT(*) > 1`)
	if err != nil {
		t.Fatal(err)
	}
	twice := 0
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil && newCases[id] {
			twice++
		}
	}
	rows.Close()
	if gaps != 0 || twice != 0 {
		t.Fatalf("%d cases with a broken history, %d new cases with two licences of a type", gaps, twice)
	}
	if out, err := cli(t, "audit", "verify", "--data", ts.cfg.Data, "--db", ts.cfg.DB); err != nil {
		t.Fatalf("audit chain: %v %s", err, out)
	}
}

func fmtAtoi(s string) (int, error) {
	var n int
	_, err := fmt.Sscanf(s, "%d", &n)
	return n, err
}
