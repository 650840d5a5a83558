package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/webhook"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestCreateCaseStoresEverything: a new case is stored with its number,
// its first event, its notice (SMS and message box) and its audit entry
// carrying the number, and a delivery for every enabled subscription that
// wants it (one for every org, one for the case's org; not a disabled one),
// on both engines (PostgreSQL stores them in fewer statements, cases_pg.go),
// alone and with others in one group (PostgreSQL: stored together, in a
// round trip for all, cases_pg_batch.go).
func TestCreateCaseStoresEverything(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		for _, k := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/%d", engine, k), func(t *testing.T) { createCaseStoresEverything(t, engine, k) })
		}
	}
}

func createCaseStoresEverything(t *testing.T, engine string, k int) {
	ctx := context.Background()
	db, entries := groupFixture(t, engine)
	now := time.Date(2026, 11, 26, 1, 30, 0, 0, time.UTC)
	sub := func(org string, enabled bool) string {
		s := webhook.Subscription{ID: yiwang.NewID(), URL: "https://example.org/hook", Secret: "s", Events: []string{"submit"},
			OrgID: org, Enabled: enabled, CreatedBy: "admin", CreatedAt: now}
		if err := db.CreateSubscription(ctx, s, audit.New(yiwang.Actor{AccountID: "admin"}, now, "webhook.create",
			"webhook:"+s.ID, audit.ResultOK, "")); err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	everyOrg, ownOrg := sub("", true), sub(entries[0].OrgID, true)
	sub("", false)
	before := auditCount(t, db)
	together := db.CasesStoredTogether()

	ncs := make([]casework.NewCase, k)
	msgs := make([]notify.Message, k)
	var got []casework.Case
	for i := range ncs {
		ncs[i] = newCase(entries[0], i)
		msgs[i] = *withNotice(&ncs[i])
	}
	if k == 1 {
		c, err := db.CreateCase(ctx, ncs[0].Case, ncs[0].Event, ncs[0].Day, ncs[0].Audit, ncs[0].Msg)
		if err != nil {
			t.Fatal(err)
		}
		got = []casework.Case{c}
	} else {
		var errs []error
		got, errs = db.CreateCasesAsOneGroup(nil, ncs)
		for i, err := range errs {
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
		}
		if n := db.CasesStoredTogether() - together; engine == "postgres" && n != int64(k) {
			t.Fatalf("%d of %d cases stored together", n, k)
		}
	}
	sms, err := db.RecentMessages(ctx, 10)
	if err != nil || len(sms) != k {
		t.Fatalf("SMS %+v %v", sms, err)
	}
	smsOf := map[string]notify.Message{}
	for _, m := range sms {
		smsOf[m.ID] = m
	}
	ds, err := db.Deliveries(ctx, "", 10)
	if err != nil || len(ds) != 2*k {
		t.Fatalf("deliveries %+v %v", ds, err)
	}
	for i, nc := range ncs {
		wantNo := entries[0].Code + fmt.Sprintf("2026112600%02d", i+1)
		if got[i].No != wantNo {
			t.Fatalf("case %d number %q, want %q", i, got[i].No, wantNo)
		}
		c, err := db.Case(ctx, nc.Case.ID)
		if err != nil || c.No != wantNo || c.Mobile != nc.Case.Mobile || c.IDCard != nc.Case.IDCard ||
			!c.SubmittedAt.Equal(nc.Case.SubmittedAt) || c.Due != nc.Case.Due || len(c.Materials) != 1 || c.State != nc.Case.State {
			t.Fatalf("stored case %+v %v", c, err)
		}
		evs, err := db.Events(ctx, nc.Case.ID)
		if err != nil || len(evs) != 1 || evs[0].ID != nc.Event.ID || !evs[0].At.Equal(nc.Event.At) || evs[0].Kind != "submit" {
			t.Fatalf("events %+v %v", evs, err)
		}
		msg := msgs[i]
		wantBody := "您申请的事项已提交。办件编号" + wantNo + "。"
		if m := smsOf[msg.ID]; m.Body != wantBody || m.Recipient != msg.Recipient {
			t.Fatalf("SMS %+v", m)
		}
		site, n, err := db.SiteMessages(ctx, msg.AccountID, 10, 0)
		if err != nil || n != 1 || site[0].ID != msg.ID || site[0].Body != wantBody || site[0].Link != msg.Link {
			t.Fatalf("site messages %+v %d %v", site, n, err)
		}
		subs := map[string]bool{}
		for _, d := range ds {
			if d.CaseID != nc.Case.ID {
				continue
			}
			subs[d.SubscriptionID] = true
			if !strings.Contains(d.Payload, wantNo) {
				t.Fatalf("delivery %+v", d)
			}
		}
		if len(subs) != 2 || !subs[everyOrg] || !subs[ownOrg] {
			t.Fatalf("deliveries went to %v, want %s and %s", subs, everyOrg, ownOrg)
		}
		es, _, err := db.ListAudit(ctx, audit.Filter{Object: "case:" + nc.Case.ID})
		if err != nil || len(es) != 1 || es[0].Detail != wantNo+" "+entries[0].Base.Name || es[0].Action != "case.submit" {
			t.Fatalf("audit %+v %v", es, err)
		}
	}
	if after := auditCount(t, db); after != before+int64(k) {
		t.Fatalf("audit entries %d → %d", before, after)
	}
}

// TestCreateCaseSerialLimit: past serial 9999 an item takes no more cases
// that day; the refused one leaves no trace (its serial, case, event, audit
// entry), and the cases grouped with it are stored.
func TestCreateCaseSerialLimit(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, entries := groupFixture(t, engine)
			first := newCase(entries[0], 0)
			if _, err := db.CreateCase(ctx, first.Case, first.Event, first.Day, first.Audit, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SQL().Exec(`UPDATE case_serials SET n = 9998 WHERE code = $1 AND day = $2`,
				entries[0].Code, first.Day); err != nil {
				t.Fatal(err)
			}
			before := auditCount(t, db)
			ncs := []casework.NewCase{newCase(entries[0], 1), newCase(entries[0], 2), newCase(entries[1], 3)}
			ncs[2].Event.ID = ncs[0].Event.ID // stored already by then: a conflict
			ncs = append(ncs, newCase(entries[1], 4))
			out, errs := db.CreateCasesAsOneGroup(nil, ncs)
			if errs[0] != nil || out[0].No != entries[0].Code+"202611269999" {
				t.Fatalf("last case of the day: %q %v", out[0].No, errs[0])
			}
			if yiwang.ErrorCode(errs[1]) != yiwang.ECONFLICT || !strings.Contains(yiwang.ErrorMessage(errs[1]), "上限") {
				t.Fatalf("case past the limit: %v", errs[1])
			}
			if yiwang.ErrorCode(errs[2]) != yiwang.ECONFLICT {
				t.Fatalf("case with a used event ID: %v", errs[2])
			}
			if errs[3] != nil || out[3].No != entries[1].Code+"202611260001" {
				t.Fatalf("case of the other item: %q %v", out[3].No, errs[3])
			}
			for _, i := range []int{1, 2} {
				if _, err := db.Case(ctx, ncs[i].Case.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
					t.Fatalf("refused case %d was stored: %v", i, err)
				}
			}
			var n int
			if err := db.SQL().QueryRow(`SELECT n FROM case_serials WHERE code = $1 AND day = $2`,
				entries[0].Code, first.Day).Scan(&n); err != nil || n != 9999 {
				t.Fatalf("serial %d %v", n, err)
			}
			if got := serials(t, db, entries[1].Code); len(got) != 1 || got[0] != "0001" {
				t.Fatalf("serials of the other item %v", got)
			}
			if after := auditCount(t, db); after != before+2 {
				t.Fatalf("audit entries %d → %d", before, after)
			}
		})
	}
}

