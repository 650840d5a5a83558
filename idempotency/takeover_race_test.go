package idempotency_test

import (
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// racingStore runs before just before each TakeOverKey: what another
// instance does between this one's read of the record and its take-over.
type racingStore struct {
	*sqlstore.DB
	before func()
}

func (s racingStore) TakeOverKey(ctx context.Context, accountID, key, oldOwner, newOwner string, at time.Time) (bool, string, error) {
	if s.before != nil {
		s.before()
	}
	return s.DB.TakeOverKey(ctx, accountID, key, oldOwner, newOwner, at)
}

// TestRetryWhileAnswerStored: instance A made the case and stores its
// answer after sending it (FinishLater); a retry on instance B reads the
// record still in flight, bound to the case, and goes to take it over from
// the case just as A's answer is stored. The take-over finds nothing to
// take, but the answer is there: B must replay it, not answer 409.
func TestRetryWhileAnswerStored(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			e := newCaseEnv(t, engine)
			body := `{"entry_code":"x"}`
			first, err := e.idem.Begin(ctx, req(e.citizen.AccountID, "k", body))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.submit(first.Claim); err != nil {
				t.Fatal(err)
			}
			other := &idempotency.Service{Clock: e.clk}
			other.Store = racingStore{DB: e.db, before: func() {
				if err := e.idem.Finish(ctx, first.Claim, 201, []byte(`{"from":"first"}`)); err != nil {
					t.Error(err)
				}
			}}
			out, err := other.Begin(ctx, req(e.citizen.AccountID, "k", body))
			if err != nil || out.Replay == nil || string(out.Replay.Response) != `{"from":"first"}` {
				t.Fatalf("retry while the answer was stored: %+v %v", out, err)
			}
		})
	}
}
