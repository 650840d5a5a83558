package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/supervision"
)

// scan loads count open cases (waiting for pre-review, accepted,
// decided and waiting for delivery, a tenth paused for corrections) whose
// due dates lie around today as a working district's would — 80% in time,
// 10% within their last 20%, 10% overdue — and times the supervision
// scan: the first one, which raises every alert and tells everyone, then
// steady ones a minute apart, which find nothing new (as every scan but a
// few a day does), and the first scan of the next working day, when a day's
// worth of cases turn yellow and red. It prints "scan-first", "scan" and
// "scan-nextday"; n is the open cases scanned, the latencies those of
// whole scans.
func (b *benchRun) scan(ctx context.Context, count int) error {
	a, err := open(ctx, b.cfg.config, quietLog(io.Discard), false, false)
	if err != nil {
		return err
	}
	defer a.Close()
	t0 := time.Now()
	if err := genOpenCases(ctx, a, count); err != nil {
		return err
	}
	fmt.Fprintf(b.log, "bench: %d open cases loaded in %s\n", count, time.Since(t0).Round(time.Second))
	clk := &benchClock{t: a.clock.Now()}
	sv := &supervision.Service{Store: a.db, Cases: a.db, Orgs: a.orgs, Calendar: a.cases.Calendar, Clock: clk, Holder: "bench"}
	stop, err := b.profile("scan")
	if err != nil {
		return err
	}
	defer stop()
	start := time.Now()
	res, err := sv.Scan(ctx)
	first := time.Since(start)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "bench: first scan %s: %d candidates, %d alerts raised, %d messages\n",
		first.Round(time.Millisecond), res.Candidates, res.Raised, res.Messages)
	reportPer(b.out, benchResult{Workload: "scan-first", Backend: b.backend, Concurrency: 1},
		[]time.Duration{first}, first, 0, count)
	runs := 5 // whole scans, not requests: --n does not apply
	if b.quick {
		runs = 3
	}
	var lat []time.Duration
	var total time.Duration
	errs := 0
	for i := 0; i < runs; i++ {
		clk.t = clk.t.Add(time.Minute)
		t := time.Now()
		r, err := sv.Scan(ctx)
		d := time.Since(t)
		if err != nil || r.Skipped {
			errs++
			fmt.Fprintf(b.log, "bench: scan %d: %v (skipped %v)\n", i, err, r.Skipped)
		}
		lat, total = append(lat, d), total+d
		if i == 0 {
			fmt.Fprintf(b.log, "bench: steady scan %s: %d candidates, %d raised, %d cleared\n",
				d.Round(time.Millisecond), r.Candidates, r.Raised, r.Cleared)
		}
	}
	reportPer(b.out, benchResult{Workload: "scan", Backend: b.backend, Concurrency: 1}, lat, total, errs, count)
	// The next working day at the same hour: cases move into their yellow
	// window, yellow ones past their day turn red — the day's one busy scan.
	next := calendar.DateOf(clk.t)
	for next = next.AddDays(1); !a.cases.Calendar.IsWorkday(next); next = next.AddDays(1) {
	}
	clk.t = next.Start().Add(clk.t.Sub(calendar.DateOf(clk.t).Start()))
	start = time.Now()
	res, err = sv.Scan(ctx)
	day := time.Since(start)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.log, "bench: next day's scan %s: %d candidates, %d raised, %d turned red, %d cleared\n",
		day.Round(time.Millisecond), res.Candidates, res.Raised, res.Escalated, res.Cleared)
	reportPer(b.out, benchResult{Workload: "scan-nextday", Backend: b.backend, Concurrency: 1}, []time.Duration{day}, day, 0, count)
	return nil
}

// benchClock is a clock the scan workload moves a minute at a time.
type benchClock struct{ t time.Time }

func (c *benchClock) Now() time.Time { return c.t }

