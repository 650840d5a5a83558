package review_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
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
	svc                    *review.Service
	zhang, wang            yiwang.Actor
	officer, other, superv yiwang.Actor
	business               catalog.Entry
	zhangWho, wangWho      casework.Applicant
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
	e.svc = &review.Service{Store: e.db, Cases: e.db, Orgs: orgs, Calendar: cal, Clock: e.clk}
	staff := func(u string) yiwang.Actor {
		a, err := e.db.AccountByUsername(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return a.Actor("127.0.0.1", "web")
	}
	e.officer, e.other, e.superv = staff("officer"), staff("urban"), staff("supervisor")
	for i, p := range demo.People[:2] {
		a, err := e.db.CitizenByMobile(e.ctx, p.Mobile)
		if err != nil {
			t.Fatal(err)
		}
		who := casework.Applicant{AccountID: a.ID, Name: p.Name, Mobile: p.Mobile, IDCard: p.IDCard}
		if i == 0 {
			e.zhang, e.zhangWho = a.Actor("127.0.0.1", "web"), who
		} else {
			e.wang, e.wangWho = a.Actor("127.0.0.1", "web"), who
		}
	}
	list, _ := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	for _, en := range list {
		if en.Base.Name == "个体工商户设立登记" && en.OrgID == e.officer.OrgID {
			e.business = en
		}
	}
	return e
}

