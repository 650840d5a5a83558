package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestIdempotencyKeys: each store method acts only on the record it names
// and only while its owner holds it.
func TestIdempotencyKeys(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			t0 := time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)
			claim := func(key, owner string) idempotency.Claim {
				return idempotency.Claim{AccountID: "a", Key: key, Owner: owner, Method: "POST", Path: "/api/v1/cases",
					RequestHash: "h", At: t0}
			}
			// In flight: as a change's transaction stores it (bindClaim).
			reserve := func(key, owner string, created time.Time) {
				t.Helper()
				if _, err := db.SQL().Exec(`INSERT INTO idempotency_keys (account_id, idem_key, method, path, request_hash,
					owner_token, created_at, reserved_at) VALUES ('a', $1, 'POST', '/api/v1/cases', 'h', $2, $3, $3)`,
					key, owner, created.UTC()); err != nil {
					t.Fatal(err)
				}
			}
			reserve("k", "o1", t0)
			got, err := db.IdempotencyRecord(ctx, "a", "k")
			if err != nil || got.Owner != "o1" || got.RequestHash != "h" || !got.InFlight() || !got.CreatedAt.Equal(t0) {
				t.Fatalf("record: %+v %v", got, err)
			}
			if _, err := db.IdempotencyRecord(ctx, "b", "k"); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("another account's key: %v", err)
			}
			// Only the holder takes over, completes or releases.
			if ok, _, err := db.TakeOverKey(ctx, "a", "k", "wrong", "o2", t0.Add(time.Hour)); ok || err != nil {
				t.Fatalf("take over by a non-holder: %v %v", ok, err)
			}
			if err := db.CompleteKey(ctx, claim("k", "wrong"), 201, []byte("x"), t0); err != nil {
				t.Fatal(err)
			}
			if err := db.ReleaseKey(ctx, "a", "k", "wrong"); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.IdempotencyRecord(ctx, "a", "k"); !got.InFlight() || got.Owner != "o1" {
				t.Fatalf("a non-holder changed the record: %+v", got)
			}
			// A reservation bound to a case survives a release, and the
			// taker learns the case.
			if _, err := db.SQL().Exec(`UPDATE idempotency_keys SET case_id = 'c1'`); err != nil {
				t.Fatal(err)
			}
			if err := db.ReleaseKey(ctx, "a", "k", "o1"); err != nil {
				t.Fatal(err)
			}
			ok, caseID, err := db.TakeOverKey(ctx, "a", "k", "o1", "o2", t0.Add(time.Hour))
			if !ok || caseID != "c1" || err != nil {
				t.Fatalf("take over: %v %q %v", ok, caseID, err)
			}
			if err := db.CompleteKey(ctx, claim("k", "o2"), 201, []byte(`{"id":"c1"}`), t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			got, _ = db.IdempotencyRecord(ctx, "a", "k")
			if got.Status != 201 || string(got.Response) != `{"id":"c1"}` || !got.ReservedAt.Equal(t0.Add(time.Hour)) {
				t.Fatalf("completed: %+v", got)
			}
			// A completed record is never taken over or released.
			if ok, _, _ := db.TakeOverKey(ctx, "a", "k", "o2", "o3", t0); ok {
				t.Fatal("completed record taken over")
			}
			// A request that changed nothing stores its answer as a new record.
			if err := db.CompleteKey(ctx, claim("k4", "q1"), 200, []byte(`{}`), t0); err != nil {
				t.Fatal(err)
			}
			if got, err := db.IdempotencyRecord(ctx, "a", "k4"); err != nil || got.Status != 200 || got.Owner != "q1" ||
				got.RequestHash != "h" || !got.CreatedAt.Equal(t0) {
				t.Fatalf("answer of an unchanged request: %+v %v", got, err)
			}
			// An unbound in-flight reservation is released.
			reserve("k2", "p1", t0)
			if err := db.ReleaseKey(ctx, "a", "k2", "p1"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.IdempotencyRecord(ctx, "a", "k2"); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("released: %v", err)
			}
			// Expiry deletes by creation time only.
			reserve("k3", "p1", t0.Add(48*time.Hour))
			if err := db.DeleteKey(ctx, "a", "k3", t0.Add(24*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if _, err := db.IdempotencyRecord(ctx, "a", "k3"); err != nil {
				t.Fatalf("young key deleted: %v", err)
			}
			if n, err := db.DeleteKeysBefore(ctx, t0.Add(24*time.Hour)); n != 2 || err != nil { // k, k4
				t.Fatalf("purge: %d %v", n, err)
			}
			if _, err := db.IdempotencyRecord(ctx, "a", "k"); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("old key kept: %v", err)
			}
		})
	}
}

// TestCompleteKeysTogether: answers stored at the same moment are stored
// together, each on its own record, and one whose record another attempt
// holds changes nothing.
func TestCompleteKeysTogether(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			t0 := time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)
			if _, err := db.SQL().Exec(`INSERT INTO idempotency_keys (account_id, idem_key, method, path, request_hash,
				owner_token, created_at, reserved_at, case_id) VALUES ('a', 'held', 'POST', '/api/v1/cases', 'h', 'other', $1, $1, 'c9')`,
				t0); err != nil {
				t.Fatal(err)
			}
			const n = 60
			var wg sync.WaitGroup
			errs := make([]error, n+1)
			for i := range n + 1 {
				key, owner := fmt.Sprintf("k%d", i), fmt.Sprintf("o%d", i)
				if i == n {
					key = "held"
				}
				wg.Go(func() {
					c := idempotency.Claim{AccountID: "a", Key: key, Owner: owner, Method: "POST", Path: "/api/v1/cases",
						RequestHash: "h", At: t0}
					errs[i] = db.CompleteKey(ctx, c, 201, []byte(fmt.Sprintf(`{"n":%d}`, i)), t0.Add(time.Second))
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("answer %d: %v", i, err)
				}
			}
			for i := range n {
				got, err := db.IdempotencyRecord(ctx, "a", fmt.Sprintf("k%d", i))
				if err != nil || got.Status != 201 || string(got.Response) != fmt.Sprintf(`{"n":%d}`, i) ||
					got.Owner != fmt.Sprintf("o%d", i) || got.InFlight() {
					t.Fatalf("answer %d: %+v %v", i, got, err)
				}
			}
			if got, _ := db.IdempotencyRecord(ctx, "a", "held"); !got.InFlight() || got.Owner != "other" || got.CaseID != "c9" {
				t.Fatalf("a record another attempt holds was changed: %+v", got)
			}
		})
	}
}
