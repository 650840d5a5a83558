package inspect_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/inspect"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/review"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

type env struct {
	ctx                    context.Context
	db                     *sqlstore.DB
	clk                    *yiwangtest.Clock
	cases                  *casework.Service
	reviews                *review.Service
	svc                    *inspect.Service
	zhang                  yiwang.Actor
	zhangWho               casework.Applicant
	officer, other, superv yiwang.Actor
	business               catalog.Entry
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: yiwangtest.NewDB(t, engine),
		clk: yiwangtest.NewClock(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))} // Monday 10:00 in Shanghai
	if _, err := demo.Load(e.ctx, e.db, e.clk); err != nil {
		t.Fatal(err)
	}
	orgs := &org.Service{Store: e.db, Clock: e.clk}
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	e.cases = &casework.Service{Store: e.db, Drafts: e.db, Catalog: &catalog.Service{Store: e.db, Orgs: orgs, Clock: e.clk},
		Orgs: orgs, Calendar: cal, Clock: e.clk}
	e.reviews = &review.Service{Store: e.db, Cases: e.db, Orgs: orgs, Calendar: cal, Clock: e.clk}
	e.svc = &inspect.Service{Store: e.db, Cases: e.db, Filer: e.cases, Orgs: orgs, Clock: e.clk}
	staff := func(u string) yiwang.Actor {
		a, err := e.db.AccountByUsername(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return a.Actor("127.0.0.1", "web")
	}
	e.officer, e.other, e.superv = staff("officer"), staff("urban"), staff("supervisor")
	p := demo.People[0]
	a, err := e.db.CitizenByMobile(e.ctx, p.Mobile)
	if err != nil {
		t.Fatal(err)
	}
	e.zhang, e.zhangWho = a.Actor("127.0.0.1", "web"), casework.Applicant{AccountID: a.ID, Name: p.Name, Mobile: p.Mobile, IDCard: p.IDCard}
	list, _ := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	for _, en := range list {
		if en.Base.Name == "个体工商户设立登记" && en.OrgID == e.officer.OrgID {
			e.business = en
		}
	}
	if e.business.ID == "" {
		t.Fatal("no 个体工商户设立登记 entry")
	}
	return e
}

func (e *env) application() casework.Application {
	var mats []casework.Material
	for i, m := range e.business.Guide.Materials {
		if m.Source != "department" && m.Required {
			mats = append(mats, casework.Material{Index: i, FileID: fmt.Sprintf("%064d", i)})
		}
	}
	return casework.Application{EntryCode: e.business.Code, Materials: mats,
		Fields: map[string]string{"shop": "雨山区便利店", "premises": "雨山区佳山路9号", "scope": "日用百货零售", "capital": "5", "form": "个人经营"}}
}

