package webhook_test

import (
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/webhook"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// hmacSM3 computes the signature the way docs/webhooks.md tells a receiver
// to, without the package's own Sign.
func hmacSM3(secret, ts string, body []byte) string {
	mac := hmac.New(sm3.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	return "hmac-sm3=" + hex.EncodeToString(mac.Sum(nil))
}

// TestDeliverySigned: receivers get the events they asked for (kind and org
// filter), signed with their own secret, with the documented headers and
// body fields and no personal data.
func TestDeliverySigned(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			rc := newReceiver(t)
			all := e.subscribe(t, rc.URL+"/all", webhook.Kinds, "")
			district := e.subscribe(t, rc.URL+"/district", []string{"accept"}, e.orgs["雨山区"])
			e.subscribe(t, rc.URL+"/other-dept", webhook.Kinds, e.orgs["雨山区民政局"])
			off := e.subscribe(t, rc.URL+"/disabled", webhook.Kinds, "")
			if err := e.hooks.SetEnabled(e.ctx, e.admin, off.ID, false); err != nil {
				t.Fatal(err)
			}
			secrets := map[string]string{"/all": all.Secret, "/district": district.Secret}

			c := e.submit(t)
			e.clk.Advance(time.Hour)
			if _, err := e.cases.Accept(e.ctx, e.officer, c.ID); err != nil {
				t.Fatal(err)
			}
			n, err := e.dispatcher().RunOnce(e.ctx)
			if err != nil || n != 3 {
				t.Fatalf("delivered %d, want 3 (submit and accept to /all, accept to /district): %v", n, err)
			}
			got := rc.requests()
			var paths []string
			for _, r := range got {
				paths = append(paths, r.Path+" "+r.Header.Get("X-Yiwang-Event"))
			}
			sort.Strings(paths)
			if strings.Join(paths, ",") != "/all accept,/all submit,/district accept" {
				t.Fatalf("requests: %v", paths)
			}
			wantKeys := []string{"at", "case_id", "case_no", "channel", "deadline", "event", "event_id", "from_state",
				"id", "item_code", "item_name", "org_id", "seq", "state"}
			for _, r := range got {
				ts := r.Header.Get("X-Yiwang-Timestamp")
				if ts != "1773025200" { // the fake clock's time at dispatch, 2026-03-09 03:00 UTC
					t.Fatalf("timestamp %q", ts)
				}
				if sig := r.Header.Get("X-Yiwang-Signature"); sig != hmacSM3(secrets[r.Path], ts, r.Body) {
					t.Fatalf("%s: signature %q does not verify", r.Path, sig)
				}
				if err := webhook.Verify(secrets[r.Path], ts, r.Header.Get("X-Yiwang-Signature"), r.Body, e.clk.Now(), 5*time.Minute); err != nil {
					t.Fatal(err)
				}
				if err := webhook.Verify(secrets[r.Path], ts, r.Header.Get("X-Yiwang-Signature"), append(r.Body, ' '), e.clk.Now(), 5*time.Minute); err == nil {
					t.Fatal("a changed body verified")
				}
				if err := webhook.Verify(secrets[r.Path], ts, r.Header.Get("X-Yiwang-Signature"), r.Body, e.clk.Now().Add(time.Hour), 5*time.Minute); err == nil {
					t.Fatal("an old delivery verified")
				}
				if ct := r.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
					t.Fatalf("content type %q", ct)
				}
				for _, pd := range []string{demo.People[0].Name, demo.People[0].IDCard, demo.People[0].Mobile, "湖东路", "小吃店"} {
					if strings.Contains(string(r.Body), pd) {
						t.Fatalf("body carries personal data %q: %s", pd, r.Body)
					}
				}
				var p map[string]any
				if err := json.Unmarshal(r.Body, &p); err != nil {
					t.Fatal(err)
				}
				var keys []string
				for k := range p {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				if p["event"] == "submit" {
					wantKeys := slices.DeleteFunc(slices.Clone(wantKeys), func(k string) bool { return k == "deadline" })
					if !slices.Equal(keys, wantKeys) {
						t.Fatalf("submit body keys %v, want %v", keys, wantKeys)
					}
				} else if !slices.Equal(keys, wantKeys) {
					t.Fatalf("accept body keys %v, want %v", keys, wantKeys)
				}
				if p["id"] != r.Header.Get("X-Yiwang-Delivery") || p["case_id"] != c.ID || p["case_no"] != c.No ||
					p["item_code"] != e.food.Code || p["org_id"] != e.food.OrgID || p["event"] != r.Header.Get("X-Yiwang-Event") {
					t.Fatalf("body %s", r.Body)
				}
				if p["event"] == "accept" && (p["state"] != casework.StateAccepted || p["from_state"] != casework.StateSubmitted ||
					p["at"] != "2026-03-09T03:00:00Z") {
					t.Fatalf("accept body %s", r.Body)
				}
			}
			// The log shows them delivered; nothing is due any more.
			log, err := e.hooks.Deliveries(e.ctx, e.admin, "")
			if err != nil || len(log) != 3 {
				t.Fatalf("log: %d %v", len(log), err)
			}
			for _, d := range log {
				if d.Status != webhook.StatusDelivered || d.Attempts != 1 || d.LastStatus != 200 || d.DeliveredAt.IsZero() {
					t.Fatalf("logged %+v", d)
				}
			}
			if n, _ := e.dispatcher().RunOnce(e.ctx); n != 0 || len(rc.requests()) != 3 {
				t.Fatal("delivered twice")
			}
		})
	}
}