// decided files 个体工商户设立登记 for who and has the officer grant it.
func (e *env) decided(t *testing.T, actor yiwang.Actor, who casework.Applicant) casework.Case {
	t.Helper()
	var mats []casework.Material
	for i, m := range e.business.Guide.Materials {
		if m.Source == "applicant" && m.Required {
			mats = append(mats, casework.Material{Index: i, FileID: fmt.Sprintf("%064d", i)})
		}
	}
	c, err := e.cases.Submit(e.ctx, actor, who, casework.Application{EntryCode: e.business.Code, Materials: mats,
		Fields: map[string]string{"shop": "雨山区便利店", "premises": "雨山区佳山路9号", "scope": "日用百货零售", "capital": "5", "form": "个人经营"}})
	if err != nil {
		t.Fatalf("submit: %v %v", err, yiwang.ErrorFields(err))
	}
	if _, err := e.cases.Accept(e.ctx, e.officer, c.ID); err != nil {
		t.Fatal(err)
	}
	for {
		c, _, err = e.cases.Get(e.ctx, e.officer, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		mine := e.cases.MyTasks(e.ctx, e.officer, c)
		i := slices.IndexFunc(mine, func(tk casework.Task) bool { return tk.Kind == catalog.StepReview })
		if i < 0 {
			break
		}
		if _, err := e.cases.CompleteTask(e.ctx, e.officer, c.ID, mine[i].ID, casework.TaskWork{Opinion: casework.OpinionAgree}); err != nil {
			t.Fatal(err)
		}
	}
	c, err = e.cases.Decide(e.ctx, e.officer, c.ID, casework.Granted, "符合条件")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func scores(level int) map[string]int {
	out := map[string]int{}
	for _, d := range review.OnlineDimensions {
		out[d.Key] = level
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if yiwang.ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReviews: one review and one follow-up per decided case, by its
// applicant only, on the national dimensions; bad input changes nothing; a
// bad review opens a rectification that runs revisit → reply (the reviewer
// told), escalates when overdue, and may be appealed; figures count what
// they should.
func TestReviews(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			good := e.decided(t, e.zhang, e.zhangWho)
			bad := e.decided(t, e.wang, e.wangWho)

			// Bad input: refused, nothing stored.
			before := e.count(t, "reviews")
			for name, tc := range map[string]struct {
				actor yiwang.Actor
				id    string
				in    review.Input
				code  string
			}{
				"level 0":            {e.zhang, good.ID, review.Input{Channel: "1", Scores: scores(0)}, yiwang.EINVALID},
				"level 6":            {e.zhang, good.ID, review.Input{Channel: "1", Scores: scores(6)}, yiwang.EINVALID},
				"missing dimension":  {e.zhang, good.ID, review.Input{Channel: "1", Scores: map[string]int{"overall": 1}}, yiwang.EINVALID},
				"unknown dimension":  {e.zhang, good.ID, review.Input{Channel: "1", Scores: map[string]int{"overall": 1, "taste": 1, "efficiency": 1, "guide": 1, "convenience": 1, "usability": 1}}, yiwang.EINVALID},
				"bad channel":        {e.zhang, good.ID, review.Input{Channel: "9", Scores: scores(1)}, yiwang.EINVALID},
				"someone else's":     {e.wang, good.ID, review.Input{Channel: "1", Scores: scores(1)}, yiwang.ENOTFOUND},
				"bad without reason": {e.wang, bad.ID, review.Input{Channel: "2", Scores: scores(5)}, yiwang.EINVALID},
				"staff":              {e.officer, good.ID, review.Input{Channel: "1", Scores: scores(1)}, yiwang.ENOTFOUND},
				"no such case":       {e.zhang, "nope", review.Input{Channel: "1", Scores: scores(1)}, yiwang.ENOTFOUND},
			} {
				_, err := e.svc.ReviewCase(e.ctx, tc.actor, tc.id, tc.in)
				wantCode(t, name, err, tc.code)
			}
			if e.count(t, "reviews") != before {
				t.Fatal("refused reviews were stored")
			}
			// An undecided case cannot be rated.
			early, err := e.cases.Submit(e.ctx, e.zhang, e.zhangWho, casework.Application{EntryCode: e.business.Code,
				Materials: []casework.Material{{Index: 0, FileID: fmt.Sprintf("%064d", 9)}, {Index: 2, FileID: fmt.Sprintf("%064d", 8)}},
				Fields:    map[string]string{"shop": "店", "premises": "雨山区佳山路9号", "scope": "零售", "capital": "5", "form": "个人经营"}})
			if err == nil {
				_, err = e.svc.ReviewCase(e.ctx, e.zhang, early.ID, review.Input{Channel: "1", Scores: scores(1)})
				wantCode(t, "an undecided case", err, yiwang.ECONFLICT)
			}

			// A good review, a follow-up, then no more.
			r, err := e.svc.ReviewCase(e.ctx, e.zhang, good.ID, review.Input{Channel: "2", Scores: scores(1), Text: "办事很快"})
			if err != nil || r.FollowUp || r.Overall() != 1 {
				t.Fatalf("review: %+v %v", r, err)
			}
			if f, err := e.svc.ReviewCase(e.ctx, e.zhang, good.ID, review.Input{Channel: "1", Scores: scores(2)}); err != nil || !f.FollowUp {
				t.Fatalf("follow-up: %+v %v", f, err)
			}
			_, err = e.svc.ReviewCase(e.ctx, e.zhang, good.ID, review.Input{Channel: "1", Scores: scores(1)})
			wantCode(t, "a third review", err, yiwang.ECONFLICT)
			if e.count(t, "review_rectifications") != 0 {
				t.Fatal("good reviews opened a rectification")
			}

			// A bad review opens a rectification: revisit in 1 working day,
			// reply in 15.
			br, err := e.svc.ReviewCase(e.ctx, e.wang, bad.ID, review.Input{Channel: "1", Scores: scores(5), Text: "窗口态度差，等了很久"})
			if err != nil {
				t.Fatal(err)
			}
			xs, err := e.db.Rectifications(e.ctx, nil, 10)
			if err != nil || len(xs) != 1 || xs[0].ReviewID != br.ID || xs[0].State != review.RectOpen ||
				xs[0].RevisitDue != "2026-03-10" || xs[0].ReplyDue != "2026-03-30" {
				t.Fatalf("rectification: %+v %v", xs, err)
			}
			x := xs[0]
			_, err = e.svc.Reply(e.ctx, e.officer, x.ID, "已经整改完毕并答复申请人")
			wantCode(t, "reply before the revisit", err, yiwang.ECONFLICT)
			_, err = e.svc.Revisit(e.ctx, e.other, x.ID, "电话回访申请人")
			wantCode(t, "another org revisits", err, yiwang.EFORBIDDEN)
			_, err = e.svc.Revisit(e.ctx, e.officer, x.ID, "好")
			wantCode(t, "revisit without a note", err, yiwang.EINVALID)

			// Overdue: the revisit day passes; the job escalates once.
			e.clk.Set(time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC))
			if n, err := e.svc.Escalate(e.ctx); err != nil || n != 1 {
				t.Fatalf("escalate: %d %v", n, err)
			}
			if n, _ := e.svc.Escalate(e.ctx); n != 0 {
				t.Fatalf("escalated twice: %d", n)
			}
			if _, err := e.svc.Revisit(e.ctx, e.officer, x.ID, "电话回访，申请人反映等候时间长"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Reply(e.ctx, e.officer, x.ID, "已增开窗口并调整排班，等候时间缩短至十分钟以内"); err != nil {
				t.Fatal(err)
			}
			var msgs int
			e.db.SQL().QueryRow(`SELECT COUNT(*) FROM messages WHERE account_id = $1 AND link = $2`, e.wang.AccountID, "/cases/"+bad.ID).Scan(&msgs)
			if msgs == 0 {
				t.Fatal("the reviewer was not told of the reply")
			}

			// Figures: by org, one good review + follow-up and one bad, rectified.
			fs, err := e.svc.Figures(e.ctx, "org")
			if err != nil || len(fs) != 1 || fs[0].Reviews != 3 || fs[0].Good != 2 || fs[0].BadCount != 1 || fs[0].Rectified != 1 {
				t.Fatalf("figures: %+v %v", fs, err)
			}
			_, err = e.svc.Figures(e.ctx, "weekday")
			wantCode(t, "a figure by nonsense", err, yiwang.EINVALID)

			// Appeal: by the org, once, only for a bad review; decided by a
			// supervisor with reasons; upheld excludes it from the figures.
			_, err = e.svc.AppealReview(e.ctx, e.officer, r.ID, "该评价系申请人误操作，申请人已来电说明")
			wantCode(t, "appeal of a good review", err, yiwang.ECONFLICT)
			_, err = e.svc.AppealReview(e.ctx, e.other, br.ID, "该评价系申请人误操作，申请人已来电说明")
			wantCode(t, "appeal by another org", err, yiwang.EFORBIDDEN)
			a, err := e.svc.AppealReview(e.ctx, e.officer, br.ID, "该评价所述等候情况与叫号记录不符，系误评")
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.AppealReview(e.ctx, e.officer, br.ID, "再次申诉，理由同上，请再审核一次")
			wantCode(t, "a second appeal", err, yiwang.ECONFLICT)
			_, err = e.svc.DecideAppeal(e.ctx, e.officer, a.ID, true, "同意")
			wantCode(t, "an officer decides", err, yiwang.EFORBIDDEN)
			_, err = e.svc.DecideAppeal(e.ctx, e.superv, a.ID, true, "")
			wantCode(t, "no reasons", err, yiwang.EINVALID)
			if _, err := e.svc.DecideAppeal(e.ctx, e.superv, a.ID, true, "经调取叫号记录核实，等候时间为八分钟，评价与事实不符"); err != nil {
				t.Fatal(err)
			}
			_, err = e.svc.DecideAppeal(e.ctx, e.superv, a.ID, false, "重复审核")
			wantCode(t, "decided twice", err, yiwang.ECONFLICT)
			if got, _ := e.db.Review(e.ctx, br.ID); !got.Excluded {
				t.Fatal("an upheld appeal did not exclude the review")
			}
			if fs, _ := e.svc.Figures(e.ctx, "org"); len(fs) != 1 || fs[0].Reviews != 2 || fs[0].BadCount != 0 {
				t.Fatalf("figures after the appeal: %+v", fs)
			}
			if recent, _ := e.db.RecentReviews(e.ctx, 10); len(recent) != 3 {
				t.Fatalf("the excluded review must stay visible: %d", len(recent))
			}
			if r, err := audit.Verify(e.ctx, e.db); err != nil || !r.OK() {
				t.Fatalf("audit: %v %v", r, err)
			}
		})
	}
}

// TestVisitReviews: a counter visit is rated once through its keyed link,
// on the window dimensions, for the counter's org; a forged token or an
// online case is refused; the case's own review is still open afterwards.
func TestVisitReviews(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			e.svc.Token = func(s string) string { return "k-" + s }
			clerkAcc, err := e.db.AccountByUsername(e.ctx, "clerk")
			if err != nil {
				t.Fatal(err)
			}
			clerk := clerkAcc.Actor("127.0.0.1", "web")
			var mats []casework.Material
			for i, m := range e.business.Guide.Materials {
				if m.Source == "applicant" && m.Required {
					mats = append(mats, casework.Material{Index: i, FileID: fmt.Sprintf("%064d", i)})
				}
			}
			c, err := e.cases.FileFor(e.ctx, clerk, e.zhangWho, casework.Application{EntryCode: e.business.Code, Materials: mats,
				Fields: map[string]string{"shop": "雨山区便利店", "premises": "雨山区佳山路9号", "scope": "日用百货零售", "capital": "5", "form": "个人经营"}})
			if err != nil {
				t.Fatal(err)
			}
			window := map[string]int{"overall": 4, "efficiency": 3, "level": 2, "attitude": 5}
			_, err = e.svc.ReviewVisit(e.ctx, c.ID, "forged", review.Input{Channel: "3", Scores: window, Text: "排队太久了"})
			wantCode(t, "a forged token", err, yiwang.ENOTFOUND)
			_, err = e.svc.ReviewVisit(e.ctx, c.ID, e.svc.VisitToken(c.ID), review.Input{Channel: "3", Scores: scores(1)})
			wantCode(t, "online dimensions for a visit", err, yiwang.EINVALID)
			r, err := e.svc.ReviewVisit(e.ctx, c.ID, e.svc.VisitToken(c.ID), review.Input{Channel: "3", Scores: window, Text: "排队太久了"})
			if err != nil || !r.Visit || !r.Window || r.OrgID != clerk.OrgID {
				t.Fatalf("visit review: %+v %v", r, err)
			}
			_, err = e.svc.ReviewVisit(e.ctx, c.ID, e.svc.VisitToken(c.ID), review.Input{Channel: "4", Scores: window, Text: "排队太久了"})
			wantCode(t, "a second visit review", err, yiwang.ECONFLICT)
			xs, _ := e.db.Rectifications(e.ctx, []string{clerk.OrgID}, 10)
			if len(xs) != 1 || xs[0].ReviewID != r.ID {
				t.Fatalf("the counter's rectification: %+v", xs)
			}
			online := e.decided(t, e.zhang, e.zhangWho)
			_, err = e.svc.ReviewVisit(e.ctx, online.ID, e.svc.VisitToken(online.ID), review.Input{Channel: "3", Scores: window, Text: "排队太久了"})
			wantCode(t, "a visit review of an online case", err, yiwang.ENOTFOUND)
		})
	}
}

