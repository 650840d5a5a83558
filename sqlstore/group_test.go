package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// groupFixture is a database with the demo district and catalog, and two
// published entries to apply for.
func groupFixture(t *testing.T, engine string) (*sqlstore.DB, []catalog.Entry) {
	t.Helper()
	ctx := context.Background()
	db := yiwangtest.NewDB(t, engine)
	if _, err := demo.Load(ctx, db, yiwangtest.NewClock(time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}
	entries, err := db.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil || len(entries) < 2 {
		t.Fatalf("published entries: %d %v", len(entries), err)
	}
	return db, entries[:2]
}

// newCase is an application for en by applicant i, as casework.Submit
// hands it to the store.
func newCase(en catalog.Entry, i int) casework.NewCase {
	now := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)
	c := casework.Case{ID: yiwang.NewID(), EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID,
		ApplicantID: fmt.Sprintf("applicant-%d", i), Applicant: "张三", Mobile: "13800000000", IDCard: "34050419850312001X",
		Channel: casework.ChannelWeb, State: casework.StateSubmitted, SubmittedAt: now, Version: 1, Due: "2026-12-03",
		Materials: []casework.Material{{Index: 0, Name: "申请书", FileID: strings.Repeat("a", 64)}}}
	actor := yiwang.Actor{AccountID: c.ApplicantID, Name: "张三", IP: "127.0.0.1"}
	return casework.NewCase{Case: c, Day: "20261126",
		Event: casework.Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: 1, At: now, ActorID: actor.AccountID, ActorName: actor.Name,
			Kind: "submit", To: casework.StateSubmitted, Channel: casework.ChannelWeb},
		Audit: audit.New(actor, now, "case.submit", "case:"+c.ID, audit.ResultOK, en.Base.Name)}
}

// withNotice gives nc the SMS notice casework sends with a submission,
// its case number still to be filled in by the store, and returns it.
func withNotice(nc *casework.NewCase) *notify.Message {
	nc.Msg = &notify.Message{ID: yiwang.NewID(), Channel: notify.ChannelSMS, Recipient: "13800000000",
		RecipientMasked: "138****0000", AccountID: nc.Case.ApplicantID, Link: "/cases/" + nc.Case.ID,
		Body: "您申请的事项已提交。办件编号请登录查看。", Status: notify.StatusPending, CreatedAt: nc.Case.SubmittedAt}
	return nc.Msg
}

// auditCount is the number of audit entries, checked against the chain.
func auditCount(t *testing.T, db *sqlstore.DB) int64 {
	t.Helper()
	r, err := audit.Verify(context.Background(), db)
	if err != nil || !r.OK() {
		t.Fatalf("audit chain: %+v %v", r, err)
	}
	return r.Entries
}

// serials returns the serial parts (last four digits) of the stored case
// numbers of code, in order.
func serials(t *testing.T, db *sqlstore.DB, code string) []string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT no FROM cases WHERE entry_code = $1 ORDER BY no`, code)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			t.Fatal(err)
		}
		out = append(out, no[len(no)-4:])
	}
	return out
}

// TestGroupCommitConcurrent: many applications at once, on two items, some
// of which must fail (an event ID another case already used; an
// idempotency claim that was lost). Every good one is stored whole with a
// number of its own, the numbers of each item run 0001, 0002, … without a
// gap (a failed one's number is rolled back with it), no bad one leaves a
// trace, and the audit chain holds one entry per stored case.
func TestGroupCommitConcurrent(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, entries := groupFixture(t, engine)
			before := auditCount(t, db)
			statsBefore := db.GroupStats()
			const n = 200
			dupEvent := yiwang.NewID()
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, n)
			ncs := make([]casework.NewCase, n)
			for i := range n {
				ncs[i] = newCase(entries[i%2], i)
				cctx := ctx
				switch {
				case i%20 == 7: // the same event ID as another bad case: one of them must fail
					ncs[i].Event.ID = dupEvent
				case i%20 == 13: // a claim whose key another attempt holds
					heldElsewhere(t, db, fmt.Sprint(i))
					cctx = idempotency.WithClaim(ctx, idempotency.Claim{AccountID: "nobody", Key: fmt.Sprint(i), Owner: "x"})
				}
				wg.Go(func() {
					<-start
					_, errs[i] = db.CreateCase(cctx, ncs[i].Case, ncs[i].Event, ncs[i].Day, ncs[i].Audit, nil)
				})
			}
			close(start)
			wg.Wait()
			stored := 0
			dupStored := 0
			for i := range n {
				c, err := db.Case(ctx, ncs[i].Case.ID)
				switch {
				case i%20 == 13:
					if errs[i] == nil || yiwang.ErrorCode(errs[i]) != yiwang.ErrorCode(idempotency.ErrClaimLost()) {
						t.Fatalf("case %d with a lost claim: %v", i, errs[i])
					}
					if err == nil {
						t.Fatalf("case %d with a lost claim was stored", i)
					}
				case i%20 == 7:
					if (errs[i] == nil) != (err == nil) {
						t.Fatalf("case %d: answered %v, stored %v", i, errs[i], err)
					}
					if errs[i] == nil {
						dupStored++
						stored++
					}
				default:
					if errs[i] != nil || err != nil {
						t.Fatalf("case %d: %v, read back: %v", i, errs[i], err)
					}
					stored++
					evs, err := db.Events(ctx, c.ID)
					if err != nil || len(evs) != 1 || evs[0].Kind != "submit" {
						t.Fatalf("case %d events: %+v %v", i, evs, err)
					}
				}
			}
			if dupStored != 1 {
				t.Fatalf("%d cases stored with one event ID, want exactly 1", dupStored)
			}
			var total int
			if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM cases`).Scan(&total); err != nil || total != stored {
				t.Fatalf("%d cases in the table, %d acknowledged (%v)", total, stored, err)
			}
			for _, en := range entries {
				got := serials(t, db, en.Code)
				for k, s := range got {
					if want := fmt.Sprintf("%04d", k+1); s != want {
						t.Fatalf("%s numbers: %v (position %d is %s, want %s)", en.Code, got, k, s, want)
					}
				}
			}
			if after := auditCount(t, db); after != before+int64(stored) {
				t.Fatalf("audit entries: %d after, %d before, %d cases stored", after, before, stored)
			}
			st := db.GroupStats()
			commits, writes := st.Commits-statsBefore.Commits, st.Writes-statsBefore.Writes
			t.Logf("%s: %d writes in %d commits", engine, writes, commits)
			if writes != n || commits >= writes {
				t.Fatalf("%d writes in %d commits: not grouped", writes, commits)
			}
		})
	}
}

