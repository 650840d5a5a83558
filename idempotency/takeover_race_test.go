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

// TestRetryWhileAnswerStored: instance A made the case, bound to its key
// in the change's transaction, and stores no answer: the record, in flight
// and bound to the case, is the answer. A retry on instance B takes the
// record over and is answered from the case; B stores that answer after
// sending it (FinishLater). A retry on instance C reads the record still
// in flight and goes to take it over just as B's answer is stored. The
// take-over finds nothing to take, but the answer is there: C must replay
// it, not answer 409.
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
			c, err := e.submit(first.Claim)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.idem.Finish(ctx, first.Claim, 201, []byte(`{"from":"first"}`)); err != nil {
				t.Fatal(err)
			}
			rec, err := e.db.IdempotencyRecord(ctx, e.citizen.AccountID, "k")
			if err != nil || !rec.InFlight() || rec.CaseID != c.ID || len(rec.Response) != 0 {
				t.Fatalf("a bound success stored an answer: %+v %v", rec, err)
			}
			b := &idempotency.Service{Store: e.db, Clock: e.clk}
			second, err := b.Begin(ctx, req(e.citizen.AccountID, "k", body))
			if err != nil || second.Replay != nil || second.CaseID != c.ID {
				t.Fatalf("retry on B: %+v %v", second, err)
			}
			other := &idempotency.Service{Clock: e.clk}
			other.Store = racingStore{DB: e.db, before: func() {
				if err := b.Finish(ctx, second.Claim, 201, []byte(`{"from":"second"}`)); err != nil {
					t.Error(err)
				}
			}}
			out, err := other.Begin(ctx, req(e.citizen.AccountID, "k", body))
			if err != nil || out.Replay == nil || string(out.Replay.Response) != `{"from":"second"}` {
				t.Fatalf("retry while the answer was stored: %+v %v", out, err)
			}
		})
	}
}
