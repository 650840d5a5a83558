package kpi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/kpi"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/review"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

type env struct {
	ctx                          context.Context
	db                           *sqlstore.DB
	clk                          *yiwangtest.Clock
	svc                          *kpi.Service
	orgs                         *org.Service
	superv, head, officer, admin yiwang.Actor
	amr, urban                   catalog.Entry // a published entry of each org
}

// bj is a Beijing wall-clock time.
func bj(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, yiwang.Shanghai)
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: yiwangtest.NewDB(t, engine),
		clk: yiwangtest.NewClock(bj(2026, 11, 10, 10, 0))}
	if _, err := demo.Load(e.ctx, e.db, e.clk); err != nil {
		t.Fatal(err)
	}
	e.orgs = &org.Service{Store: e.db, Clock: e.clk}
	e.svc = &kpi.Service{Store: e.db, Orgs: e.orgs, Clock: e.clk}
	staff := func(u string) yiwang.Actor {
		a, err := e.db.AccountByUsername(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return a.Actor("127.0.0.1", "web")
	}
	e.superv, e.head, e.officer, e.admin = staff("supervisor"), staff("head"), staff("officer"), staff("admin")
	urban := staff("urban")
	list, err := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range list {
		if en.OrgID == e.officer.OrgID && e.amr.ID == "" {
			e.amr = en
		}
		if en.OrgID == urban.OrgID && e.urban.ID == "" {
			e.urban = en
		}
	}
	if e.amr.ID == "" || e.urban.ID == "" {
		t.Fatal("demo entries missing")
	}
	return e
}

// hc is one hand-made case.
type hc struct {
	en        catalog.Entry
	channel   string
	deadline  string
	decided   time.Time // zero: not decided
	simulated bool
	kind      string
	review    int // overall level, 0 for none
	reviewAt  time.Time
	rect      string // rectification state of a bad review
}

// seed stores the cases, their events and reviews through ImportHistory
// and returns their IDs in order.
func (e *env) seed(t *testing.T, cs []hc) []string {
	t.Helper()
	var cases []casework.Case
	var evs []casework.Event
	var rs []review.Review
	var rects []review.Rectification
	var ids []string
	for _, x := range cs {
		sub := bj(2026, 9, 1, 9, 0)
		c := casework.Case{ID: yiwang.NewID(), EntryID: x.en.ID, EntryCode: x.en.Code, ItemName: x.en.Base.Name, OrgID: x.en.OrgID,
			ApplicantID: "t", Applicant: "测试", Channel: x.channel, State: casework.StateAccepted, SubmittedAt: sub.UTC(),
			AcceptedAt: sub.UTC(), Deadline: x.deadline, Version: 1, Simulated: x.simulated, Kind: x.kind, Materials: []casework.Material{}}
		if !x.decided.IsZero() {
			c.State, c.Decision, c.DecidedAt = casework.StateDecided, casework.Granted, x.decided.UTC()
		}
		cases = append(cases, c)
		ids = append(ids, c.ID)
		evs = append(evs, casework.Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: 1, At: sub.UTC(), Kind: "submit", To: casework.StateSubmitted})
		if x.review != 0 {
			r := review.Review{ID: yiwang.NewID(), CaseID: c.ID, OrgID: c.OrgID, EntryCode: c.EntryCode, ItemName: c.ItemName,
				ReviewerID: "t", Channel: "1", Scores: map[string]int{"overall": x.review}, CreatedAt: x.reviewAt.UTC()}
			rs = append(rs, r)
			if review.Bad(x.review) {
				rects = append(rects, review.Rectification{ID: yiwang.NewID(), ReviewID: r.ID, OrgID: r.OrgID, State: x.rect,
					RevisitDue: "2026-10-20", ReplyDue: "2026-11-10"})
			}
		}
	}
	a := audit.New(yiwang.Actor{AccountID: "system", Name: "测试"}, e.clk.Now(), "test.seed", "cases", audit.ResultOK, "")
	if err := e.db.ImportHistory(e.ctx, cases, evs, rs, rects, a); err != nil {
		t.Fatal(err)
	}
	return ids
}