// decide has the officer accept, review and grant a case.
func (e *env) decide(t *testing.T, id string) casework.Case {
	t.Helper()
	if _, err := e.cases.Accept(e.ctx, e.officer, id); err != nil {
		t.Fatal(err)
	}
	for {
		c, _, err := e.cases.Get(e.ctx, e.officer, id)
		if err != nil {
			t.Fatal(err)
		}
		mine := e.cases.MyTasks(e.ctx, e.officer, c)
		i := slices.IndexFunc(mine, func(tk casework.Task) bool { return tk.Kind == catalog.StepReview })
		if i < 0 {
			break
		}
		if _, err := e.cases.CompleteTask(e.ctx, e.officer, id, mine[i].ID, casework.TaskWork{Opinion: casework.OpinionAgree}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := e.cases.Decide(e.ctx, e.officer, id, casework.Granted, "符合条件")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) submit(t *testing.T) casework.Case {
	t.Helper()
	c, err := e.cases.Submit(e.ctx, e.zhang, e.zhangWho, e.application())
	if err != nil {
		t.Fatalf("submit: %v %v", err, yiwang.ErrorFields(err))
	}
	return c
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if yiwang.ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

func (e *env) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var testID = inspect.TestIdentity{Name: "测试员甲", IDCard: "11010519491231002X", Mobile: "13800138000"}

// TestSpotCheck: a draw takes N of the org's decided applications of the
// period only, never a simulated one, is stored and reproducible from its
// seed; bad N, a wrong role, an unknown org and an empty period are
// refused with nothing stored; findings are recorded once each and the
// last closes the check.
func TestSpotCheck(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			decided := map[string]bool{}
			for range 4 {
				decided[e.decide(t, e.submit(t).ID).ID] = true
			}
			open := e.submit(t) // submitted only: never drawn
			sim, _, err := e.svc.Simulate(e.ctx, e.superv, testID, e.application())
			if err != nil {
				t.Fatalf("simulate: %v %v", err, yiwang.ErrorFields(err))
			}
			e.decide(t, sim.ID) // decided, but simulated: never drawn
			day := calendar.DateOf(e.clk.Now()).String()
			in := inspect.DrawInput{OrgID: e.officer.OrgID, From: day, To: day, N: 3}

			before := e.count(t, `SELECT COUNT(*) FROM spot_checks`)
			for _, bad := range []struct {
				name  string
				actor yiwang.Actor
				in    inspect.DrawInput
				code  string
			}{
				{"N=0", e.superv, inspect.DrawInput{OrgID: in.OrgID, From: day, To: day, N: 0}, yiwang.EINVALID},
				{"N=51", e.superv, inspect.DrawInput{OrgID: in.OrgID, From: day, To: day, N: 51}, yiwang.EINVALID},
				{"officer", e.officer, in, yiwang.EFORBIDDEN},
				{"unknown org", e.superv, inspect.DrawInput{OrgID: "nope", From: day, To: day, N: 3}, yiwang.EINVALID},
				{"to before from", e.superv, inspect.DrawInput{OrgID: in.OrgID, From: day, To: "2026-03-01", N: 3}, yiwang.EINVALID},
				{"bad date", e.superv, inspect.DrawInput{OrgID: in.OrgID, From: "昨天", To: day, N: 3}, yiwang.EINVALID},
				{"empty period", e.superv, inspect.DrawInput{OrgID: in.OrgID, From: "2026-01-01", To: "2026-01-31", N: 3}, yiwang.ECONFLICT},
				{"other org", e.superv, inspect.DrawInput{OrgID: e.other.OrgID, From: day, To: day, N: 3}, yiwang.ECONFLICT},
			} {
				_, err := e.svc.Draw(e.ctx, bad.actor, bad.in)
				wantCode(t, bad.name, err, bad.code)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM spot_checks`); n != before {
				t.Fatalf("refused draws stored checks: %d → %d", before, n)
			}

			c, err := e.svc.Draw(e.ctx, e.superv, in)
			if err != nil {
				t.Fatalf("draw: %v %v", err, yiwang.ErrorFields(err))
			}
			if len(c.Items) != 3 || c.Pool != 4 || c.State != inspect.CheckOpen || c.Kind != inspect.KindDraw {
				t.Fatalf("draw: %d items of pool %d, state %s kind %s", len(c.Items), c.Pool, c.State, c.Kind)
			}
			seen := map[string]bool{}
			for _, it := range c.Items {
				if !decided[it.CaseID] || seen[it.CaseID] {
					t.Fatalf("drew %s (%s): not one of the org's decided cases, or twice (open %s, simulated %s)", it.CaseNo, it.CaseID, open.ID, sim.ID)
				}
				seen[it.CaseID] = true
			}
			// Stored, not drawn again: a reload shows the same cases, and
			// the seed over the same pool draws them again.
			got, err := e.svc.Check(e.ctx, e.superv, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Seed != c.Seed || len(got.Items) != 3 {
				t.Fatalf("reloaded check: seed %x items %d", got.Seed, len(got.Items))
			}
			from, _ := calendar.ParseDate(day)
			pool, err := e.db.DecidedCases(e.ctx, e.officer.OrgID, from.Start(), from.AddDays(1).Start())
			if err != nil {
				t.Fatal(err)
			}
			for i, k := range inspect.Pick(len(pool), 3, got.Seed) {
				if got.Items[i].CaseID != pool[k].ID || got.Items[i].Seq != i+1 {
					t.Fatalf("item %d: stored %s, the seed draws %s", i, got.Items[i].CaseID, pool[k].ID)
				}
			}
			// More than there are: all of them, once each.
			all, err := e.svc.Draw(e.ctx, e.superv, inspect.DrawInput{OrgID: in.OrgID, From: day, To: day, N: 50})
			if err != nil {
				t.Fatal(err)
			}
			if len(all.Items) != 4 || all.Requested != 50 {
				t.Fatalf("draw of 50 from 4: %d items, requested %d", len(all.Items), all.Requested)
			}
			// Four supervisors' findings on its four cases at once all land.
			errs := make(chan error, 4)
			for seq := 1; seq <= 4; seq++ {
				go func() {
					_, err := e.svc.Finding(e.ctx, e.superv, all.ID, seq, inspect.Pass, "")
					errs <- err
				}()
			}
			for range 4 {
				if err := <-errs; err != nil {
					t.Fatalf("concurrent finding: %v", err)
				}
			}
			if got, _ := e.svc.Check(e.ctx, e.superv, all.ID); got.State != inspect.CheckClosed || got.Done() != 4 {
				t.Fatalf("after concurrent findings: %s, %d done", got.State, got.Done())
			}

			// Findings.
			_, err = e.svc.Finding(e.ctx, e.officer, c.ID, 1, inspect.Pass, "")
			wantCode(t, "officer's finding", err, yiwang.EFORBIDDEN)
			_, err = e.svc.Finding(e.ctx, e.superv, c.ID, 1, inspect.Fail, "")
			wantCode(t, "fail without a note", err, yiwang.EINVALID)
			_, err = e.svc.Finding(e.ctx, e.superv, c.ID, 1, "maybe", "")
			wantCode(t, "unknown result", err, yiwang.EINVALID)
			_, err = e.svc.Finding(e.ctx, e.superv, c.ID, 4, inspect.Pass, "")
			wantCode(t, "no such item", err, yiwang.ENOTFOUND)
			if _, err := e.svc.Finding(e.ctx, e.superv, c.ID, 1, inspect.Pass, "材料齐全，时限内办结"); err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.Finding(e.ctx, e.superv, c.ID, 1, inspect.Fail, "改主意了不行")
			wantCode(t, "second finding", err, yiwang.ECONFLICT)
			if _, err := e.svc.Finding(e.ctx, e.superv, c.ID, 2, inspect.Fail, "决定书未写明依据"); err != nil {
				t.Fatal(err)
			}
			done, err := e.svc.Finding(e.ctx, e.superv, c.ID, 3, inspect.Pass, "")
			if err != nil {
				t.Fatal(err)
			}
			if done.State != inspect.CheckClosed || done.Done() != 3 || done.Failed() != 1 {
				t.Fatalf("after 3 findings: %s, done %d, failed %d", done.State, done.Done(), done.Failed())
			}
			got, _ = e.svc.Check(e.ctx, e.superv, c.ID)
			if got.State != inspect.CheckClosed || got.ClosedAt.IsZero() || got.Items[1].Result != inspect.Fail ||
				got.Items[1].Note != "决定书未写明依据" || got.Items[1].By != e.superv.Name {
				t.Fatalf("stored check: %+v", got)
			}
			_, err = e.svc.Finding(e.ctx, e.superv, c.ID, 3, inspect.Pass, "")
			wantCode(t, "finding on a closed check", err, yiwang.ECONFLICT)
			if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'inspect.finding'`); n != 7 {
				t.Fatalf("%d finding audit entries, want 7 (3 + 4 concurrent)", n)
			}
			if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'inspect.draw'`); n != 2 {
				t.Fatalf("%d draw audit entries, want 2", n)
			}
		})
	}
}

// TestPick: the same seed draws the same indexes, distinct and in range.
func TestPick(t *testing.T) {
	a, b := inspect.Pick(100, 10, 42), inspect.Pick(100, 10, 42)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different draws: %v %v", a, b)
	}
	if slices.Equal(a, inspect.Pick(100, 10, 43)) {
		t.Fatalf("seeds 42 and 43 drew the same: %v", a)
	}
	seen := map[int]bool{}
	for _, i := range a {
		if i < 0 || i >= 100 || seen[i] {
			t.Fatalf("bad draw %v", a)
		}
		seen[i] = true
	}
	if got := inspect.Pick(3, 10, 1); len(got) != 3 {
		t.Fatalf("10 of 3: %v", got)
	}
}

// TestSimulate: only a supervisor files a simulated application; the flag
// is stored and kept through the case's life; a check of one case is
// opened for the findings; the org's reviews figures leave it out.
func TestSimulate(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			app := e.application()
			app.Simulated = true
			_, err := e.cases.Submit(e.ctx, e.zhang, e.zhangWho, app)
			wantCode(t, "citizen's simulated application", err, yiwang.EFORBIDDEN)
			_, _, err = e.svc.Simulate(e.ctx, e.officer, testID, e.application())
			wantCode(t, "officer's simulated application", err, yiwang.EFORBIDDEN)
			bad := testID
			bad.IDCard = "110105194912310021"
			_, _, err = e.svc.Simulate(e.ctx, e.superv, bad, e.application())
			wantCode(t, "bad test ID number", err, yiwang.EINVALID)
			if yiwang.ErrorFields(err)["sim.idcard"] == "" {
				t.Fatalf("bad ID number: fields %v", yiwang.ErrorFields(err))
			}
			if n := e.count(t, `SELECT COUNT(*) FROM cases`); n != 0 {
				t.Fatalf("refused applications stored %d cases", n)
			}

			c, ck, err := e.svc.Simulate(e.ctx, e.superv, testID, e.application())
			if err != nil {
				t.Fatalf("simulate: %v %v", err, yiwang.ErrorFields(err))
			}
			if !c.Simulated || c.ApplicantID != e.superv.AccountID || c.Applicant != testID.Name || c.OrgID != e.officer.OrgID {
				t.Fatalf("simulated case: %+v", c)
			}
			if ck.Kind != inspect.KindSimulated || len(ck.Items) != 1 || ck.Items[0].CaseID != c.ID || ck.OrgID != c.OrgID {
				t.Fatalf("simulated check: %+v", ck)
			}
			// Its timeline names the test person, not the supervisor.
			if evs, err := e.db.Events(e.ctx, c.ID); err != nil || len(evs) != 1 || evs[0].ActorName != testID.Name {
				t.Fatalf("the submit event gives the supervisor away: %v %+v", err, evs)
			}
			// The org works it like any other; the flag stays.
			c = e.decide(t, c.ID)
			got, err := e.db.Case(e.ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Simulated || got.State != casework.StateDecided {
				t.Fatalf("after decision: simulated %v state %s", got.Simulated, got.State)
			}
			if n := e.count(t, fmt.Sprintf(`SELECT COUNT(*) FROM cases WHERE id = '%s' AND simulated = %s`, c.ID, map[string]string{sqlstore.SQLite: "1", sqlstore.Postgres: "TRUE"}[engine])); n != 1 {
				t.Fatal("cases.simulated column not set")
			}
			// A real case and a simulated one, each rated badly: only the
			// real one counts.
			real := e.decide(t, e.submit(t).ID)
			bad4 := map[string]int{}
			for _, d := range review.OnlineDimensions {
				bad4[d.Key] = review.Unsatisfied
			}
			if _, err := e.reviews.ReviewCase(e.ctx, e.zhang, real.ID, review.Input{Channel: "1", Scores: bad4, Text: "等了很久才办好"}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.reviews.ReviewCase(e.ctx, e.superv, c.ID, review.Input{Channel: "1", Scores: bad4, Text: "模拟办事体验不佳"}); err != nil {
				t.Fatal(err)
			}
			fs, err := e.reviews.Figures(e.ctx, "org")
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(fs, func(f review.Figures) bool { return f.Key == e.officer.OrgID })
			if i < 0 || fs[i].Reviews != 1 || fs[i].BadCount != 1 {
				t.Fatalf("figures count the simulated case's review: %+v", fs)
			}
			recent, err := e.db.RecentReviews(e.ctx, 10)
			if err != nil || len(recent) != 1 || recent[0].CaseID != real.ID {
				t.Fatalf("the public column lists the simulated case's review: %v %+v", err, recent)
			}
			// The supervisor records how it went.
			done, err := e.svc.Finding(e.ctx, e.superv, ck.ID, 1, inspect.Fail, "受理后两天才审查，未一次性告知")
			if err != nil {
				t.Fatal(err)
			}
			if done.State != inspect.CheckClosed {
				t.Fatalf("simulated check after its finding: %s", done.State)
			}
		})
	}
}

// TestExposure: supervisors write, publish, correct and withdraw; bad
// input and other roles are refused with nothing changed; the public sees
// published items only; every change is audited.
func TestExposure(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			c := e.decide(t, e.submit(t).ID)
			in := inspect.ExposureInput{Title: "个体工商户登记超时办结", OrgID: e.officer.OrgID,
				Problem: "抽查发现一件个体工商户设立登记超过承诺时限2个工作日办结，未说明原因。", CaseNo: c.No}

			for _, bad := range []struct {
				name  string
				actor yiwang.Actor
				in    inspect.ExposureInput
				field string
				code  string
			}{
				{"officer", e.officer, in, "", yiwang.EFORBIDDEN},
				{"empty title", e.superv, inspect.ExposureInput{OrgID: in.OrgID, Problem: in.Problem}, "title", yiwang.EINVALID},
				{"unknown org", e.superv, inspect.ExposureInput{Title: in.Title, OrgID: "nope", Problem: in.Problem}, "org", yiwang.EINVALID},
				{"short problem", e.superv, inspect.ExposureInput{Title: in.Title, OrgID: in.OrgID, Problem: "太慢"}, "problem", yiwang.EINVALID},
				{"ID number", e.superv, inspect.ExposureInput{Title: in.Title, OrgID: in.OrgID, Problem: "申请人 11010519491231002X 的办件超时未办结"}, "problem", yiwang.EINVALID},
				{"mobile", e.superv, inspect.ExposureInput{Title: in.Title, OrgID: in.OrgID, Problem: in.Problem, Correction: "已电话 13800138000 致歉并办结"}, "correction", yiwang.EINVALID},
				{"unknown case", e.superv, inspect.ExposureInput{Title: in.Title, OrgID: in.OrgID, Problem: in.Problem, CaseNo: "X1"}, "case_no", yiwang.EINVALID},
				{"case of another org", e.superv, inspect.ExposureInput{Title: in.Title, OrgID: e.other.OrgID, Problem: in.Problem, CaseNo: c.No}, "case_no", yiwang.EINVALID},
			} {
				_, err := e.svc.CreateExposure(e.ctx, bad.actor, bad.in)
				wantCode(t, bad.name, err, bad.code)
				if bad.field != "" && yiwang.ErrorFields(err)[bad.field] == "" {
					t.Fatalf("%s: fields %v, want %s", bad.name, yiwang.ErrorFields(err), bad.field)
				}
			}
			if n := e.count(t, `SELECT COUNT(*) FROM exposures`); n != 0 {
				t.Fatalf("refused input stored %d items", n)
			}

			x, err := e.svc.CreateExposure(e.ctx, e.superv, in)
			if err != nil {
				t.Fatalf("create: %v %v", err, yiwang.ErrorFields(err))
			}
			if x.State != inspect.ExposureDraft || x.CaseID != c.ID {
				t.Fatalf("draft: %+v", x)
			}
			_, err = e.svc.PublishedOne(e.ctx, x.ID)
			wantCode(t, "draft on the public page", err, yiwang.ENOTFOUND)
			if _, err := e.svc.EditExposure(e.ctx, e.superv, x.ID, inspect.ExposureInput{Title: in.Title + "问题", OrgID: in.OrgID, Problem: in.Problem}); err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.Publish(e.ctx, e.officer, x.ID)
			wantCode(t, "officer publishes", err, yiwang.EFORBIDDEN)
			if _, err := e.svc.Publish(e.ctx, e.superv, x.ID); err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.Publish(e.ctx, e.superv, x.ID)
			wantCode(t, "publish twice", err, yiwang.ECONFLICT)
			_, err = e.svc.EditExposure(e.ctx, e.superv, x.ID, in)
			wantCode(t, "edit after publication", err, yiwang.ECONFLICT)
			pub, err := e.svc.Published(e.ctx, 10)
			if err != nil || len(pub) != 1 || pub[0].Title != in.Title+"问题" || pub[0].Correction != "" || pub[0].CaseNo != "" {
				t.Fatalf("public list: %v %+v", err, pub)
			}
			_, err = e.svc.Correct(e.ctx, e.superv, x.ID, "")
			wantCode(t, "empty correction", err, yiwang.EINVALID)
			if _, err := e.svc.Correct(e.ctx, e.superv, x.ID, "区市场监管局已约谈承办人，修订内部审批流程，承诺时限内办结率纳入月度考核。"); err != nil {
				t.Fatal(err)
			}
			one, err := e.svc.PublishedOne(e.ctx, x.ID)
			if err != nil || one.Correction == "" || one.CorrectedAt.IsZero() {
				t.Fatalf("corrected: %v %+v", err, one)
			}
			_, err = e.svc.Withdraw(e.ctx, e.superv, x.ID, "")
			wantCode(t, "withdraw without reason", err, yiwang.EINVALID)
			if _, err := e.svc.Withdraw(e.ctx, e.superv, x.ID, "当事单位提出异议，核实中"); err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.PublishedOne(e.ctx, x.ID)
			wantCode(t, "withdrawn on the public page", err, yiwang.ENOTFOUND)
			if pub, _ := e.svc.Published(e.ctx, 10); len(pub) != 0 {
				t.Fatalf("withdrawn item still public: %+v", pub)
			}
			kept, err := e.svc.Exposure(e.ctx, e.superv, x.ID)
			if err != nil || kept.State != inspect.ExposureWithdrawn || kept.WithdrawReason != "当事单位提出异议，核实中" || kept.Correction == "" {
				t.Fatalf("withdrawn item: %v %+v", err, kept)
			}
			_, err = e.svc.Correct(e.ctx, e.superv, x.ID, "再补充一些整改情况说明文字")
			wantCode(t, "correct a withdrawn item", err, yiwang.ECONFLICT)
			if n := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'exposure.%'`); n != 5 {
				t.Fatalf("%d exposure audit entries, want 5 (create, edit, publish, correct, withdraw)", n)
			}
		})
	}
}

func TestMaskCaseNo(t *testing.T) {
	if got := inspect.MaskCaseNo("11340504MB1234567X202603090001"); got != "1134**********************0001" {
		t.Fatalf("mask: %s", got)
	}
}
