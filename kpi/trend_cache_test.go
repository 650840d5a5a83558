package kpi_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/kpi"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// countingStore counts the month counts asked of the store.
type countingStore struct {
	kpi.Store
	cases atomic.Int64
}

func (c *countingStore) KPICases(ctx context.Context, from, to time.Time) (map[string]kpi.Counts, error) {
	c.cases.Add(1)
	return c.Store.KPICases(ctx, from, to)
}

// The trend counts each ended month before the one asked about once for
// concurrent supervisors and keeps it; the month asked about is counted
// every time; the figures are those counted afresh.
func TestTrendKeepsEndedMonths(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			e.dataset(t)
			// Counted afresh: by a service that has kept nothing yet.
			afresh := func(actor yiwang.Actor, p kpi.Period, n int) []kpi.Point {
				t.Helper()
				pts, err := (&kpi.Service{Store: e.db, Orgs: e.orgs, Clock: e.clk}).Trend(e.ctx, actor, kpi.Query{Period: p}, n)
				if err != nil {
					t.Fatal(err)
				}
				return pts
			}
			fresh := afresh(e.superv, october(t, e), 3)
			st := &countingStore{Store: e.db}
			svc := &kpi.Service{Store: st, Orgs: e.orgs, Clock: e.clk}
			var wg sync.WaitGroup
			got := make([][]kpi.Point, 4)
			for i := range got {
				wg.Go(func() {
					got[i], _ = svc.Trend(e.ctx, e.superv, kpi.Query{Period: october(t, e)}, 3)
				})
			}
			wg.Wait()
			for _, pts := range got {
				if !reflect.DeepEqual(pts, fresh) {
					t.Fatalf("trend %+v, counted afresh %+v", pts, fresh)
				}
			}
			// August and September once, October by each of the four.
			if n := st.cases.Load(); n != 2+4 {
				t.Errorf("months counted: %d, want 6", n)
			}
			// A case decided in October, the month asked about, shows at
			// once; one decided in September, kept, within the minute; the
			// kept months are not counted again.
			e.seed(t, []hc{
				{en: e.amr, channel: casework.ChannelWeb, deadline: "2026-10-30", decided: bj(2026, 10, 21, 9, 0)},
				{en: e.amr, channel: casework.ChannelWeb, deadline: "2026-10-30", decided: bj(2026, 9, 21, 9, 0)},
			})
			pts, _ := svc.Trend(e.ctx, e.superv, kpi.Query{Period: october(t, e)}, 3)
			if len(pts) != 3 || pts[2].Decided != fresh[2].Decided+1 || pts[1].Decided != fresh[1].Decided {
				t.Errorf("after two more cases: %+v", pts)
			}
			if n := st.cases.Load(); n != 7 {
				t.Errorf("months counted after another trend: %d, want 7", n)
			}
			if later := afresh(e.superv, october(t, e), 3); later[1].Decided != fresh[1].Decided+1 {
				t.Errorf("September counted afresh: %+v", later)
			}
			fresh = afresh(e.superv, october(t, e), 3)
			// The running month is never kept.
			nov, _ := kpi.ParseMonth("2026-11", e.clk.Now())
			for range 2 {
				if _, err := svc.Trend(e.ctx, e.superv, kpi.Query{Period: nov}, 2); err != nil {
					t.Fatal(err)
				}
			}
			if n := st.cases.Load(); n != 7+2 {
				t.Errorf("months counted after two November trends: %d, want 9 (October kept, November each time)", n)
			}
			// A period ending mid-month keeps that part of the month apart
			// from the whole month.
			part, err := kpi.ParsePeriod("", "2026-08-01", "2026-10-15", e.clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Trend(e.ctx, e.superv, kpi.Query{Period: part}, 3); err != nil {
				t.Fatal(err)
			}
			whole, _ := svc.Trend(e.ctx, e.superv, kpi.Query{Period: nov}, 2)
			wholeFresh := afresh(e.superv, nov, 2)
			if !reflect.DeepEqual(whole, wholeFresh) || whole[0].Decided != 5 {
				t.Errorf("October after a period ending on the 15th: %+v, counted afresh %+v", whole, wholeFresh)
			}
			// The dashboard counts its month once for the table and the trend.
			st2 := &countingStore{Store: e.db}
			svc2 := &kpi.Service{Store: st2, Orgs: e.orgs, Clock: e.clk}
			tb, pts, err := svc2.Dashboard(e.ctx, e.superv, kpi.Query{Period: october(t, e)}, 3)
			if err != nil {
				t.Fatal(err)
			}
			tf, _ := e.svc.Table(e.ctx, e.superv, kpi.Query{Period: october(t, e)})
			if !reflect.DeepEqual(tb, tf) || !reflect.DeepEqual(pts, fresh) {
				t.Errorf("dashboard %+v %+v, counted apart %+v %+v", tb.Total, pts, tf.Total, fresh)
			}
			if n := st2.cases.Load(); n != 3 {
				t.Errorf("months counted by the dashboard: %d, want 3 (August, September, October once)", n)
			}
			// A supervisor of one org sees only its orgs, from the same kept months.
			h, err := svc.Trend(e.ctx, e.head, kpi.Query{Period: october(t, e)}, 3)
			if err != nil {
				t.Fatal(err)
			}
			hf := afresh(e.head, october(t, e), 3)
			// October counted afresh; September still as kept, without the
			// case added since.
			if !reflect.DeepEqual(h[2], hf[2]) || h[2].Decided != 4 || h[1].Decided != 1 || hf[1].Decided != 2 {
				t.Errorf("head's trend %+v, counted afresh %+v", h, hf)
			}
		})
	}
}

