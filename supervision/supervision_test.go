package supervision_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/supervision"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

type env struct {
	ctx                               context.Context
	db                                *sqlstore.DB
	clk                               *yiwangtest.Clock
	cal                               *calendar.Calendar
	cases                             *casework.Service
	svc                               *supervision.Service
	officer, head, urban, superv      yiwang.Actor
	food, business                    catalog.Entry
	zhangWho                          casework.Applicant
	zhang                             yiwang.Actor
	orgs                              *org.Service
	officerID, headID, urbanID, supID string
}

// day sets the clock to 10:00 in Shanghai on a day of March 2026 (no
// holidays that month: weekends only).
func (e *env) day(d int) { e.clk.Set(time.Date(2026, 3, d, 2, 0, 0, 0, time.UTC)) }

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: yiwangtest.NewDB(t, engine),
		clk: yiwangtest.NewClock(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))} // Monday 10:00 in Shanghai
	if _, err := demo.Load(e.ctx, e.db, e.clk); err != nil {
		t.Fatal(err)
	}
	e.orgs = &org.Service{Store: e.db, Clock: e.clk}
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	e.cal = cal
	e.cases = &casework.Service{Store: e.db, Drafts: e.db, Catalog: &catalog.Service{Store: e.db, Orgs: e.orgs, Clock: e.clk},
		Orgs: e.orgs, Calendar: cal, Clock: e.clk}
	e.svc = e.scanner("A")
	staff := func(u string) (yiwang.Actor, string) {
		a, err := e.db.AccountByUsername(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return a.Actor("127.0.0.1", "web"), a.ID
	}
	e.officer, e.officerID = staff("officer")
	e.head, e.headID = staff("head")
	e.urban, e.urbanID = staff("urban")
	e.superv, e.supID = staff("supervisor")
	p := demo.People[0]
	acc, err := e.db.CitizenByMobile(e.ctx, p.Mobile)
	if err != nil {
		t.Fatal(err)
	}
	e.zhang, e.zhangWho = acc.Actor("127.0.0.1", "web"), casework.Applicant{AccountID: acc.ID, Name: p.Name, Mobile: p.Mobile, IDCard: p.IDCard}
	list, _ := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	for _, en := range list {
		switch {
		case en.Base.Name == "食品经营许可" && en.OrgID == e.officer.OrgID:
			e.food = en
		case en.Base.Name == "个体工商户设立登记" && en.OrgID == e.officer.OrgID:
			e.business = en
		}
	}
	if e.food.PromiseDays != 10 {
		t.Fatalf("食品经营许可 promises %d days, the test expects 10", e.food.PromiseDays)
	}
	return e
}

func (e *env) scanner(holder string) *supervision.Service {
	return &supervision.Service{Store: e.db, Cases: e.db, Orgs: e.orgs, Calendar: e.cal, Clock: e.clk, Holder: holder}
}

var caseSeq int

