package kpi_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/kpi"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestDashboardScale times the dashboard over YIWANG_KPI_SCALE decided
// cases (e.g. 1000000) spread over two years: the month's table, the
// twelve-month trend, a drill-down, and a 24-month table. Skipped unless
// the variable is set; it logs the times for docs/benchmarks.md.
func TestDashboardScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("YIWANG_KPI_SCALE"))
	if n <= 0 {
		t.Skip("set YIWANG_KPI_SCALE=1000000 to time the dashboard over that many cases")
	}
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			entries, err := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			start := time.Now()
			batch := make([]casework.Case, 0, 20000)
			end := e.clk.Now()
			for i := 0; i < n; i++ {
				en := entries[rng.IntN(len(entries))]
				decided := end.Add(-time.Duration(rng.Int64N(int64(730 * 24 * time.Hour))))
				dl := decided.AddDate(0, 0, rng.IntN(10)-1).In(yiwang.Shanghai).Format(time.DateOnly)
				ch := casework.ChannelWindow
				if rng.IntN(3) == 0 {
					ch = casework.ChannelWeb
				}
				batch = append(batch, casework.Case{ID: yiwang.NewID(), No: fmt.Sprintf("%s%09dK", en.Code[:20], i),
					EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID, ApplicantID: "bench",
					Applicant: "测试", Channel: ch, State: casework.StateDelivered, Decision: casework.Granted,
					SubmittedAt: decided.Add(-72 * time.Hour), AcceptedAt: decided.Add(-48 * time.Hour), Deadline: dl,
					DecidedAt: decided, Version: 4, Simulated: i%500 == 0, Materials: []casework.Material{}})
				if len(batch) == cap(batch) || i == n-1 {
					if err := e.db.BulkCases(e.ctx, batch); err != nil {
						t.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			if err := e.db.AnalyzeCases(e.ctx); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d cases loaded in %v", engine, n, time.Since(start).Round(time.Second))
			month, _ := kpi.ParseMonth(end.In(yiwang.Shanghai).AddDate(0, -1, 0).Format("2006-01"), end)
			long, _ := kpi.ParsePeriod("", end.In(yiwang.Shanghai).AddDate(-2, 0, 1).Format(time.DateOnly),
				end.In(yiwang.Shanghai).Format(time.DateOnly), end)
			timed := func(what string, f func() error) {
				best := time.Duration(1 << 62)
				for range 3 {
					t0 := time.Now()
					if err := f(); err != nil {
						t.Fatal(err)
					}
					best = min(best, time.Since(t0))
				}
				t.Logf("%s: %s best of 3: %v", engine, what, best.Round(time.Millisecond))
			}
			var tb kpi.Table
			timed("month table", func() error {
				var err error
				tb, err = e.svc.Table(e.ctx, e.superv, kpi.Query{Period: month})
				return err
			})
			t.Logf("%s: the month has %d decided cases", engine, tb.Total.Decided)
			timed("12-month trend", func() error { _, err := e.svc.Trend(e.ctx, e.superv, kpi.Query{Period: month}, 12); return err })
			timed("24-month table", func() error { _, err := e.svc.Table(e.ctx, e.superv, kpi.Query{Period: long}); return err })
			timed("drill-down (500 cases)", func() error {
				_, _, err := e.svc.List(e.ctx, e.superv, "on_time", kpi.Query{Period: month})
				return err
			})
		})
	}
}