// The public statistics of any period are counted once a minute however
// often anyone asks: an ended month, the running month, a custom period.
func TestPublicKeepsPeriods(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.dataset(t)
	st := &countingStore{Store: e.db}
	svc := &kpi.Service{Store: st, Orgs: e.orgs, Clock: e.clk}
	want, err := (&kpi.Service{Store: e.db, Orgs: e.orgs, Clock: e.clk}).Public(e.ctx, october(t, e))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		got, err := svc.Public(e.ctx, october(t, e))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("public October %+v, %v; counted afresh %+v", got.Total, err, want.Total)
		}
	}
	nov, _ := kpi.ParseMonth("2026-11", e.clk.Now())
	for range 2 {
		if _, err := svc.Public(e.ctx, nov); err != nil {
			t.Fatal(err)
		}
	}
	custom, err := kpi.ParsePeriod("", "2026-09-15", "2026-10-14", e.clk.Now())
	if err != nil || custom.Month != "" {
		t.Fatalf("custom period %+v, %v", custom, err)
	}
	for range 2 {
		if _, err := svc.Public(e.ctx, custom); err != nil {
			t.Fatal(err)
		}
	}
	if n := st.cases.Load(); n != 3 {
		t.Errorf("periods counted: %d, want 3 (October, November, the custom period, once each)", n)
	}
}

// The running month's public counts, kept while it ran, are counted again
// once it has ended, however recently: the kept ones miss its last days.
func TestPublicRecountsEndedRunningMonth(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.dataset(t)
	st := &countingStore{Store: e.db}
	svc := &kpi.Service{Store: st, Orgs: e.orgs, Clock: e.clk}
	nov, _ := kpi.ParseMonth("2026-11", e.clk.Now())
	if _, err := svc.Public(e.ctx, nov); err != nil {
		t.Fatal(err)
	}
	e.clk.Set(bj(2026, 12, 1, 0, 0))
	for range 2 {
		if _, err := svc.Public(e.ctx, nov); err != nil {
			t.Fatal(err)
		}
	}
	if n := st.cases.Load(); n != 2 {
		t.Errorf("November counted %d times, want 2 (while running, and once after its end)", n)
	}
}

// slowStore counts for a while and notes how many counts ran at once.
type slowStore struct {
	kpi.Store
	now, most atomic.Int64
}

func (c *slowStore) KPICases(ctx context.Context, from, to time.Time) (map[string]kpi.Counts, error) {
	n := c.now.Add(1)
	defer c.now.Add(-1)
	for {
		m := c.most.Load()
		if n <= m || c.most.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(20 * time.Millisecond)
	return c.Store.KPICases(ctx, from, to)
}

// Anonymous callers asking for many periods at once get them counted one
// at a time, each once, and every caller its own period's figures.
func TestPublicCountsOneAtATime(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.dataset(t)
	st := &slowStore{Store: e.db}
	svc := &kpi.Service{Store: st, Orgs: e.orgs, Clock: e.clk}
	months := []string{"2026-07", "2026-08", "2026-09", "2026-10", "2026-11"}
	want := map[string]kpi.Table{}
	for _, m := range months {
		p, err := kpi.ParseMonth(m, e.clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if want[m], err = (&kpi.Service{Store: e.db, Orgs: e.orgs, Clock: e.clk}).Public(e.ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(months))
	for i := range 4 * len(months) {
		m := months[i%len(months)]
		wg.Go(func() {
			p, _ := kpi.ParseMonth(m, e.clk.Now())
			got, err := svc.Public(e.ctx, p)
			if err == nil && !reflect.DeepEqual(got, want[m]) {
				err = fmt.Errorf("%s: %+v, counted alone %+v", m, got.Total, want[m].Total)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := st.most.Load(); n != 1 {
		t.Errorf("%d public counts ran at once, want 1", n)
	}
}