// bulk stores a case of 食品经营许可 in a state with a due date, as the
// engine would leave it; tasks are added by with.
func (e *env) bulk(t *testing.T, state, due string, with func(*casework.Case)) casework.Case {
	t.Helper()
	caseSeq++
	en := e.food
	at := e.clk.Now().Add(-48 * time.Hour)
	c := casework.Case{ID: yiwang.NewID(), No: fmt.Sprintf("%s20260301%04d", en.Code, caseSeq), EntryID: en.ID, EntryCode: en.Code,
		ItemName: en.Base.Name, OrgID: en.OrgID, ApplicantID: e.zhang.AccountID, Applicant: "张三", Mobile: "13800000000",
		IDCard: "34050419850312001X", Channel: casework.ChannelWeb, State: state, SubmittedAt: at, WaitingSince: at, Version: 1, Due: due,
		Materials: []casework.Material{{Index: 0, Name: "申请书", FileID: strings.Repeat("a", 64)}}}
	switch state {
	case casework.StateAccepted:
		c.AcceptedAt, c.Deadline = at, due
	case casework.StateDecided:
		c.DecidedAt, c.Decision = at, casework.Granted
	}
	if with != nil {
		with(&c)
	}
	if err := e.db.BulkCases(e.ctx, []casework.Case{c}); err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) scan(t *testing.T) supervision.Result {
	t.Helper()
	res, err := e.svc.Scan(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped {
		t.Fatal("the scan was skipped")
	}
	return res
}

func (e *env) openAlerts(t *testing.T) map[string]supervision.Alert {
	t.Helper()
	as, err := e.db.Alerts(e.ctx, supervision.AlertFilter{Open: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]supervision.Alert{}
	for _, a := range as {
		out[a.CaseNo+"/"+a.Rule] = a
	}
	return out
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) msgs(t *testing.T, account string) int {
	return e.count(t, `SELECT COUNT(*) FROM messages WHERE account_id = $1`, account)
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if yiwang.ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// TestEvaluate: the time rules at their boundaries.
func TestEvaluate(t *testing.T) {
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	s := &supervision.Service{Calendar: cal}
	d := func(day int) calendar.Date { return calendar.Date{Year: 2026, Month: 3, Day: day} }
	for _, tc := range []struct {
		state   string
		promise int
		due     string
		today   int
		rule    string
		level   string
	}{
		// 20 days: yellow at 4 working days left (20%), not at 5.
		{"accepted", 20, "2026-03-20", 13, supervision.RuleDeadline, ""},       // 5 left
		{"accepted", 20, "2026-03-20", 16, supervision.RuleDeadline, "yellow"}, // 4 left
		{"accepted", 20, "2026-03-20", 20, supervision.RuleDeadline, "yellow"}, // due today
		{"accepted", 20, "2026-03-20", 23, supervision.RuleDeadline, "red"},    // the Monday after
		// 3 days: 20% is less than a day, so yellow on the last day but one.
		{"accepted", 3, "2026-03-20", 18, supervision.RuleDeadline, ""},
		{"accepted", 3, "2026-03-20", 19, supervision.RuleDeadline, "yellow"},
		// Art. 32: five days, yellow with one left, red after the fifth.
		{"submitted", 0, "2026-03-16", 12, supervision.RuleArt32, ""},
		{"submitted", 0, "2026-03-16", 13, supervision.RuleArt32, "yellow"},
		{"submitted", 0, "2026-03-16", 16, supervision.RuleArt32, "yellow"},
		{"submitted", 0, "2026-03-16", 17, supervision.RuleArt32, "red"},
		// Delivery: ten days, yellow with two left.
		{"decided", 0, "2026-03-20", 17, supervision.RuleDelivery, ""},
		{"decided", 0, "2026-03-20", 18, supervision.RuleDelivery, "yellow"},
		{"decided", 0, "2026-03-20", 23, supervision.RuleDelivery, "red"},
		// Paused or closed: no rule.
		{"needs_correction", 0, "9999-12-31", 23, "", ""},
	} {
		rule, level, detail := s.Evaluate(supervision.Candidate{State: tc.state, PromiseDays: tc.promise, Due: tc.due}, d(tc.today))
		if rule != tc.rule || level != tc.level {
			t.Errorf("%s %d days due %s on 3-%d: %s %s (%s), want %s %s", tc.state, tc.promise, tc.due, tc.today, rule, level, detail, tc.rule, tc.level)
		}
	}
}

// TestScan: alerts rise, turn red in place, clear when the case moves on
// and stay as history; each raise is told once.
func TestScan(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			deadline := e.bulk(t, casework.StateAccepted, "2026-03-13", nil) // 10-day item, due Friday
			pre := e.bulk(t, casework.StateSubmitted, "2026-03-16", nil)     // Art. 32 day five
			deliver := e.bulk(t, casework.StateDecided, "2026-03-20", nil)   // delivery
			paused := e.bulk(t, casework.StateCorrection, "9999-12-31", nil) // never
			joint := e.bulk(t, casework.StateAccepted, "2026-03-31", func(c *casework.Case) {
				c.Tasks = []casework.Task{{ID: yiwang.NewID(), CaseID: c.ID, Name: "城管审查", Kind: catalog.StepReview,
					OrgID: e.urban.OrgID, Role: yiwang.RoleCaseOfficer, State: casework.TaskOpen, OpenedAt: c.SubmittedAt, Due: "2026-03-10"}}
			})
			_ = paused

			e.day(10)
			if r := e.scan(t); r.Raised != 0 {
				t.Fatalf("3-10: %+v, want nothing", r)
			}
			e.day(11)
			r := e.scan(t)
			got := e.openAlerts(t)
			if r.Raised != 2 || len(got) != 2 || got[deadline.No+"/deadline"].Level != supervision.Yellow ||
				got[joint.No+"/task"].Level != supervision.Red || got[joint.No+"/task"].OrgID != e.urban.OrgID {
				t.Fatalf("3-11: %+v %+v", r, got)
			}
			// Told once: the officer and head of the AMR, the urban officer of
			// the joint task, the supervisor of both, one message each.
			want := map[string]int{e.officerID: 1, e.headID: 1, e.urbanID: 1, e.supID: 1}
			for acc, n := range want {
				if m := e.msgs(t, acc); m != n {
					t.Fatalf("account %s has %d messages, want %d", acc, m, n)
				}
			}
			ms, _, err := e.db.SiteMessages(e.ctx, e.supID, 10, 0)
			if err != nil || len(ms) != 1 || !strings.Contains(ms[0].Body, "红色报警 1 件、黄色预警 1 件") || !strings.Contains(ms[0].Body, deadline.No) {
				t.Fatalf("supervisor's message: %v %+v", err, ms)
			}
			audits := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'supervision.scan'`)
			if r := e.scan(t); r.Raised+r.Escalated+r.Cleared != 0 || e.msgs(t, e.supID) != 1 ||
				e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'supervision.scan'`) != audits {
				t.Fatalf("a second scan the same day changed something: %+v", r)
			}

			e.day(13) // Friday: the deadline is today, pre-review has one day left
			e.scan(t)
			got = e.openAlerts(t)
			if got[pre.No+"/art32"].Level != supervision.Yellow || got[deadline.No+"/deadline"].Level != supervision.Yellow {
				t.Fatalf("3-13: %+v", got)
			}
			yellowID := got[deadline.No+"/deadline"].ID
			if w := e.svc.Words(got[deadline.No+"/deadline"]); w != "今日到期" {
				t.Fatalf("words on the due day: %q", w)
			}

			e.day(16) // Monday: the deadline passed
			r = e.scan(t)
			got = e.openAlerts(t)
			if a := got[deadline.No+"/deadline"]; a.Level != supervision.Red || a.ID != yellowID || a.RedAt.IsZero() || r.Escalated != 1 {
				t.Fatalf("3-16: %+v %+v", r, a)
			}
			if w := e.svc.Words(got[deadline.No+"/deadline"]); w != "已超期 1 个工作日" {
				t.Fatalf("words the day after: %q", w)
			}
			if e.msgs(t, e.officerID) != 3 { // the raise of 3-11, the pre-review of 3-13, the red of 3-16
				t.Fatalf("officer has %d messages, want 3", e.msgs(t, e.officerID))
			}

			e.day(18)
			e.scan(t)
			got = e.openAlerts(t)
			if got[pre.No+"/art32"].Level != supervision.Red || got[deliver.No+"/delivery"].Level != supervision.Yellow {
				t.Fatalf("3-18: %+v", got)
			}

			// The overdue case is decided: its alert clears and is kept.
			if _, err := e.db.SQL().Exec(`UPDATE cases SET state = 'delivered', due = '9999-12-31' WHERE id = $1`, deadline.ID); err != nil {
				t.Fatal(err)
			}
			if r := e.scan(t); r.Cleared != 1 {
				t.Fatalf("after delivery: %+v", r)
			}
			hist, err := e.db.AlertsOfCase(e.ctx, deadline.ID)
			if err != nil || len(hist) != 1 || hist[0].Open() || hist[0].Level != supervision.Red {
				t.Fatalf("history: %v %+v", err, hist)
			}
		})
	}
}