// TestCasesAmidOtherWork: new cases grouped with other work that appends
// to the audit chain are stored, and every entry is chained once, on both
// engines (PostgreSQL stores the cases together, after the other works).
func TestCasesAmidOtherWork(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, entries := groupFixture(t, engine)
			before := auditCount(t, db)
			together := db.CasesStoredTogether()
			now := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)
			first := audit.New(yiwang.Actor{AccountID: "admin"}, now, "test.first", "x:1", audit.ResultOK, "")
			last := audit.New(yiwang.Actor{AccountID: "admin"}, now, "test.last", "x:2", audit.ResultOK, "")
			ncs := []casework.NewCase{newCase(entries[0], 0), newCase(entries[1], 1), newCase(entries[0], 2)}
			out, errs := db.CasesAmidAuditAsOneGroup(first, nil, ncs, last)
			for i, err := range errs {
				if err != nil {
					t.Fatalf("work %d: %v", i, err)
				}
			}
			for i, nc := range ncs {
				c, err := db.Case(ctx, nc.Case.ID)
				if err != nil || c.No == "" || c.No != out[i].No {
					t.Fatalf("case %d: %q %q %v", i, c.No, out[i].No, err)
				}
			}
			if after := auditCount(t, db); after != before+5 {
				t.Fatalf("audit entries %d → %d, want 5 more", before, after)
			}
			for _, action := range []string{"test.first", "test.last", "case.submit"} {
				es, _, err := db.ListAudit(ctx, audit.Filter{Action: action, Limit: 10})
				if want := map[bool]int{true: 3, false: 1}[action == "case.submit"]; err != nil || len(es) != want {
					t.Fatalf("%s: %d entries %v", action, len(es), err)
				}
			}
			if n := db.CasesStoredTogether() - together; engine == "postgres" && n != 3 {
				t.Fatalf("%d of 3 cases stored together", n)
			}
		})
	}
}
