package idempotency_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func TestParseKey(t *testing.T) {
	for _, tc := range []struct {
		name, key string
		ok        bool
	}{
		{"uuid", "0199a0c4-4bd4-7cc5-a1b2-1c2d3e4f5a6b", true},
		{"one character", "x", true},
		{"64 characters", strings.Repeat("k", 64), true},
		{"punctuation", "order#42/retry:1", true},
		{"empty", "", false},
		{"65 characters", strings.Repeat("k", 65), false},
		{"space", "a b", false},
		{"tab", "a\tb", false},
		{"non-ASCII", "键", false},
		{"DEL", "a\x7f", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := idempotency.ParseKey(tc.key)
			if tc.ok != (err == nil) {
				t.Fatalf("ParseKey(%q) = %v", tc.key, err)
			}
			if err != nil && yiwang.ErrorCode(err) != idempotency.CodeKeyInvalid {
				t.Fatalf("code %s", yiwang.ErrorCode(err))
			}
		})
	}
}

func newService(t *testing.T, engine string) (*idempotency.Service, *sqlstore.DB, *yiwangtest.Clock) {
	db := yiwangtest.NewDB(t, engine)
	clk := yiwangtest.NewClock(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))
	return &idempotency.Service{Store: db, Clock: clk}, db, clk
}

func req(account, key, body string) idempotency.Request {
	return idempotency.Request{AccountID: account, Key: key, Method: "POST", Path: "/api/v1/cases", Body: []byte(body)}
}

func code(err error) string { return yiwang.ErrorCode(err) }