// TestScanEngineCase: a case filed through the engine is watched by the
// due date the engine keeps; accepting it clears the Art. 32 alert.
func TestScanEngineCase(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			var mats []casework.Material
			for i, m := range e.business.Guide.Materials {
				if m.Source == "applicant" && m.Required {
					mats = append(mats, casework.Material{Index: i, FileID: fmt.Sprintf("%064d", i)})
				}
			}
			c, err := e.cases.Submit(e.ctx, e.zhang, e.zhangWho, casework.Application{EntryCode: e.business.Code, Materials: mats,
				Fields: map[string]string{"shop": "雨山区便利店", "premises": "雨山区佳山路9号", "scope": "日用百货零售", "capital": "5", "form": "个人经营"}})
			if err != nil {
				t.Fatalf("submit: %v %v", err, yiwang.ErrorFields(err))
			}
			e.day(13)
			e.scan(t)
			if a, ok := e.openAlerts(t)[c.No+"/art32"]; !ok || a.Level != supervision.Yellow || a.Due != "2026-03-16" {
				t.Fatalf("art32 alert: %+v", a)
			}
			if _, err := e.cases.Accept(e.ctx, e.officer, c.ID); err != nil {
				t.Fatal(err)
			}
			if r := e.scan(t); r.Cleared != 1 {
				t.Fatalf("after acceptance: %+v", r)
			}
			if _, ok := e.openAlerts(t)[c.No+"/art32"]; ok {
				t.Fatal("the art32 alert stayed open after acceptance")
			}
		})
	}
}