// dataset is the hand-computed October 2026:
//
//	市场监管局: decided in October 3 (on time 2, online 2); reviews 3 (good 1, bad 2, rectified 1)
//	城管局:     decided in October 1 (on time 1, online 0); no review
//
// and what must not count: a simulated case, a complaint, one decided in
// the last minutes of September and one in the first of November (Beijing
// time), an undecided one, a review given in November.
func (e *env) dataset(t *testing.T) []string {
	oct := bj(2026, 10, 20, 10, 0)
	return e.seed(t, []hc{
		// 0: on the deadline day, in the afternoon: on time; rated 非常满意
		{en: e.amr, channel: casework.ChannelWeb, deadline: "2026-10-15", decided: bj(2026, 10, 15, 15, 0), review: review.VerySatisfied, reviewAt: oct},
		// 1: half past midnight after the deadline day (still the 15th in UTC): late; rated 不满意, rectified
		{en: e.amr, channel: casework.ChannelWindow, deadline: "2026-10-15", decided: bj(2026, 10, 16, 0, 30), review: review.Unsatisfied, reviewAt: oct, rect: review.RectReplied},
		// 2: early: on time; rated 非常不满意, rectification open
		{en: e.amr, channel: casework.ChannelWeb, deadline: "2026-10-20", decided: bj(2026, 10, 10, 9, 0), review: review.VeryUnsatisfied, reviewAt: oct, rect: review.RectOpen},
		// 3: simulated: counts nowhere, nor its review
		{en: e.amr, channel: casework.ChannelWeb, deadline: "2026-10-20", decided: bj(2026, 10, 12, 9, 0), simulated: true, review: review.VeryUnsatisfied, reviewAt: oct, rect: review.RectOpen},
		// 4: a complaint: counts nowhere, nor its rating
		{en: e.amr, channel: casework.ChannelWeb, deadline: "2026-10-20", decided: bj(2026, 10, 12, 9, 0), kind: casework.KindComplaint, review: review.Satisfied, reviewAt: oct},
		// 5: decided 23:30 on 30 September (Beijing): September
		{en: e.amr, channel: casework.ChannelWeb, deadline: "2026-10-20", decided: bj(2026, 9, 30, 23, 30)},
		// 6: decided 00:10 on 1 November (Beijing, still October in UTC): November; reviewed in November
		{en: e.amr, channel: casework.ChannelWeb, deadline: "2026-10-20", decided: bj(2026, 11, 1, 0, 10), review: review.VeryUnsatisfied, reviewAt: bj(2026, 11, 2, 9, 0), rect: review.RectOpen},
		// 7: not decided
		{en: e.amr, channel: casework.ChannelWeb, deadline: "2026-10-20"},
		// 8: 城管局, on time at the window
		{en: e.urban, channel: casework.ChannelWindow, deadline: "2026-10-30", decided: bj(2026, 10, 29, 16, 0)},
	})
}

