package main

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/catalog"
)

// benchQueries are the search terms, cycled: two-character ones (低保, 社保,
// 户口, 救助, 就业), longer ones, two terms, a broad one (民政局: thousands of
// matches) and one without a match.
var benchQueries = []string{"低保", "社保", "户口", "营业执照", "居住证", "食品经营许可", "最低生活保障", "养老保险 参保",
	"救助", "残疾人", "宅基地", "不存在的事项名称", "民政局", "就业"}

// searchInProcess measures the catalog search itself, without HTTP.
func (b *benchRun) searchInProcess(ctx context.Context, a *app) error {
	n := b.size(4000, 1000)
	stop, err := b.profile("search-inprocess")
	if err != nil {
		return err
	}
	lat := make([]time.Duration, 0, n)
	start := time.Now()
	for i := 0; i < n && time.Since(start) < b.deadline; i++ {
		t0 := time.Now()
		if _, err := a.catalog.Search(ctx, catalog.Query{Q: benchQueries[i%len(benchQueries)]}); err != nil {
			stop()
			return err
		}
		lat = append(lat, time.Since(t0))
	}
	elapsed := time.Since(start)
	stop()
	report(b.out, benchResult{Workload: "search-inprocess", Backend: b.backend, Concurrency: 1}, lat, elapsed, 0)
	return nil
}

// searchHTTP measures the search through the portal page and the API.
func (b *benchRun) searchHTTP() {
	n, conc := b.size(4000, 1000), b.clients(4)
	for _, w := range []struct{ name, path string }{{"search-page", "/items?q="}, {"search-api", "/api/v1/items?q="}} {
		lc, err := newLoopClient(b.base, conc, nil)
		if err != nil {
			fmt.Fprintln(b.log, "bench:", err)
			return
		}
		stop, err := b.profile(w.name)
		if err != nil {
			fmt.Fprintln(b.log, "bench:", err)
			stop = func() {}
		}
		lat, elapsed, errs := b.measure(n, conc, b.deadline, func(i int) error {
			return lc.get(w.path + url.QueryEscape(benchQueries[i%len(benchQueries)]))
		})
		stop()
		report(b.out, benchResult{Workload: w.name, Backend: b.backend, Concurrency: conc}, lat, elapsed, errs)
	}
}

// benchCatalog publishes items entries: the demo items repeated with new base
// codes and numbered names, spread over the district's orgs.
func benchCatalog(ctx context.Context, a *app, items int) (int, error) {
	have, err := a.db.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		return 0, err
	}
	var bases []catalog.Base
	var entries []catalog.Entry
	now := a.clock.Now()
	for i := 0; len(have)+len(entries) < items; i++ {
		src := have[i%len(have)]
		b := src.Base
		b.ID = yiwang.NewID()
		b.Code = fmt.Sprintf("34%s%08d", b.Type, 10000000+i)
		b.Name = fmt.Sprintf("%s（专项%d）", b.Name, i/len(have)+1)
		e := src
		e.ID, e.Base = yiwang.NewID(), b
		e.Code = src.Code[:19] + b.Code
		bases = append(bases, b)
		entries = append(entries, e)
	}
	if len(entries) > 0 {
		if err := a.db.Import(ctx, bases, entries, audit.New(yiwang.System("bench"), now, "catalog.import", "bench", audit.ResultOK, "")); err != nil {
			return 0, err
		}
	}
	return len(have) + len(entries), nil
}