// TestRefusalRule: the engine never stores a refusal without reasons, so
// the rule only fires on data from elsewhere, written here by hand.
func TestRefusalRule(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			bad := e.bulk(t, casework.StateRefused, "9999-12-31", nil)
			good := e.bulk(t, casework.StateRefused, "9999-12-31", nil)
			for i, x := range []struct{ id, note string }{{bad.ID, "不予受理。理由：；依据：无"}, {good.ID, "不予受理。理由：不属于本机关职权范围；依据：行政许可法第三十二条"}} {
				if _, err := e.db.SQL().Exec(`INSERT INTO case_events (id, case_id, seq, at, actor_id, actor_name, kind, from_state,
					to_state, note, channel) VALUES ($1,$2,$3,$4,'x','导入','refuse','submitted','not_accepted',$5,'web')`,
					yiwang.NewID(), x.id, i+1, e.clk.Now().UTC(), x.note); err != nil {
					t.Fatal(err)
				}
			}
			e.scan(t)
			got := e.openAlerts(t)
			if len(got) != 1 || got[bad.No+"/refusal"].Level != supervision.Red {
				t.Fatalf("refusal alerts: %+v", got)
			}
			e.day(20) // a week on: the event left the look-back, the alert stays
			e.scan(t)
			if _, ok := e.openAlerts(t)[bad.No+"/refusal"]; !ok {
				t.Fatal("the refusal alert was cleared")
			}
			for _, tc := range []struct {
				kind, note string
				want       bool
			}{
				{"refuse", "不予受理。理由：；依据：x", true}, {"refuse", "不予受理", true}, {"refuse", "不予受理。理由：材料虚假；依据：x", false},
				{"decide", "办结：不予。", true}, {"decide", "办结：不予。不符合条件", false}, {"decide", "办结：准予。", false},
			} {
				if got := supervision.Unreasoned(supervision.RefusalEvent{Kind: tc.kind, Note: tc.note}); got != tc.want {
					t.Errorf("Unreasoned(%s %q) = %v", tc.kind, tc.note, got)
				}
			}
		})
	}
}

