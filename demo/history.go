package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/review"
)

// HistoryStore stores the demo's past months at once.
type HistoryStore interface {
	ListEntries(ctx context.Context, f catalog.Filter) ([]catalog.Entry, error)
	// ImportHistory stores past cases with their events and reviews with
	// their rectifications, in one transaction with its audit entry.
	ImportHistory(ctx context.Context, cs []casework.Case, evs []casework.Event, rs []review.Review,
		rects []review.Rectification, e audit.Entry) error
}

// HistoryMonths is how many whole months before the running one the
// history covers (the running month is filled up to yesterday).
const HistoryMonths = 6

// historyPerMonth is about how many cases each month gets.
const historyPerMonth = 55

var historyNames = []string{"赵明", "钱丽", "孙建国", "周芳", "吴磊", "郑敏", "冯涛", "陈静", "褚强", "卫红",
	"蒋勇", "沈燕", "韩杰", "杨秀兰", "朱伟", "秦霞", "尤军", "许婷", "何斌", "吕娟"}

// LoadHistory files a few hundred past cases, decided and handed over in
// the months before now, with their events and some reviews, so the
// supervision dashboard shows a believable spread on a fresh start: most
// cases decided in time and some late (each org its own habit), online
// and at the window as each item allows, 即办件 decided the day they came.
// The engine's clock only runs forward, so they go straight to the store,
// timeline and all. Applicants are made-up names without an account, so no
// demo citizen's list changes. The same now gives the same history.
func LoadHistory(ctx context.Context, st HistoryStore, cal *calendar.Calendar, now time.Time) (int, error) {
	entries, err := st.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		return 0, err
	}
	var pool []catalog.Entry
	for _, en := range entries {
		if en.Kind == 1 || en.PromiseDays > 0 {
			pool = append(pool, en)
		}
	}
	if len(pool) == 0 {
		return 0, nil
	}
	rng := rand.New(rand.NewPCG(20261, uint64(len(pool))))
	sh := now.In(yiwang.Shanghai)
	today := time.Date(sh.Year(), sh.Month(), sh.Day(), 0, 0, 0, 0, yiwang.Shanghai)
	first := time.Date(sh.Year(), sh.Month(), 1, 0, 0, 0, 0, yiwang.Shanghai).AddDate(0, -HistoryMonths, 0)
	// habit is an org's share of cases decided in time: 80–99%. It is
	// keyed by the org's unified social credit code, the first 18
	// characters of an entry's 实施编码, not by the org's ID, which is new
	// in every database: so the same now gives the same history.
	habit := func(en catalog.Entry) float64 {
		h := fnv.New32a()
		h.Write([]byte(en.Code[:min(18, len(en.Code))]))
		return 0.80 + float64(h.Sum32()%20)/100
	}
	var (
		cs    []casework.Case
		evs   []casework.Event
		rs    []review.Review
		rects []review.Rectification
	)
	n := historyPerMonth * (HistoryMonths + 1)
	for i := 0; i < n; i++ {
		en := pool[rng.IntN(len(pool))]
		// a working day between first and yesterday, 9:00–16:00
		day := first.AddDate(0, 0, rng.IntN(int(today.Sub(first).Hours()/24)))
		for !cal.IsWorkday(calendar.DateOf(day)) {
			day = day.AddDate(0, 0, 1)
		}
		if !day.Before(today) {
			continue
		}
		submitted := day.Add(time.Duration(9*60+rng.IntN(7*60)) * time.Minute)
		channel := casework.ChannelWindow
		switch {
		case en.Online() && rng.Float64() < 0.7:
			channel = casework.ChannelWeb
		case en.Level == 6 || rng.Float64() < 0.15:
			channel = casework.ChannelAgent
		}
		accepted := submitted.Add(time.Duration(10+rng.IntN(50)) * time.Minute)
		if en.Kind != 1 && rng.Float64() < 0.5 { // pre-review takes a day or two
			d := cal.AddWorkdays(calendar.DateOf(submitted), 1+rng.IntN(2))
			accepted = d.Start().Add(time.Duration(9*60+rng.IntN(6*60)) * time.Minute)
		}
		dl, _ := cal.Deadline(accepted, en.PromiseDays, nil)
		var decided time.Time
		switch {
		case en.Kind == 1 || en.PromiseDays == 0:
			decided = accepted.Add(time.Duration(5+rng.IntN(40)) * time.Minute) // 即办
			if rng.Float64() > habit(en)+0.1 {
				decided = cal.AddWorkdays(calendar.DateOf(accepted), 1).Start().Add(10 * time.Hour)
			}
		case rng.Float64() < habit(en):
			// in time: a working day up to the deadline
			span := max(cal.WorkdaysBetween(calendar.DateOf(accepted), dl), 1)
			d := cal.AddWorkdays(calendar.DateOf(accepted), 1+rng.IntN(span))
			if dl.Before(d) {
				d = dl
			}
			decided = d.Start().Add(time.Duration(9*60+rng.IntN(8*60)) * time.Minute)
		default:
			// late by one to five working days
			decided = cal.AddWorkdays(dl, 1+rng.IntN(5)).Start().Add(time.Duration(9*60+rng.IntN(8*60)) * time.Minute)
		}
		if !decided.Before(today) {
			continue
		}
		delivered := decided.Add(time.Duration(30+rng.IntN(240)) * time.Minute)
		decision := casework.Granted
		if rng.Float64() < 0.04 {
			decision = casework.Denied
		}
		c := casework.Case{ID: yiwang.NewID(), EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID,
			ApplicantID: "demo-history", Applicant: historyNames[rng.IntN(len(historyNames))], Channel: channel,
			State: casework.StateDelivered, Decision: decision, SubmittedAt: submitted.UTC(), AcceptedAt: accepted.UTC(),
			Deadline: dl.String(), Due: "9999-12-31", DecidedAt: decided.UTC(), Version: 4,
			Materials: []casework.Material{}, Delivery: &casework.Delivery{Method: casework.DeliverWindow, At: delivered.UTC()}}
		if channel != casework.ChannelWeb {
			c.FiledAt = en.OrgID
		}
		cs = append(cs, c)
		ev := func(seq int, at time.Time, kind, from, to, note string) {
			evs = append(evs, casework.Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: seq, At: at.UTC(), ActorID: "demo-history",
				ActorName: "工作人员（演示）", Kind: kind, From: from, To: to, Note: note, Channel: "web"})
		}
		ev(1, submitted, "submit", "", casework.StateSubmitted, casework.ChannelName(channel)+"：演示历史办件")
		ev(2, accepted, "accept", casework.StateSubmitted, casework.StateAccepted,
			fmt.Sprintf("已受理，承诺 %d 个工作日内（%s 前）办结", en.PromiseDays, c.Deadline))
		ev(3, decided, "decide", casework.StateAccepted, casework.StateDecided, map[string]string{casework.Granted: "准予许可",
			casework.Denied: "不予许可"}[decision])
		ev(4, delivered, "deliver", casework.StateDecided, casework.StateDelivered, "窗口领取，办件已归档")

		// about two in five rate their case, mostly well
		if rng.Float64() < 0.4 {
			r, x := PastReview(rng, cal, c, delivered, now, "demo-history")
			rs = append(rs, r)
			if x != nil {
				rects = append(rects, *x)
			}
		}
	}
	e := audit.New(yiwang.Actor{AccountID: "system", Name: "演示数据"}, now, "demo.history", "cases", audit.ResultOK,
		fmt.Sprintf("载入演示历史办件 %d 件、评价 %d 条", len(cs), len(rs)))
	return len(cs), st.ImportHistory(ctx, cs, evs, rs, rects, e)
}