// TestBegin walks one key through its life: reserved, in flight, answered,
// replayed, refused for another body, path or method, expired.
func TestBegin(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			svc, db, clk := newService(t, engine)
			first, err := svc.Begin(ctx, req("a", "k1", `{"x":1}`))
			if err != nil || first.Replay != nil || first.Claim.Owner == "" || first.CaseID != "" {
				t.Fatalf("first: %+v %v", first, err)
			}
			if _, err := svc.Begin(ctx, req("a", "k1", `{"x":1}`)); code(err) != idempotency.CodeInProgress {
				t.Fatalf("duplicate in flight: %v", err)
			}
			// Another account's key of the same name is its own.
			if other, err := svc.Begin(ctx, req("b", "k1", `{"x":1}`)); err != nil || other.Replay != nil {
				t.Fatalf("another account: %+v %v", other, err)
			}
			if err := svc.Finish(ctx, first.Claim, 201, []byte(`{"id":"c1"}`)); err != nil {
				t.Fatal(err)
			}
			again, err := svc.Begin(ctx, req("a", "k1", `{"x":1}`))
			if err != nil || again.Replay == nil || again.Replay.Status != 201 || string(again.Replay.Response) != `{"id":"c1"}` {
				t.Fatalf("replay: %+v %v", again, err)
			}
			for name, r := range map[string]idempotency.Request{
				"another body":   req("a", "k1", `{"x":2}`),
				"another path":   {AccountID: "a", Key: "k1", Method: "POST", Path: "/api/v1/cases/c1/accept", Body: []byte(`{"x":1}`)},
				"another method": {AccountID: "a", Key: "k1", Method: "PUT", Path: "/api/v1/cases", Body: []byte(`{"x":1}`)},
			} {
				if _, err := svc.Begin(ctx, r); code(err) != idempotency.CodeKeyReused {
					t.Fatalf("%s: %v", name, err)
				}
			}
			// A failure of ours is not kept: the retry runs again.
			failed, _ := svc.Begin(ctx, req("a", "k2", `{}`))
			if err := svc.Finish(ctx, failed.Claim, 500, []byte(`{"error":{}}`)); err != nil {
				t.Fatal(err)
			}
			if retry, err := svc.Begin(ctx, req("a", "k2", `{}`)); err != nil || retry.Replay != nil || retry.Claim.Owner == failed.Claim.Owner {
				t.Fatalf("retry after a 500: %+v %v", retry, err)
			}
			// A refusal changed nothing and is not kept either: the client
			// fixes the body and sends it with the same key.
			refused, _ := svc.Begin(ctx, req("a", "k3", `{}`))
			_ = svc.Finish(ctx, refused.Claim, 400, []byte(`{"error":{"code":"EINVALID"}}`))
			fixed, err := svc.Begin(ctx, req("a", "k3", `{"fixed":1}`))
			if err != nil || fixed.Replay != nil {
				t.Fatalf("fixed request after a refusal: %+v %v", fixed, err)
			}
			_ = svc.Finish(ctx, fixed.Claim, 200, []byte(`{}`))
			// After 24 hours the key is new again, and the purge removes old ones.
			clk.Advance(idempotency.TTL + time.Minute)
			if fresh, err := svc.Begin(ctx, req("a", "k1", `{"x":2}`)); err != nil || fresh.Replay != nil {
				t.Fatalf("expired key: %+v %v", fresh, err)
			}
			// Only answers and changes are stored: a/k3 (a/k1's was deleted
			// as expired; the keys still in flight here changed nothing).
			n, err := svc.Purge(ctx)
			if err != nil || n != 1 {
				t.Fatalf("purge: %d %v", n, err)
			}
			var left int
			if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM idempotency_keys`).Scan(&left); err != nil || left != 0 {
				t.Fatalf("left after purge: %d %v", left, err)
			}
		})
	}
}

// TestAbandonedReservation: a reservation whose request died is taken over
// once it is stale, and the old attempt can no longer store an answer.
func TestAbandonedReservation(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			svc, _, clk := newService(t, engine)
			old, _ := svc.Begin(ctx, req("a", "k", `{}`))
			clk.Advance(idempotency.Stale - time.Second)
			if _, err := svc.Begin(ctx, req("a", "k", `{}`)); code(err) != idempotency.CodeInProgress {
				t.Fatalf("taken over while fresh: %v", err)
			}
			clk.Advance(2 * time.Second)
			if _, err := svc.Begin(ctx, req("a", "k", `{"other":1}`)); code(err) != idempotency.CodeKeyReused {
				t.Fatalf("stale reservation taken over with another body: %v", err)
			}
			took, err := svc.Begin(ctx, req("a", "k", `{}`))
			if err != nil || took.Replay != nil || took.Claim.Owner == old.Claim.Owner || took.CaseID != "" {
				t.Fatalf("take over: %+v %v", took, err)
			}
			if _, err := svc.Begin(ctx, req("a", "k", `{}`)); code(err) != idempotency.CodeInProgress {
				t.Fatalf("taken over twice: %v", err)
			}
			_ = svc.Finish(ctx, old.Claim, 201, []byte(`"old"`))
			_ = svc.Finish(ctx, took.Claim, 201, []byte(`"new"`))
			if r, _ := svc.Begin(ctx, req("a", "k", `{}`)); r.Replay == nil || string(r.Replay.Response) != `"new"` {
				t.Fatalf("stored answer: %+v", r.Replay)
			}
		})
	}
}

// TestConcurrentReservations: of many simultaneous first requests with one
// key, exactly one runs; the others are told it is in progress.
func TestConcurrentReservations(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			svc, _, _ := newService(t, engine)
			const n = 16
			var wg sync.WaitGroup
			var mu sync.Mutex
			claims, busy := 0, 0
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					out, err := svc.Begin(ctx, req("a", "same", `{}`))
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil && out.Replay == nil:
						claims++
					case code(err) == idempotency.CodeInProgress:
						busy++
					default:
						t.Errorf("begin: %+v %v", out, err)
					}
				}()
			}
			wg.Wait()
			if claims != 1 || busy != n-1 {
				t.Fatalf("%d claims, %d in progress; want 1 and %d", claims, busy, n-1)
			}
		})
	}
}

// FuzzParseKey: a key is accepted exactly when it is 1 to 64 visible ASCII
// characters, and comes back unchanged.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"", "k", "a b", "键", strings.Repeat("k", 65), "0199a0c4-4bd4-7cc5-a1b2-1c2d3e4f5a6b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		valid := len(s) >= 1 && len(s) <= 64
		for i := 0; i < len(s); i++ {
			valid = valid && s[i] > ' ' && s[i] < 0x7f
		}
		got, err := idempotency.ParseKey(s)
		if valid != (err == nil) || (err == nil && got != s) {
			t.Fatalf("ParseKey(%q) = %q, %v", s, got, err)
		}
	})
}