// TestLease: with two instances only one scans; a lost holder's lease
// expires and the other takes over; a holder that lost it stores nothing.
func TestLease(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			e.bulk(t, casework.StateAccepted, "2026-03-09", nil) // due today: yellow
			a, b := e.scanner("A"), e.scanner("B")
			// At the same moment: exactly one runs.
			var wg sync.WaitGroup
			res := make([]supervision.Result, 2)
			for i, s := range []*supervision.Service{a, b} {
				wg.Go(func() {
					r, err := s.Scan(e.ctx)
					if err != nil {
						t.Error(err)
					}
					res[i] = r
				})
			}
			wg.Wait()
			if res[0].Skipped == res[1].Skipped {
				t.Fatalf("both or neither ran: %+v", res)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM supervision_alerts`); n != 1 {
				t.Fatalf("%d alerts, want 1", n)
			}
			holder, other := a, b
			if res[0].Skipped {
				holder, other = b, a
			}
			// The holder renews; the other waits.
			e.clk.Advance(2 * time.Minute)
			if r, _ := holder.Scan(e.ctx); r.Skipped {
				t.Fatal("the holder could not renew its lease")
			}
			e.clk.Advance(2 * time.Minute)
			if r, _ := other.Scan(e.ctx); !r.Skipped {
				t.Fatal("the other instance ran while the lease was held")
			}
			// The holder dies: after the lease's time the other takes over.
			e.clk.Advance(2 * time.Minute)
			if r, _ := other.Scan(e.ctx); r.Skipped {
				t.Fatal("the other instance did not take the expired lease over")
			}
			if r, _ := holder.Scan(e.ctx); !r.Skipped {
				t.Fatal("the old holder ran after losing its lease")
			}
			// A write fenced by the lost lease is refused.
			err := e.db.ApplyScan(e.ctx, supervision.Fence{Name: supervision.ScanJob, Holder: holder.Holder},
				supervision.Changes{Clear: []string{"x"}, ClearedAt: e.clk.Now()}, nil,
				audit.New(yiwang.System("test"), e.clk.Now(), "supervision.scan", "supervision", audit.ResultOK, "x"))
			wantCode(t, "fenced write", err, yiwang.ECONFLICT)
		})
	}
}

// TestScanWritesWholeOrNothing: a scan's changes whose writing fails
// halfway (an alert raised twice: the open-alert index refuses it, after
// another alert was already cleared and others raised) leave nothing
// behind (on SQLite the statement itself rolls the whole transaction
// back), and the writer takes the next write as before.
func TestScanWritesWholeOrNothing(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			c1 := e.bulk(t, casework.StateAccepted, "2026-03-09", nil)
			c2 := e.bulk(t, casework.StateAccepted, "2026-03-09", nil)
			e.scan(t) // holds the lease
			open := e.openAlerts(t)
			a1, a2 := open[c1.No+"/deadline"], open[c2.No+"/deadline"]
			if a1.ID == "" || a2.ID == "" {
				t.Fatalf("alerts: %+v", open)
			}
			alerts, audits := e.count(t, `SELECT COUNT(*) FROM supervision_alerts`), e.count(t, `SELECT COUNT(*) FROM audit_log`)
			now := e.clk.Now()
			fresh := func(a supervision.Alert) supervision.Alert {
				a.ID, a.RaisedAt = yiwang.NewID(), now
				return a
			}
			// More rows than one statement holds, so that the failing
			// statement is not the first of its kind.
			var raise []supervision.Alert
			for range 600 {
				c := e.bulk(t, casework.StateAccepted, "2026-03-20", nil)
				raise = append(raise, fresh(supervision.Alert{CaseID: c.ID, CaseNo: c.No, ItemName: c.ItemName, OrgID: c.OrgID,
					Rule: "deadline", Level: supervision.Yellow, Detail: "x", Due: "2026-03-20"}))
			}
			raise = append(raise, fresh(a2)) // a2 is open: refused
			err := e.db.ApplyScan(e.ctx, supervision.Fence{Name: supervision.ScanJob, Holder: e.svc.Holder},
				supervision.Changes{Clear: []string{a1.ID}, Raise: raise, ClearedAt: now}, nil,
				audit.New(yiwang.System("test"), now, "supervision.scan", "supervision", audit.ResultOK, "x"))
			if err == nil {
				t.Fatal("an alert raised twice was stored")
			}
			if n := e.count(t, `SELECT COUNT(*) FROM supervision_alerts`); n != alerts {
				t.Fatalf("%d alerts after a failed write, %d before", n, alerts)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM supervision_alerts WHERE id = $1 AND cleared_at IS NULL`, a1.ID); n != 1 {
				t.Fatal("the failed write cleared an alert")
			}
			if n := e.count(t, `SELECT COUNT(*) FROM audit_log`); n != audits {
				t.Fatalf("%d audit entries after a failed write, %d before", n, audits)
			}
			// The writer goes on: the next write is stored whole.
			err = e.db.ApplyScan(e.ctx, supervision.Fence{Name: supervision.ScanJob, Holder: e.svc.Holder},
				supervision.Changes{Clear: []string{a1.ID}, Raise: raise[:1], ClearedAt: now}, nil,
				audit.New(yiwang.System("test"), now, "supervision.scan", "supervision", audit.ResultOK, "x"))
			if err != nil {
				t.Fatal(err)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM supervision_alerts`); n != alerts+1 {
				t.Fatalf("%d alerts after the next write, want %d", n, alerts+1)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM supervision_alerts WHERE id = $1 AND cleared_at IS NULL`, a1.ID); n != 0 {
				t.Fatal("the next write did not clear the alert")
			}
		})
	}
}