// PastReview makes the rating of a case closed at closed, mostly good, and
// for a bad one its rectification, replied in four cases of five when it
// is over a week old (demo history and the benchmark harness).
func PastReview(rng *rand.Rand, cal *calendar.Calendar, c casework.Case, closed, now time.Time, reviewer string) (review.Review, *review.Rectification) {
	level := review.VerySatisfied
	switch x := rng.Float64(); {
	case x < 0.04:
		level = review.VeryUnsatisfied
	case x < 0.09:
		level = review.Unsatisfied
	case x < 0.20:
		level = review.Basic
	case x < 0.50:
		level = review.Satisfied
	}
	window := c.Channel != casework.ChannelWeb
	dims := review.OnlineDimensions
	if window {
		dims = review.WindowDimensions
	}
	scores := map[string]int{}
	for _, d := range dims {
		scores[d.Key] = level
	}
	at := closed.Add(time.Duration(1+rng.IntN(48)) * time.Hour)
	if !at.Before(now) {
		at = closed.Add(time.Minute)
	}
	r := review.Review{ID: yiwang.NewID(), CaseID: c.ID, CaseNo: c.No, OrgID: c.OrgID, EntryCode: c.EntryCode, ItemName: c.ItemName,
		ReviewerID: reviewer, Window: window, Channel: []string{"1", "2", "3", "4"}[rng.IntN(4)], Scores: scores, CreatedAt: at.UTC()}
	if !review.Bad(level) {
		return r, nil
	}
	r.Text = "等待时间太长，希望改进"
	x := &review.Rectification{ID: yiwang.NewID(), ReviewID: r.ID, OrgID: r.OrgID, State: review.RectOpen,
		RevisitDue: cal.AddWorkdays(calendar.DateOf(at), 1).String(), ReplyDue: cal.AddWorkdays(calendar.DateOf(at), 15).String()}
	if rng.Float64() < 0.8 && at.Before(now.AddDate(0, 0, -7)) {
		x.State, x.RevisitedAt, x.RevisitNote = review.RectReplied, at.Add(20*time.Hour).UTC(), "已电话回访评价人"
		x.RepliedAt, x.Reply = at.Add(5*24*time.Hour).UTC(), "已优化窗口排队流程，并向评价人说明"
	}
	return r, x
}