func october(t *testing.T, e *env) kpi.Period {
	p, err := kpi.ParseMonth("2026-10", e.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func rowOf(t *testing.T, tb kpi.Table, orgID string) kpi.Row {
	t.Helper()
	for _, r := range tb.Rows {
		if r.Org.ID == orgID {
			return r
		}
	}
	t.Fatalf("no row for %s", orgID)
	return kpi.Row{}
}

func TestFigures(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			ids := e.dataset(t)
			tb, err := e.svc.Table(e.ctx, e.superv, kpi.Query{Period: october(t, e)})
			if err != nil {
				t.Fatal(err)
			}
			amr := rowOf(t, tb, e.amr.OrgID)
			want := func(what string, got, w int) {
				t.Helper()
				if got != w {
					t.Errorf("%s = %d, want %d", what, got, w)
				}
			}
			want("amr decided", amr.Decided, 3)
			want("amr on time", amr.OnTime, 2)
			want("amr web", amr.Web, 2)
			want("amr reviews", amr.Reviews, 3)
			want("amr good", amr.Good, 1)
			want("amr bad", amr.Bad, 2)
			want("amr rectified", amr.Rectified, 1)
			urban := rowOf(t, tb, e.urban.OrgID)
			want("urban decided", urban.Decided, 1)
			want("urban on time", urban.OnTime, 1)
			want("urban web", urban.Web, 0)
			want("urban reviews", urban.Reviews, 0)
			want("total decided", tb.Total.Decided, 4)
			want("total on time", tb.Total.OnTime, 3)
			if v := tb.Total.Value(mustFigure(t, "on_time")); v.N != 3 || v.D != 4 || v.Rate != 0.75 || v.Met {
				t.Errorf("total 按时办结率 = %+v", v)
			}
			if v := amr.Value(mustFigure(t, "rectify")); v.N != 1 || v.D != 2 || v.Rate != 0.5 {
				t.Errorf("amr 整改率 = %+v", v)
			}
			if v := urban.Value(mustFigure(t, "good")); v.OK {
				t.Errorf("urban 好评率 without reviews = %+v, want no value", v)
			}

			// The catalog figures agree with catalog.Statistics, counted
			// another way (in Go over the published index).
			cs := &catalog.Service{Store: e.db, Orgs: e.orgs, Clock: e.clk}
			st, err := cs.Statistics(e.ctx, e.amr.OrgID, 0)
			if err != nil {
				t.Fatal(err)
			}
			if amr.Items != st.Items || amr.Online != st.Online || amr.FullyOnline != st.FullyOnline || amr.Instant != st.Instant ||
				amr.AtMostOne != st.AtMostOne || amr.ZeroVisits != st.ZeroVisits || amr.LegalDays != st.LegalDays || amr.PromiseDays != st.PromiseDays {
				t.Errorf("catalog counts %+v, catalog.Statistics %+v", amr.Counts, st)
			}
			all, _ := cs.Statistics(e.ctx, "", 0)
			if tb.Total.Items != all.Items || tb.Total.Online != all.Online || all.Items == 0 {
				t.Errorf("total items %d online %d, catalog %d %d", tb.Total.Items, tb.Total.Online, all.Items, all.Online)
			}

			// September and November see their own edge cases.
			sep, _ := kpi.ParseMonth("2026-09", e.clk.Now())
			ts, _ := e.svc.Table(e.ctx, e.superv, kpi.Query{Period: sep})
			want("september decided", ts.Total.Decided, 1)
			nov, _ := kpi.ParseMonth("2026-11", e.clk.Now())
			tn, _ := e.svc.Table(e.ctx, e.superv, kpi.Query{Period: nov})
			want("november decided", tn.Total.Decided, 1)
			want("november bad", tn.Total.Bad, 1)

			// Drill-down: the cases behind 按时办结率 of the one org.
			_, items, err := e.svc.List(e.ctx, e.superv, "on_time", kpi.Query{OrgID: e.amr.OrgID, Only: true, Period: october(t, e)})
			if err != nil {
				t.Fatal(err)
			}
			in := map[string]bool{}
			for _, it := range items {
				in[it.ID] = it.In
			}
			if len(items) != 3 || !in[ids[0]] || in[ids[1]] || !in[ids[2]] {
				t.Errorf("on-time list %+v", items)
			}
			if !items[0].In || items[2].In {
				t.Errorf("numerator first: %+v", items)
			}
			_, items, _ = e.svc.List(e.ctx, e.superv, "bad", kpi.Query{Period: october(t, e)})
			if n := countIn(items); len(items) != 3 || n != 2 {
				t.Errorf("bad-review list: %d items, %d in", len(items), n)
			}
			_, items, _ = e.svc.List(e.ctx, e.superv, "online", kpi.Query{OrgID: e.amr.OrgID, Only: true, Period: october(t, e)})
			if n := countIn(items); len(items) != amr.Items || n != amr.Online {
				t.Errorf("online list: %d items, %d in; want %d, %d", len(items), n, amr.Items, amr.Online)
			}
			if _, _, err := e.svc.List(e.ctx, e.superv, "nope", kpi.Query{Period: october(t, e)}); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Errorf("unknown figure: %v", err)
			}

			// Trend: October holds the three and one.
			pts, err := e.svc.Trend(e.ctx, e.superv, kpi.Query{Period: october(t, e)}, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(pts) != 3 || pts[2].Period.Month != "2026-10" || pts[2].Decided != 4 || pts[1].Decided != 1 {
				t.Errorf("trend %+v", pts)
			}
		})
	}
}