// TestNotices: a supervisor's 督办 goes to the org, which must answer;
// the wrong org's answer is refused and changes nothing; answers are kept
// and late ones show.
func TestNotices(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			c := e.bulk(t, casework.StateAccepted, "2026-03-09", nil)
			e.scan(t)
			alert := e.openAlerts(t)[c.No+"/deadline"]
			if alert.ID == "" {
				t.Fatal("no alert")
			}
			_, err := e.svc.Issue(e.ctx, e.officer, supervision.NoticeInput{AlertID: alert.ID, Text: "请说明超期原因", Days: 2})
			wantCode(t, "officer issues", err, yiwang.EFORBIDDEN)
			_, err = e.svc.Issue(e.ctx, e.superv, supervision.NoticeInput{AlertID: alert.ID, Text: " ", Days: 0})
			wantCode(t, "empty notice", err, yiwang.EINVALID)
			if f := yiwang.ErrorFields(err); f["text"] == "" || f["days"] == "" {
				t.Fatalf("fields: %v", f)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM supervision_notices`); n != 0 {
				t.Fatalf("%d notices after refusals", n)
			}
			headMsgs := e.msgs(t, e.headID)
			n, err := e.svc.Issue(e.ctx, e.superv, supervision.NoticeInput{AlertID: alert.ID, Text: "请说明超期原因并于期限内办结", Days: 2})
			if err != nil {
				t.Fatal(err)
			}
			if n.AnswerDue != "2026-03-11" || n.OrgID != e.officer.OrgID || n.State(e.svc.Today()) != supervision.NoticePending {
				t.Fatalf("notice: %+v", n)
			}
			if e.msgs(t, e.headID) != headMsgs+1 {
				t.Fatal("the head was not told of the notice")
			}

			// The wrong org: refused, nothing changed.
			audits := e.count(t, `SELECT COUNT(*) FROM audit_log`)
			msgs := e.count(t, `SELECT COUNT(*) FROM messages`)
			_, err = e.svc.Answer(e.ctx, e.urban, n.ID, "城管局答复：已处理")
			wantCode(t, "wrong org", err, yiwang.EFORBIDDEN)
			if !strings.Contains(yiwang.ErrorMessage(err), "不是发给本单位") {
				t.Fatalf("message: %v", err)
			}
			_, err = e.svc.Answer(e.ctx, e.superv, n.ID, "监察人员自己答复")
			wantCode(t, "supervisor answers", err, yiwang.EFORBIDDEN)
			got, err := e.db.Notice(e.ctx, n.ID)
			if err != nil || got.Answer != "" || !got.AnsweredAt.IsZero() || got.Rev != 1 ||
				e.count(t, `SELECT COUNT(*) FROM audit_log`) != audits || e.count(t, `SELECT COUNT(*) FROM messages`) != msgs {
				t.Fatalf("a refused answer changed something: %v %+v", err, got)
			}
			_, err = e.svc.Answer(e.ctx, e.head, n.ID, "短")
			wantCode(t, "short answer", err, yiwang.EINVALID)

			// Past its day unanswered: overdue; then answered late.
			e.day(12)
			if got.State(e.svc.Today()) != supervision.NoticeOverdue {
				t.Fatalf("state on 3-12: %s", got.State(e.svc.Today()))
			}
			supMsgs := e.msgs(t, e.supID)
			ans, err := e.svc.Answer(e.ctx, e.head, n.ID, "已督促承办人今日办结，超期原因为材料核查")
			if err != nil {
				t.Fatal(err)
			}
			if ans.State(e.svc.Today()) != supervision.NoticeAnsweredLate || e.msgs(t, e.supID) != supMsgs+1 {
				t.Fatalf("answer: %+v", ans)
			}
			_, err = e.svc.Answer(e.ctx, e.officer, n.ID, "再次答复一下")
			wantCode(t, "second answer", err, yiwang.ECONFLICT)
			list, err := e.db.Notices(e.ctx, supervision.NoticeFilter{OrgIDs: []string{e.officer.OrgID}})
			if err != nil || len(list) != 1 || list[0].Answerer != e.head.Name || list[0].Answer == "" {
				t.Fatalf("notices: %v %+v", err, list)
			}
			if k := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action IN ('supervision.notice', 'supervision.answer')`); k != 2 {
				t.Fatalf("%d audit entries, want 2", k)
			}
			// On a case without an alert too.
			if _, err := e.svc.Issue(e.ctx, e.superv, supervision.NoticeInput{CaseID: c.ID, Text: "请核查该件办理情况", Days: 3}); err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.Issue(e.ctx, e.superv, supervision.NoticeInput{CaseID: "nope", Text: "请核查该件办理情况", Days: 3})
			wantCode(t, "unknown case", err, yiwang.ENOTFOUND)
		})
	}
}

