package kpi_test

import (
	"context"
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

// The public statistics of an ended month are counted once a minute however
// often anyone asks; the running month's every time.
func TestPublicKeepsEndedMonths(t *testing.T) {
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
	// Any other period is counted live each time, with the request.
	custom, err := kpi.ParsePeriod("", "2026-09-15", "2026-10-14", e.clk.Now())
	if err != nil || custom.Month != "" {
		t.Fatalf("custom period %+v, %v", custom, err)
	}
	for range 2 {
		if _, err := svc.Public(e.ctx, custom); err != nil {
			t.Fatal(err)
		}
	}
	if n := st.cases.Load(); n != 1+2+2 {
		t.Errorf("periods counted: %d, want 5 (October once, November twice, the custom period twice)", n)
	}
}