func countIn(items []kpi.Item) int {
	n := 0
	for _, it := range items {
		if it.In {
			n++
		}
	}
	return n
}

func mustFigure(t *testing.T, k string) kpi.Figure {
	f, ok := kpi.FigureByKey(k)
	if !ok {
		t.Fatalf("no figure %s", k)
	}
	return f
}

func TestScope(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.dataset(t)
	p := october(t, e)
	// The head of 市场监管局 sees their own org only.
	tb, err := e.svc.Table(e.ctx, e.head, kpi.Query{Period: p})
	if err != nil {
		t.Fatal(err)
	}
	if tb.Total.Decided != 3 {
		t.Errorf("head sees %d decided, want 3", tb.Total.Decided)
	}
	for _, r := range tb.Rows {
		if r.Org.ID == e.urban.OrgID {
			t.Error("head sees 城管局")
		}
	}
	if _, err := e.svc.Table(e.ctx, e.head, kpi.Query{OrgID: e.urban.OrgID, Period: p}); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
		t.Errorf("head asks for another org: %v", err)
	}
	if _, _, err := e.svc.List(e.ctx, e.head, "on_time", kpi.Query{OrgID: e.urban.OrgID, Only: true, Period: p}); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
		t.Errorf("head drills into another org: %v", err)
	}
	if _, err := e.svc.Table(e.ctx, e.officer, kpi.Query{Period: p}); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
		t.Errorf("officer: %v", err)
	}
	if _, err := e.svc.Table(e.ctx, e.superv, kpi.Query{OrgID: "nope", Period: p}); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
		t.Errorf("unknown org: %v", err)
	}
	// By level: 城管局 and 市场监管局 are district (county) departments.
	tl, _ := e.svc.Table(e.ctx, e.superv, kpi.Query{Level: int(org.LevelTownship), Period: p})
	if tl.Total.Decided != 0 {
		t.Errorf("township level decided %d, want 0", tl.Total.Decided)
	}
	tc, _ := e.svc.Table(e.ctx, e.superv, kpi.Query{Level: int(org.LevelCounty), Period: p})
	if tc.Total.Decided != 4 || len(tc.Levels) != 1 {
		t.Errorf("county level decided %d levels %d", tc.Total.Decided, len(tc.Levels))
	}
}