// TestGroupCommitOneBadInGroup: in one group, a case that fails after it
// has written (its event ID taken) and one whose claim was lost fail
// alone; the others are stored, numbered without a gap, and audited in
// their order.
func TestGroupCommitOneBadInGroup(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, entries := groupFixture(t, engine)
			before := auditCount(t, db)
			ncs := make([]casework.NewCase, 5)
			for i := range ncs {
				ncs[i] = newCase(entries[0], i)
			}
			ncs[1].Event.ID = ncs[0].Event.ID // fails on the event, after its number and case row
			heldElsewhere(t, db, "k")
			lost := idempotency.WithClaim(ctx, idempotency.Claim{AccountID: "nobody", Key: "k", Owner: "x"})
			out, errs := db.CreateCasesAsOneGroup([]context.Context{nil, nil, nil, lost, nil}, ncs)
			for i, err := range errs {
				bad := i == 1 || i == 3
				if (err != nil) != bad {
					t.Fatalf("case %d: %v", i, err)
				}
			}
			if yiwang.ErrorCode(errs[1]) != yiwang.ECONFLICT {
				t.Fatalf("the event conflict: %v", errs[1])
			}
			for i, want := range map[int]string{0: "0001", 2: "0002", 4: "0003"} {
				if !strings.HasSuffix(out[i].No, want) {
					t.Fatalf("case %d numbered %q, want …%s", i, out[i].No, want)
				}
				if _, err := db.Case(ctx, ncs[i].Case.ID); err != nil {
					t.Fatalf("case %d not stored: %v", i, err)
				}
			}
			for _, i := range []int{1, 3} {
				if _, err := db.Case(ctx, ncs[i].Case.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
					t.Fatalf("failed case %d left a trace: %v", i, err)
				}
			}
			if got := serials(t, db, entries[0].Code); fmt.Sprint(got) != "[0001 0002 0003]" {
				t.Fatalf("numbers %v", got)
			}
			if after := auditCount(t, db); after != before+3 {
				t.Fatalf("audit entries: %d after, %d before", after, before)
			}
			// The chain's last three entries are the three cases, in the group's order.
			list, _, err := db.ListAudit(ctx, audit.Filter{Action: "case.submit", Limit: 10})
			if err != nil || len(list) != 3 {
				t.Fatalf("audit list: %d %v", len(list), err)
			}
			var objs []string
			for _, e := range list {
				objs = append(objs, e.Object)
			}
			want := []string{"case:" + ncs[4].Case.ID, "case:" + ncs[2].Case.ID, "case:" + ncs[0].Case.ID} // newest first
			if fmt.Sprint(objs) != fmt.Sprint(want) {
				t.Fatalf("audit order %v, want %v", objs, want)
			}
		})
	}
}

// heldElsewhere stores account nobody's key as held in flight by another
// attempt (another instance took it, or took it over), so that a claim on
// it is lost.
func heldElsewhere(t *testing.T, db *sqlstore.DB, key string) {
	t.Helper()
	at := time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)
	if _, err := db.SQL().Exec(`INSERT INTO idempotency_keys (account_id, idem_key, method, path, request_hash,
		owner_token, created_at, reserved_at) VALUES ('nobody', $1, 'POST', '/api/v1/cases', 'h', 'other', $2, $2)`,
		key, at); err != nil {
		t.Fatal(err)
	}
}
