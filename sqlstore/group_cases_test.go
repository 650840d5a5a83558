package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestCaseStoredTogetherDespiteCancel (PostgreSQL): a mixed group (an
// audit entry, then two new cases) waits in BEGIN for the audit head, held
// by another transaction; meanwhile case 0's caller gives up. The group had
// already chosen its cases to store together (casesTogether, before
// begin): case 0 must then be answered as stored, not with the caller's
// context error while it is committed (a retry without a key would
// apply twice).
func TestCaseStoredTogetherDespiteCancel(t *testing.T) {
	if os.Getenv(yiwangtest.PostgresEnv) == "" {
		t.Skip("PostgreSQL only")
	}
	ctx := context.Background()
	db, entries := groupFixture(t, sqlstore.Postgres)
	hold, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.Exec(`SELECT 1 FROM audit_head WHERE id = 1 FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	ncs := []casework.NewCase{newCase(entries[0], 0), newCase(entries[0], 1)}
	first := audit.New(yiwang.Actor{AccountID: "admin"}, time.Now(), "test.first", "x:1", audit.ResultOK, "")
	type result struct {
		out  []casework.Case
		errs []error
	}
	done := make(chan result, 1)
	go func() {
		out, errs := db.CasesAmidAuditAsOneGroup(first, []context.Context{cctx, nil}, ncs)
		done <- result{out, errs}
	}()
	time.Sleep(300 * time.Millisecond) // the group waits for the head in begin
	cancel()
	time.Sleep(50 * time.Millisecond)
	_ = hold.Rollback()
	r := <-done
	_, stored := db.Case(ctx, ncs[0].Case.ID)
	t.Logf("errs %v; case 0 stored: %v (%v)", r.errs, stored == nil, stored)
	if (r.errs[1] == nil) != (stored == nil) {
		t.Fatalf("case 0: answered %v, stored %v (No %q)", r.errs[1], stored, r.out[0].No)
	}
}

// TestNoticeConflictFailsAlone: a notice that cannot be stored (its ID
// taken) fails its case alone, on both engines, in a cases-only group and in
// a mixed one (PostgreSQL: the second batch fails, the group is re-run); no
// connection is left in use.
func TestNoticeConflictFailsAlone(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		for _, mixed := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/mixed=%v", engine, mixed), func(t *testing.T) {
				db, entries := groupFixture(t, engine)
				before := auditCount(t, db)
				ncs := make([]casework.NewCase, 3)
				for i := range ncs {
					ncs[i] = newCase(entries[i%2], i)
					withNotice(&ncs[i])
				}
				ncs[2].Msg.ID = ncs[0].Msg.ID // the second batch's (or statement's) unique violation
				var errs []error
				want := int64(2)
				if mixed {
					first := audit.New(yiwang.Actor{AccountID: "admin"}, time.Now(), "test.first", "x:1", audit.ResultOK, "")
					_, errs = db.CasesAmidAuditAsOneGroup(first, nil, ncs)
					if errs[0] != nil {
						t.Fatalf("audit work: %v", errs[0])
					}
					errs = errs[1:]
					want = 3
				} else {
					_, errs = db.CreateCasesAsOneGroup(nil, ncs)
				}
				for i, err := range errs {
					if (err != nil) != (i == 2) {
						t.Fatalf("case %d: %v", i, err)
					}
				}
				if after := auditCount(t, db); after != before+want {
					t.Fatalf("audit %d → %d", before, after)
				}
				if s := db.SQL().Stats(); s.InUse != 0 {
					t.Fatalf("connections in use after the group: %d", s.InUse)
				}
			})
		}
	}
}

// TestPanicStoringCasesTogether (PostgreSQL): a panic while a group stores
// its new cases together (inside conn.Raw, the group's *sql.Tx open on that
// *sql.Conn) neither escapes nor hangs the committer (Raw would close the
// Conn, which waits for the Tx): it becomes an error, the group is re-run
// work by work, and the cases are stored; the database then closes.
func TestPanicStoringCasesTogether(t *testing.T) {
	if os.Getenv(yiwangtest.PostgresEnv) == "" {
		t.Skip("PostgreSQL only")
	}
	db, entries := groupFixture(t, sqlstore.Postgres)
	db.PanicInStoredCasesBatch()
	ncs := []casework.NewCase{newCase(entries[0], 0), newCase(entries[0], 1)}
	done := make(chan []error, 1)
	go func() {
		_, errs := db.CreateCasesAsOneGroup(nil, ncs)
		done <- errs
	}()
	select {
	case errs := <-done:
		for i, err := range errs {
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			if _, err := db.Case(context.Background(), ncs[i].Case.ID); err != nil {
				t.Fatalf("case %d not stored: %v", i, err)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the group never answered: the committer is stuck")
	}
}

// TestLazyAnswerAloneAndClose (SQLite's lazy answers): an answer alone
// is stored (about 1 ms later), one stored with a write that comes during
// its wait shares its commit, and Close during the wait neither hangs nor
// loses it.
func TestLazyAnswerAloneAndClose(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			t0 := time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)
			claim := func(k string) idempotency.Claim {
				return idempotency.Claim{AccountID: "a", Key: k, Owner: "o", Method: "POST", Path: "/x", RequestHash: "h", At: t0}
			}
			db := yiwangtest.NewDB(t, engine)
			start := time.Now()
			if err := db.CompleteKey(ctx, claim("alone"), 201, []byte(`{}`), t0); err != nil {
				t.Fatal(err)
			}
			t.Logf("alone: %v", time.Since(start))
			if got, err := db.IdempotencyRecord(ctx, "a", "alone"); err != nil || got.Status != 201 {
				t.Fatalf("alone: %+v %v", got, err)
			}
			for i := range 20 {
				db := yiwangtest.NewDB(t, engine)
				done := make(chan error, 1)
				go func() { done <- db.CompleteKey(ctx, claim("k"), 201, []byte(`{}`), t0) }()
				time.Sleep(time.Duration(i*50) * time.Microsecond)
				if err := db.Close(); err != nil {
					t.Fatal(err)
				}
				select {
				case err := <-done:
					if err != nil && !strings.Contains(err.Error(), "closed") {
						t.Fatalf("%d: %v", i, err)
					}
				case <-time.After(3 * time.Second):
					t.Fatalf("%d: CompleteKey never answered after Close", i)
				}
			}
		})
	}
}