// genOpenCases adds n open cases spread over the published entries. Their
// due dates follow from how long ago each came in, was accepted or
// decided, drawn so that about 80% are in time, 10% in their yellow window
// and 10% overdue; one accepted case in ten also waits for another org's
// review step with a limit of its own.
func genOpenCases(ctx context.Context, a *app, n int) error {
	entries, err := a.db.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		return err
	}
	cal := a.cases.Calendar
	now := a.clock.Now()
	today := calendar.DateOf(now)
	// at(k) is k working days after today (before it when k < 0).
	fwd, back := []calendar.Date{today}, []calendar.Date{today}
	for len(fwd) < 60 {
		fwd = append(fwd, cal.AddWorkdays(fwd[len(fwd)-1], 1))
		d := back[len(back)-1].AddDays(-1)
		for !cal.IsWorkday(d) {
			d = d.AddDays(-1)
		}
		back = append(back, d)
	}
	at := func(k int) calendar.Date {
		if k < 0 {
			return back[min(-k, len(back)-1)]
		}
		return fwd[min(k, len(fwd)-1)]
	}
	rng := rand.New(rand.NewPCG(3, 4))
	// left draws the working days left of a limit of limit days: 80% in
	// time, 10% in the yellow window (the last fifth, at least one day),
	// 10% overdue by one to three days. Limits under five days count as
	// five, so that the shares hold for 即办件 too.
	left := func(limit int) int {
		limit = max(limit, 5)
		w := max(1, limit/5)
		switch x := rng.IntN(10); {
		case x == 0:
			return -1 - rng.IntN(3)
		case x == 1:
			return rng.IntN(w + 1)
		default:
			return w + 1 + rng.IntN(limit-w)
		}
	}
	batch := make([]casework.Case, 0, 20000)
	for i := 0; i < n; i++ {
		en := entries[rng.IntN(len(entries))]
		c := casework.Case{ID: yiwang.NewID(), No: fmt.Sprintf("%s%s%07dS", en.Code, today.String()[:4], i),
			EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID, ApplicantID: yiwang.NewID(),
			Applicant: "测试申请人", Mobile: "13800000000", IDCard: "34050419850312001X", Channel: casework.ChannelWeb,
			Version: 1, Due: "9999-12-31", Materials: []casework.Material{{Index: 0, Name: "申请书", FileID: strings.Repeat("a", 64)}}}
		switch x := rng.IntN(20); {
		case x < 3: // waiting for pre-review: five working days (Art. 32)
			due := at(left(5))
			c.State, c.Due = casework.StateSubmitted, due.String()
			c.SubmittedAt = now.Add(-time.Duration(rng.IntN(7*24)) * time.Hour)
			c.WaitingSince = c.SubmittedAt
		case x < 15: // accepted: the entry's committed limit
			k := left(en.PromiseDays)
			c.State, c.Deadline = casework.StateAccepted, at(k).String()
			c.Due, c.AcceptedAt = c.Deadline, now.Add(-time.Duration(rng.IntN(20*24))*time.Hour)
			c.SubmittedAt = c.AcceptedAt.Add(-24 * time.Hour)
			c.Tasks = append(c.Tasks, benchTask(c, c.OrgID, catalog.StepReview))
			if rng.IntN(10) == 0 {
				if o := entries[rng.IntN(len(entries))].OrgID; o != c.OrgID {
					t := benchTask(c, o, catalog.StepReview)
					t.Due = at(k - rng.IntN(4)).String() // its own, earlier limit
					c.Tasks = append(c.Tasks, t)
				}
			}
		case x < 18: // decided, the result to hand over within 10 working days
			c.State, c.Due, c.Decision = casework.StateDecided, at(left(casework.DeliveryDays)).String(), casework.Granted
			c.DecidedAt = now.Add(-time.Duration(rng.IntN(10*24)) * time.Hour)
			c.SubmittedAt = c.DecidedAt.Add(-72 * time.Hour)
			c.Tasks = append(c.Tasks, benchTask(c, c.OrgID, catalog.StepDeliver))
		default: // paused for corrections
			c.State, c.SubmittedAt = casework.StateCorrection, now.Add(-time.Duration(rng.IntN(30*24))*time.Hour)
		}
		batch = append(batch, c)
		if len(batch) == cap(batch) || i == n-1 {
			if err := a.db.BulkCases(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return a.db.AnalyzeCases(ctx)
}