// TestScanMovesOn: an alert clears when its case's due date moves out of
// the window (an extension), when a step is done, and moves with a case
// forwarded to another org; a step due on the case's deadline is told once,
// as the deadline.
func TestScanMovesOn(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			task := func(c *casework.Case, org, due string) {
				c.Tasks = append(c.Tasks, casework.Task{ID: yiwang.NewID(), CaseID: c.ID, Name: "审查", Kind: catalog.StepReview,
					OrgID: org, Role: yiwang.RoleCaseOfficer, State: casework.TaskOpen, OpenedAt: c.SubmittedAt, Due: due})
			}
			extended := e.bulk(t, casework.StateAccepted, "2026-03-13", nil)
			sameDay := e.bulk(t, casework.StateAccepted, "2026-03-10", func(c *casework.Case) { task(c, c.OrgID, "2026-03-10") })
			ownStep := e.bulk(t, casework.StateAccepted, "2026-03-31", func(c *casework.Case) { task(c, c.OrgID, "2026-03-10") })
			forwarded := e.bulk(t, casework.StateAccepted, "2026-03-12", nil)
			e.day(11)
			e.scan(t)
			got := e.openAlerts(t)
			if got[extended.No+"/deadline"].Level != supervision.Yellow || got[sameDay.No+"/deadline"].Level != supervision.Red ||
				got[ownStep.No+"/task"].Level != supervision.Red || got[forwarded.No+"/deadline"].OrgID != e.officer.OrgID {
				t.Fatalf("3-11: %+v", got)
			}
			if _, ok := got[sameDay.No+"/task"]; ok {
				t.Fatal("a step due on the deadline was told twice")
			}
			for _, q := range []string{
				`UPDATE cases SET due = '2026-03-31', deadline = '2026-03-31' WHERE id = '` + extended.ID + `'`,
				`UPDATE case_tasks SET state = 'done' WHERE case_id = '` + ownStep.ID + `'`,
				`UPDATE cases SET org_id = '` + e.urban.OrgID + `' WHERE id = '` + forwarded.ID + `'`,
			} {
				if _, err := e.db.SQL().Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			r := e.scan(t)
			got = e.openAlerts(t)
			if _, ok := got[extended.No+"/deadline"]; ok {
				t.Fatal("the extended case's alert stayed")
			}
			if _, ok := got[ownStep.No+"/task"]; ok {
				t.Fatal("the done step's alert stayed")
			}
			if got[forwarded.No+"/deadline"].OrgID != e.urban.OrgID {
				t.Fatalf("the forwarded case's alert: %+v", got[forwarded.No+"/deadline"])
			}
			if r.Cleared != 3 || r.Raised != 1 {
				t.Fatalf("after the changes: %+v", r)
			}
			if r := e.scan(t); r.Raised+r.Cleared+r.Escalated != 0 {
				t.Fatalf("a steady scan changed something: %+v", r)
			}
		})
	}
}