// TestRetryBackoff: a failed delivery is retried after 30 s, 1, 2, 4 …
// minutes (jitter off), not earlier; a redirect is a failure; after
// MaxAttempts it is marked failed and never tried again.
func TestRetryBackoff(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			rc := newReceiver(t)
			var mu sync.Mutex
			status := http.StatusServiceUnavailable
			rc.answer = func(int) int { mu.Lock(); defer mu.Unlock(); return status }
			e.subscribe(t, rc.URL+"/in", []string{"submit"}, "")
			e.submit(t)
			d := e.dispatcher()
			last := func() webhook.Delivery {
				t.Helper()
				log, err := e.hooks.Deliveries(e.ctx, e.admin, "")
				if err != nil || len(log) != 1 {
					t.Fatalf("log: %d %v", len(log), err)
				}
				return log[0]
			}
			if n, err := d.RunOnce(e.ctx); n != 0 || err != nil {
				t.Fatalf("first attempt: %d %v", n, err)
			}
			if l := last(); l.Attempts != 1 || l.LastStatus != 503 || !strings.Contains(l.LastError, "503") ||
				!l.NextAttemptAt.Equal(e.clk.Now().Add(30*time.Second)) || l.Status != webhook.StatusPending {
				t.Fatalf("after one failure: %+v", l)
			}
			for i, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute} {
				e.clk.Advance(wait - time.Second)
				d.RunOnce(e.ctx)
				if got := len(rc.requests()); got != i+1 {
					t.Fatalf("retried a second before %s: %d requests", wait, got)
				}
				e.clk.Advance(time.Second)
				d.RunOnce(e.ctx)
				if got := len(rc.requests()); got != i+2 {
					t.Fatalf("not retried after %s: %d requests", wait, got)
				}
			}
			// A redirect is not followed and counts as a failure.
			mu.Lock()
			status = http.StatusFound
			mu.Unlock()
			e.clk.Advance(4 * time.Minute)
			d.RunOnce(e.ctx)
			if l := last(); l.Attempts != 5 || l.LastStatus != 302 || len(rc.requests()) != 5 {
				t.Fatalf("redirect: %+v, %d requests", l, len(rc.requests()))
			}
			// The rest of the schedule, capped at an hour: then it gives up.
			for range 10 {
				e.clk.Advance(2 * time.Hour)
				d.RunOnce(e.ctx)
			}
			l := last()
			if l.Status != webhook.StatusFailed || l.Attempts != webhook.MaxAttempts || len(rc.requests()) != webhook.MaxAttempts {
				t.Fatalf("after giving up: %+v, %d requests", l, len(rc.requests()))
			}
			// A later success elsewhere: a new event is delivered at once.
			mu.Lock()
			status = http.StatusNoContent
			mu.Unlock()
			e.submit(t)
			if n, _ := d.RunOnce(e.ctx); n != 1 {
				t.Fatalf("new delivery: %d", n)
			}
		})
	}
}

// TestTwoDispatchers: two instances running at once deliver each delivery
// exactly once.
func TestTwoDispatchers(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			rc := newReceiver(t)
			e.subscribe(t, rc.URL+"/a", webhook.Kinds, "")
			e.subscribe(t, rc.URL+"/b", []string{"submit"}, "")
			for range 5 {
				e.submit(t)
			}
			var wg sync.WaitGroup
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := e.dispatcher().RunOnce(e.ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			seen := map[string]int{}
			for _, r := range rc.requests() {
				seen[r.Header.Get("X-Yiwang-Delivery")]++
			}
			if len(seen) != 10 {
				t.Fatalf("%d deliveries arrived, want 10", len(seen))
			}
			for id, n := range seen {
				if n != 1 {
					t.Fatalf("delivery %s arrived %d times", id, n)
				}
			}
		})
	}
}

// TestDisabledSubscriptionWaits: a disabled subscription gets no new
// deliveries, and those already queued wait until it is enabled again;
// deleting it removes its log.
func TestDisabledSubscriptionWaits(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			rc := newReceiver(t)
			s := e.subscribe(t, rc.URL+"/in", webhook.Kinds, "")
			c := e.submit(t) // queued while enabled
			if err := e.hooks.SetEnabled(e.ctx, e.admin, s.ID, false); err != nil {
				t.Fatal(err)
			}
			if _, err := e.cases.Accept(e.ctx, e.officer, c.ID); err != nil { // not queued
				t.Fatal(err)
			}
			if n, _ := e.dispatcher().RunOnce(e.ctx); n != 0 || len(rc.requests()) != 0 {
				t.Fatal("a disabled subscription was sent to")
			}
			if err := e.hooks.SetEnabled(e.ctx, e.admin, s.ID, true); err != nil {
				t.Fatal(err)
			}
			if n, _ := e.dispatcher().RunOnce(e.ctx); n != 1 || rc.requests()[0].Header.Get("X-Yiwang-Event") != "submit" {
				t.Fatalf("after enabling: %d delivered", n)
			}
			if err := e.hooks.Delete(e.ctx, e.admin, s.ID); err != nil {
				t.Fatal(err)
			}
			if log, _ := e.hooks.Deliveries(e.ctx, e.admin, ""); len(log) != 0 {
				t.Fatalf("deleted subscription left %d log rows", len(log))
			}
		})
	}
}
