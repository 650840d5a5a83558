package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/kpi"
	"github.com/yushan-gov/yiwang/review"
)

// dashboard fills the database with cases decided cases spread over the
// past two years (with their reviews), then has the supervisor open the
// supervision dashboard of last month (/work/dashboard?month=…: the
// month's table of every org and the twelve-month trend) again and again,
// and anonymous callers the public open data of the same month
// (/api/v1/stats?month=…), then of the running month (/api/v1/stats). It
// prints "dashboard", "stats-api" and "stats-api-now".
func (b *benchRun) dashboard(ctx context.Context, cases int) error {
	a, err := open(ctx, b.cfg.config, quietLog(io.Discard), false, false)
	if err != nil {
		return err
	}
	defer a.Close()
	t0 := time.Now()
	reviews, err := genDecidedCases(ctx, a, cases)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "bench: %d decided cases and %d reviews loaded in %s\n", cases, reviews, time.Since(t0).Round(time.Second))
	month := a.clock.Now().In(yiwang.Shanghai).AddDate(0, -1, 0).Format("2006-01")
	if _, err := kpi.ParseMonth(month, a.clock.Now()); err != nil {
		return err
	}
	q := "?month=" + month
	conc := b.clients(4)

	// The dashboard, as the demo's supervisor (all orgs).
	hc, lc, err := b.staffClient(ctx, a, "supervisor", conc)
	if err != nil {
		return err
	}
	if err := lc.get("/work/dashboard" + q); err != nil { // the page works, unmeasured
		return err
	}
	b.logStats(hc, b.base+"/api/v1/stats"+q)
	stop, err := b.profile("dashboard")
	if err != nil {
		return err
	}
	lat, elapsed, errs := b.measure(b.size(200, 20), conc, b.deadline, func(int) error {
		return lc.get("/work/dashboard" + q)
	})
	stop()
	report(b.out, benchResult{Workload: "dashboard", Backend: b.backend, Concurrency: conc}, lat, elapsed, errs)

	// The open data, no session.
	pub, err := newLoopClient(b.base, conc, nil)
	if err != nil {
		return err
	}
	lat, elapsed, errs = b.measure(b.size(1000, 100), conc, b.deadline, func(int) error {
		return pub.get("/api/v1/stats" + q)
	})
	report(b.out, benchResult{Workload: "stats-api", Backend: b.backend, Concurrency: conc}, lat, elapsed, errs)

	// The same for the running month, whose cases are still being decided.
	lat, elapsed, errs = b.measure(b.size(1000, 100), conc, b.deadline, func(int) error {
		return pub.get("/api/v1/stats")
	})
	report(b.out, benchResult{Workload: "stats-api-now", Backend: b.backend, Concurrency: conc}, lat, elapsed, errs)
	return nil
}

// logStats logs the month's district-wide figures from the open data, to
// show what the measured requests count.
func (b *benchRun) logStats(hc *http.Client, u string) {
	resp, err := hc.Get(u)
	if err != nil {
		fmt.Fprintf(b.log, "bench: %s: %v\n", u, err)
		return
	}
	defer resp.Body.Close()
	var out struct {
		Month   string
		Figures []struct {
			Key         string
			Numerator   int
			Denominator int
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		fmt.Fprintf(b.log, "bench: %s: %s, %v\n", u, resp.Status, err)
		return
	}
	s := ""
	for _, f := range out.Figures {
		switch f.Key {
		case "on_time", "web", "good", "bad", "rectify":
			s += fmt.Sprintf(" %s %d/%d", f.Key, f.Numerator, f.Denominator)
		}
	}
	fmt.Fprintf(b.log, "bench: %s:%s\n", out.Month, s)
}

// genDecidedCases adds n delivered cases decided over the past 730 days,
// spread over the published entries: a third applied for online, the rest
// at a window; about one in twelve decided after its committed deadline;
// one in twenty-five refused; one in five hundred a simulated one (不计入).
// One case in five is reviewed within two days of its decision, mostly
// well; the bad reviews open a rectification, most of them replied. It
// returns the number of reviews.
func genDecidedCases(ctx context.Context, a *app, n int) (int, error) {
	entries, err := a.db.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		return 0, err
	}
	cal := a.cases.Calendar
	now := a.clock.Now()
	rng := rand.New(rand.NewPCG(5, 6))
	batch := make([]casework.Case, 0, 20000)
	var rs []review.Review
	var rects []review.Rectification
	reviews := 0
	for i := 0; i < n; i++ {
		en := entries[rng.IntN(len(entries))]
		decided := now.Add(-time.Duration(rng.Int64N(int64(730 * 24 * time.Hour))))
		// Days from the decision to the deadline: -1 is one day late.
		dl := decided.AddDate(0, 0, rng.IntN(12)-1).In(yiwang.Shanghai).Format(time.DateOnly)
		ch := casework.ChannelWindow
		if rng.IntN(3) == 0 {
			ch = casework.ChannelWeb
		}
		decision := casework.Granted
		if rng.IntN(25) == 0 {
			decision = casework.Denied
		}
		c := casework.Case{ID: yiwang.NewID(), No: fmt.Sprintf("%s%09dK", en.Code[:min(20, len(en.Code))], i),
			EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID, ApplicantID: "bench",
			Applicant: "测试申请人", Channel: ch, State: casework.StateDelivered, Decision: decision,
			SubmittedAt: decided.Add(-72 * time.Hour), AcceptedAt: decided.Add(-48 * time.Hour), Deadline: dl,
			DecidedAt: decided, Due: "9999-12-31", Version: 4, Simulated: i%500 == 0, Materials: []casework.Material{}}
		if ch != casework.ChannelWeb {
			c.FiledAt = en.OrgID
		}
		batch = append(batch, c)
		if rng.IntN(5) == 0 {
			r, x := demo.PastReview(rng, cal, c, decided, now, "bench")
			rs = append(rs, r)
			if x != nil {
				rects = append(rects, *x)
			}
		}
		if len(batch) == cap(batch) || i == n-1 {
			if err := a.db.BulkCases(ctx, batch); err != nil {
				return 0, err
			}
			e := audit.New(yiwang.Actor{AccountID: "system", Name: "压测数据"}, now, "bench.reviews", "reviews", audit.ResultOK,
				fmt.Sprintf("载入压测评价 %d 条", len(rs)))
			if err := a.db.ImportHistory(ctx, nil, nil, rs, rects, e); err != nil {
				return 0, err
			}
			reviews += len(rs)
			batch, rs, rects = batch[:0], rs[:0], rects[:0]
		}
	}
	return reviews, a.db.AnalyzeCases(ctx)
}