func TestPeriods(t *testing.T) {
	now := bj(2026, 11, 10, 10, 0)
	p, err := kpi.ParsePeriod("", "", "", now)
	if err != nil || p.From != "2026-11-01" || p.To != "2026-11-10" || p.Month != "2026-11" {
		t.Errorf("default period %+v %v", p, err)
	}
	p, err = kpi.ParsePeriod("2026-02", "", "", now)
	if err != nil || p.From != "2026-02-01" || p.To != "2026-02-28" {
		t.Errorf("February %+v %v", p, err)
	}
	p, err = kpi.ParsePeriod("", "2025-11-11", "2026-11-10", now)
	if err != nil || p.From != "2025-11-11" || p.Month != "" {
		t.Errorf("a year %+v %v", p, err)
	}
	from, to := p.Bounds()
	if !from.Equal(bj(2025, 11, 11, 0, 0)) || !to.Equal(bj(2026, 11, 11, 0, 0)) {
		t.Errorf("bounds %v %v", from, to)
	}
	for _, c := range []struct{ month, from, to, field string }{
		{"2026-13", "", "", "month"},
		{"26-10", "", "", "month"},
		{"2026-12", "", "", "month"},   // not begun
		{"1999-12", "", "", "month"},   // too old
		{"", "2026-10-01", "", "from"}, // half a range
		{"", "2026/10/01", "2026-10-31", "from"},
		{"", "2026-10-01", "2026-10-32", "to"},
		{"", "2026-10-31", "2026-10-01", "from"}, // backwards
		{"", "2026-11-01", "2026-11-11", "to"},   // beyond today
		{"", "2024-11-10", "2026-11-10", "from"}, // more than 24 months
	} {
		_, err := kpi.ParsePeriod(c.month, c.from, c.to, now)
		var ye *yiwang.Error
		if !errors.As(err, &ye) || ye.Code != yiwang.EINVALID || ye.Fields[c.field] == "" {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if ms := kpi.Months(kpi.Period{From: "2026-11-01", To: "2026-11-10", Month: "2026-11"}, 3); len(ms) != 3 ||
		ms[0].Month != "2026-09" || ms[2].To != "2026-11-10" || ms[1].To != "2026-10-31" {
		t.Errorf("months %+v", ms)
	}
}

func TestWeights(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			w, err := e.svc.Weights(e.ctx)
			if err != nil || w["on_time"] != kpi.DefaultWeights["on_time"] {
				t.Fatalf("default weights %v %v", w, err)
			}
			sum := 0
			for _, n := range kpi.DefaultWeights {
				sum += n
			}
			if sum != 100 {
				t.Errorf("default weights sum %d", sum)
			}
			form := func(over map[string]string) map[string]string {
				in := map[string]string{}
				for _, f := range kpi.Figures {
					in[f.Key] = "0"
				}
				in["on_time"], in["online"] = "60", "40"
				for k, v := range over {
					in[k] = v
				}
				return in
			}
			for _, bad := range []map[string]string{{"good": "-5", "on_time": "65"}, {"good": "1.5"}, {"good": "abc"},
				{"good": "101"}, {"on_time": "59"}, {"good": "1"}} {
				_, err := e.svc.SaveWeights(e.ctx, e.superv, form(bad))
				if yiwang.ErrorCode(err) != yiwang.EINVALID {
					t.Errorf("%v: %v", bad, err)
				}
			}
			if w, _ := e.svc.Weights(e.ctx); w["on_time"] != kpi.DefaultWeights["on_time"] {
				t.Error("a refused save changed the weights")
			}
			if _, err := e.svc.SaveWeights(e.ctx, e.officer, form(nil)); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Errorf("officer saves weights: %v", err)
			}
			if _, err := e.svc.SaveWeights(e.ctx, e.superv, form(nil)); err != nil {
				t.Fatal(err)
			}
			w, _ = e.svc.Weights(e.ctx)
			if w["on_time"] != 60 || w["online"] != 40 || w["good"] != 0 {
				t.Errorf("saved weights %v", w)
			}
			if _, err := e.svc.SaveWeights(e.ctx, e.admin, form(map[string]string{"on_time": "50", "good": "10"})); err != nil {
				t.Errorf("admin saves weights: %v", err)
			}
			es, _, err := e.db.ListAudit(e.ctx, audit.Filter{Action: "kpi.weights"})
			if err != nil || len(es) != 2 {
				t.Errorf("audit entries %d %v", len(es), err)
			}

			// The assessment of 市场监管局 with these weights (on_time 50,
			// online 40, good 10), by hand.
			e.dataset(t)
			scores, _, err := e.svc.Assess(e.ctx, e.superv, october(t, e))
			if err != nil {
				t.Fatal(err)
			}
			tb, _ := e.svc.Table(e.ctx, e.superv, kpi.Query{Period: october(t, e)})
			amr := rowOf(t, tb, e.amr.OrgID)
			online := float64(amr.Online) / float64(amr.Items)
			want := (2.0/3)*50 + online*40 + (1.0/3)*10
			found := false
			for _, sc := range scores {
				if sc.Org.ID == e.amr.OrgID {
					found = true
					if math.Abs(sc.Total-want) > 1e-9 || sc.Weighed != 100 || sc.Group != "部门" {
						t.Errorf("amr score %v (weighed %d), want %v", sc.Total, sc.Weighed, want)
					}
					if len(sc.Lines) != 3 || sc.Lines[0].Text() == "" {
						t.Errorf("lines %+v", sc.Lines)
					}
				}
				if sc.Rank < 1 {
					t.Errorf("rank %d", sc.Rank)
				}
			}
			if !found {
				t.Error("市场监管局 not assessed")
			}
		})
	}
}