// TestTownshipFigures: a visit rated at a village agent point counts for
// the township above the village; every township is listed.
func TestTownshipFigures(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			e.svc.Token = func(s string) string { return "k-" + s }
			acc, err := e.db.AccountByUsername(e.ctx, "agent")
			if err != nil {
				t.Fatal(err)
			}
			agent := acc.Actor("127.0.0.1", "web")
			point, err := e.db.Org(e.ctx, agent.OrgID)
			if err != nil || point.Level != org.LevelVillage {
				t.Fatalf("the demo agent's org: %+v %v", point, err)
			}
			var mats []casework.Material
			for i, m := range e.business.Guide.Materials {
				if m.Source == "applicant" && m.Required {
					mats = append(mats, casework.Material{Index: i, FileID: fmt.Sprintf("%064d", i)})
				}
			}
			c, err := e.cases.FileFor(e.ctx, agent, e.zhangWho, casework.Application{EntryCode: e.business.Code, Materials: mats,
				Fields: map[string]string{"shop": "雨山区便利店", "premises": "雨山区佳山路9号", "scope": "日用百货零售", "capital": "5", "form": "个人经营"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.ReviewVisit(e.ctx, c.ID, e.svc.VisitToken(c.ID), review.Input{Channel: "3",
				Scores: map[string]int{"overall": 5, "efficiency": 5, "level": 4, "attitude": 5}, Text: "代办员不在岗"}); err != nil {
				t.Fatal(err)
			}
			fs, err := e.svc.Figures(e.ctx, "township")
			if err != nil {
				t.Fatal(err)
			}
			tree, _ := (&org.Service{Store: e.db, Clock: e.clk}).Tree(e.ctx)
			townships, byID := 0, map[string]org.Org{}
			for _, o := range tree {
				byID[o.ID] = o
				if o.Level == org.LevelTownship {
					townships++
				}
			}
			above := byID[point.ParentID]
			for above.Level != org.LevelTownship && above.ParentID != "" {
				above = byID[above.ParentID]
			}
			if len(fs) != townships || townships < 2 {
				t.Fatalf("%d township rows for %d townships", len(fs), townships)
			}
			if fs[0].Key != above.ID || fs[0].Reviews != 1 || fs[0].BadCount != 1 || fs[0].Good != 0 || fs[1].Reviews != 0 {
				t.Fatalf("township figures: %+v (the point's township %s)", fs[:2], above.Name)
			}
		})
	}
}
