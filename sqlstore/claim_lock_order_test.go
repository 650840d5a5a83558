package sqlstore_test

import (
	"context"
	"database/sql"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestSameKeyTwoInstancesLockOrder (PostgreSQL): one key sent to two
// instances at the same moment for one case action. Instance 1's
// UpdateCase inserts the key's record (bindClaim, its first statement) and
// then waits for the audit chain's head, which instance 2's group holds
// (an earlier work in it appended an entry); instance 2's group then binds
// the same key and waits for instance 1's record. Before today the record
// was reserved by its own statement, outside any group, and no transaction
// held a key's row while waiting for the head. Wanted: one of the two wins,
// the other is told 409 idempotency_in_progress; a "deadlock detected"
// (a 500, and both committers stalled for deadlock_timeout) is the defect.
func TestSameKeyTwoInstancesLockOrder(t *testing.T) {
	if os.Getenv(yiwangtest.PostgresEnv) == "" {
		t.Skip("PostgreSQL only")
	}
	ctx := context.Background()
	dsn := yiwangtest.PostgresSchema(t)
	open := func() *sqlstore.DB {
		db, err := sqlstore.Open(ctx, dsn, t.TempDir(), yiwangtest.Protector(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db1 := open()
	if err := db1.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db1, yiwangtest.NewClock(time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}
	db2 := open()
	entries, err := db1.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil || len(entries) == 0 {
		t.Fatalf("entries: %v", err)
	}
	nc := newCase(entries[0], 1)
	if _, err := db1.CreateCase(ctx, nc.Case, nc.Event, nc.Day, nc.Audit, nil); err != nil {
		t.Fatal(err)
	}
	caseID := nc.Case.ID
	c, err := db1.Case(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := db1.Events(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	actor := yiwang.Actor{AccountID: "officer", Name: "李四"}
	claim := func(owner string) context.Context {
		return idempotency.WithClaim(ctx, idempotency.Claim{AccountID: "officer", Key: "same", Owner: owner, Method: "POST",
			Path: "/api/v1/cases/" + caseID + "/accept", RequestHash: "h", At: now})
	}

	headHeld, proceed := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var errs2 []error
	done2 := make(chan struct{})
	go func() {
		defer close(done2)
		hold := func(ctx context.Context, tx *sql.Tx) error {
			if err := sqlstore.AppendAuditWork(audit.New(actor, now, "x.test", "x:1", audit.ResultOK, ""))(ctx, tx); err != nil {
				return err
			}
			once.Do(func() { close(headHeld); <-proceed })
			return nil
		}
		errs2 = db2.RunAsOneGroup([]context.Context{ctx, claim("o2")}, []sqlstore.GroupWork{hold, sqlstore.BindClaimWork(caseID)})
	}()
	<-headHeld
	var err1 error
	done1 := make(chan struct{})
	go func() {
		defer close(done1)
		c2 := c
		ev := casework.Event{ID: yiwang.NewID(), CaseID: caseID, Seq: len(evs) + 1, At: now, ActorID: actor.AccountID,
			ActorName: actor.Name, Kind: "verify", From: c.State, To: c.State, Note: "test"}
		err1 = db1.UpdateCase(claim("o1"), c2, ev, audit.New(actor, now, "case.verify", "case:"+caseID, audit.ResultOK, ""), nil)
	}()
	time.Sleep(500 * time.Millisecond) // instance 1 has bound the key and waits for the head
	close(proceed)
	<-done1
	<-done2
	t.Logf("instance 1: %v; instance 2: %v", err1, errs2)
	ok := func(err error) bool { return err == nil || yiwang.ErrorCode(err) == idempotency.CodeInProgress }
	if !ok(err1) || !ok(errs2[1]) || errs2[0] != nil {
		t.Fatalf("same key on two instances: instance 1 %v, instance 2 %v", err1, errs2)
	}
	if (err1 == nil) == (errs2[1] == nil) {
		t.Fatalf("exactly one should win: %v %v", err1, errs2[1])
	}
}