func TestScoreOf(t *testing.T) {
	c := kpi.Counts{Items: 10, Online: 9, Decided: 4, OnTime: 3, Reviews: 10, Good: 8, Bad: 2}
	w := kpi.Weights{"online": 20, "on_time": 50, "bad": 10, "rectify": 20}
	sc := kpi.ScoreOf(c, w)
	// online 0.9×20 = 18, on_time 0.75×50 = 37.5, bad (1−0.2)×10 = 8;
	// rectify has no bad review rectified… 0 of 2: 0×20 = 0.
	if math.Abs(sc.Points-63.5) > 1e-9 || sc.Weighed != 100 || math.Abs(sc.Total-63.5) > 1e-9 {
		t.Errorf("score %+v", sc)
	}
	// Without reviews the review figures drop out and the rest is scaled.
	c.Reviews, c.Good, c.Bad = 0, 0, 0
	sc = kpi.ScoreOf(c, w)
	if sc.Weighed != 70 || math.Abs(sc.Total-(18+37.5)*100/70) > 1e-9 {
		t.Errorf("scaled score %+v", sc)
	}
	for _, l := range sc.Lines {
		if l.Key == "on_time" && l.Text() != "75.0% × 50 = 37.50" {
			t.Errorf("line text %q", l.Text())
		}
	}
}

func TestReport(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.dataset(t)
	b, err := e.svc.Report(e.ctx, e.superv, october(t, e))
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("汇总")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) >= 5 && r[0] == "按时办结率" && r[1] == "合计" {
			found = true
			if r[2] != "3" || r[3] != "4" || r[4] != "75.00%" {
				t.Errorf("report row %v", r)
			}
		}
	}
	if !found {
		t.Errorf("no 按时办结率 row in %v", rows)
	}
	for _, sh := range []string{"各单位", "绩效考核", "指标说明"} {
		if rs, err := f.GetRows(sh); err != nil || len(rs) < 2 {
			t.Errorf("sheet %s: %d rows %v", sh, len(rs), err)
		}
	}
	if _, err := e.svc.Report(e.ctx, e.officer, october(t, e)); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
		t.Errorf("officer report: %v", err)
	}
}

func TestHistory(t *testing.T) {
	e := newEnv(t, "sqlite")
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n, err := demo.LoadHistory(e.ctx, e.db, cal, e.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if n < 200 {
		t.Errorf("history has %d cases", n)
	}
	t.Logf("%d history cases in %v", n, time.Since(start))
	p, _ := kpi.ParsePeriod("", "2026-05-01", "2026-11-10", e.clk.Now())
	tb, err := e.svc.Table(e.ctx, e.superv, kpi.Query{Period: p})
	if err != nil {
		t.Fatal(err)
	}
	if tb.Total.Decided != n || tb.Total.OnTime == 0 || tb.Total.OnTime == n || tb.Total.Web == 0 || tb.Total.Reviews == 0 ||
		tb.Total.Bad == 0 {
		t.Errorf("history figures %+v", tb.Total.Counts)
	}
	// The same now gives the same history in another database, whose orgs
	// have other IDs.
	other := newEnv(t, "sqlite")
	if !other.clk.Now().Equal(e.clk.Now()) {
		t.Fatalf("clocks %v and %v", other.clk.Now(), e.clk.Now())
	}
	if _, err := demo.LoadHistory(other.ctx, other.db, cal, other.clk.Now()); err != nil {
		t.Fatal(err)
	}
	if a, b := historyRows(t, e.db), historyRows(t, other.db); !slices.Equal(a, b) {
		t.Errorf("two loads of the same history differ: %d and %d cases", len(a), len(b))
	}
	// No demo citizen gains a case.
	acc, _ := e.db.CitizenByMobile(e.ctx, demo.People[0].Mobile)
	if cs, _ := e.db.CasesOf(e.ctx, acc.ID); len(cs) != 0 {
		t.Errorf("张三 has %d cases", len(cs))
	}
}

// historyRows lists the history's cases by what does not depend on the
// database's IDs: entry, times, deadline and decision, sorted.
func historyRows(t *testing.T, db *sqlstore.DB) []string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT entry_code, submitted_at, decided_at, deadline, decision, channel FROM cases
		WHERE applicant_id = 'demo-history'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var code, deadline, decision, channel string
		var sub, dec time.Time
		if err := rows.Scan(&code, &sub, &dec, &deadline, &decision, &channel); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s %s %s %s", code, sub.UTC().Format(time.RFC3339), dec.UTC().Format(time.RFC3339), deadline, decision, channel))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
