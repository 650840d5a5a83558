package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
)

// benchResult is one line of benchmark output.
type benchResult struct {
	Workload    string  `json:"workload"`
	Backend     string  `json:"backend"`
	N           int     `json:"n"`
	Concurrency int     `json:"concurrency"`
	Items       int     `json:"items"`
	Throughput  float64 `json:"throughput_per_s"`
	P50         float64 `json:"p50_ms"`
	P99         float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
	RSSMB       float64 `json:"rss_mb"`
}

var benchQueries = []string{"低保", "社保", "户口", "营业执照", "居住证", "食品经营许可", "最低生活保障", "养老保险 参保",
	"救助", "残疾人", "宅基地", "不存在的事项名称", "民政局", "就业"}

// cmdBench is the benchmark harness. Workload "search": a catalog of
// --items published entries (the demo items, varied), the real server on
// loopback, and --n searches (two-character and longer) through the portal
// page and the API at --concurrency. It talks only to 127.0.0.1 and stops by
// itself.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	items := fs.Int("items", 10000, "number of published catalog entries")
	cases := fs.Int("cases", 0, "cases in the database for the inbox workload (e.g. 1000000); 0 skips it")
	n := fs.Int("n", 4000, "requests per workload")
	conc := fs.Int("concurrency", 4, "concurrent clients")
	db := fs.String("db", "", "postgres://… to benchmark on PostgreSQL (a fresh, empty database); empty = SQLite in a temp dir")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measured requests to this file")
	keep := fs.String("keep", "", "keep the SQLite data in this new directory after the run (to study its query plans)")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *cpuprofile != "" && *cases == 0 { // with --cases, only the inbox requests are profiled
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	dir, err := os.MkdirTemp("", "yiwang-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if *keep != "" {
		if err := os.Mkdir(*keep, 0o700); err != nil {
			return fmt.Errorf("--keep: %w", err)
		}
		dir = *keep
	}
	cfg := serveConfig{config: config{Data: filepath.Join(dir, "data"), DB: *db}, loginBurst: 1 << 30}
	a, err := open(ctx, cfg.config, quietLog(io.Discard), true, true)
	if err != nil {
		return err
	}
	if _, err := demo.Load(ctx, a.db, a.clock); err != nil {
		a.Close()
		return err
	}
	total, err := benchCatalog(ctx, a, *items)
	if err != nil {
		a.Close()
		return err
	}
	// In process: the search itself, no HTTP.
	lat := make([]time.Duration, 0, *n)
	start := time.Now()
	for i := 0; i < *n; i++ {
		t0 := time.Now()
		if _, err := a.catalog.Search(ctx, catalog.Query{Q: benchQueries[i%len(benchQueries)]}); err != nil {
			a.Close()
			return err
		}
		lat = append(lat, time.Since(t0))
	}
	report(stdout, benchResult{Workload: "search-inprocess", Backend: a.db.Engine, N: *n, Concurrency: 1, Items: total}, lat, time.Since(start), 0)
	a.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- serve(sctx, cfg, ln, io.Discard) }()
	defer func() { stop(); <-done }()
	base := "http://" + ln.Addr().String()
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	backend := "sqlite"
	if *db != "" {
		backend = "postgres"
	}
	for _, w := range []struct{ name, path string }{{"search-page", "/items?q="}, {"search-api", "/api/v1/items?q="}} {
		lat, elapsed, errs := drive(base, w.path, *n, *conc, nil)
		report(stdout, benchResult{Workload: w.name, Backend: backend, N: *n, Concurrency: *conc, Items: total}, lat, elapsed, errs)
	}
	if *cases > 0 {
		return benchInbox(ctx, cfg, base, backend, *cases, *n, *conc, *cpuprofile, stdout)
	}
	return nil
}

// benchInbox fills the database with cases spread over the district's
// departments and townships (most of them closed, as in a real year), then
// has the 市场监管局 officer open the inbox again and again.
func benchInbox(ctx context.Context, cfg serveConfig, base, backend string, n, reqs, conc int, profile string, stdout io.Writer) error {
	a, err := open(ctx, cfg.config, quietLog(io.Discard), false, false)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := genCases(ctx, a, n); err != nil {
		return err
	}
	// Log the officer in (password, then the current TOTP code).
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, v url.Values) error {
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", base)
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("bench login %s: %s", path, resp.Status)
		}
		return nil
	}
	off, err := a.db.AccountByUsername(ctx, "officer")
	if err != nil {
		return err
	}
	if err := post("/staff/login", url.Values{"username": {"officer"}, "password": {demo.StaffPassword}}); err != nil {
		return err
	}
	if err := post("/staff/totp", url.Values{"code": {identity.CurrentTOTP(off.TOTPSecret, time.Now())}}); err != nil {
		return err
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	lat, elapsed, errs := drive(base, "/work", reqs, conc, jar)
	report(stdout, benchResult{Workload: "inbox", Backend: backend, N: reqs, Concurrency: conc, Items: n}, lat, elapsed, errs)
	return nil
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

func drive(base, path string, n, conc int, jar http.CookieJar) ([]time.Duration, time.Duration, int) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conc}, Jar: jar}
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	next := make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			next <- i
		}
		close(next)
	}()
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < conc; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				u := base + path
				if strings.HasSuffix(path, "=") {
					u += url.QueryEscape(benchQueries[i%len(benchQueries)])
				}
				resp, err := client.Get(u)
				ok := err == nil && resp.StatusCode == 200
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if !ok {
					errs++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return lat, time.Since(start), errs
}

// rssMB reads this process's resident set size (the harness and the server
// run in one process); 0 where /proc is missing.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(l, "VmRSS:"), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

func report(w io.Writer, r benchResult, lat []time.Duration, elapsed time.Duration, errs int) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	r.P50, r.P99, r.Errors = pct(0.50), pct(0.99), errs
	r.Throughput = float64(len(lat)) / elapsed.Seconds()
	r.RSSMB = rssMB()
	b, _ := json.Marshal(r)
	fmt.Fprintln(w, string(b))
}

func benchTask(c casework.Case, org, kind string) casework.Task {
	return casework.Task{ID: yiwang.NewID(), CaseID: c.ID, Name: "审查", Kind: kind, OrgID: org, Role: yiwang.RoleCaseOfficer,
		State: casework.TaskOpen, OpenedAt: c.SubmittedAt, Due: c.Due}
}

// genCases adds n cases spread over the published entries, submitted over
// the past year: two thirds closed, a third open or waiting for delivery.
func genCases(ctx context.Context, a *app, n int) error {
	entries, err := a.db.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		return err
	}
	now := a.clock.Now()
	rng := rand.New(rand.NewPCG(1, 2))
	states := []string{casework.StateDelivered, casework.StateDelivered, casework.StateDelivered, casework.StateDelivered,
		casework.StateDelivered, casework.StateDelivered, casework.StateDelivered, casework.StateDecided, casework.StateRefused,
		casework.StateAccepted, casework.StateSubmitted, casework.StateCorrection}
	batch := make([]casework.Case, 0, 20000)
	for i := 0; i < n; i++ {
		en := entries[rng.IntN(len(entries))]
		st := states[rng.IntN(len(states))]
		at := now.Add(-time.Duration(rng.IntN(365*24)) * time.Hour)
		c := casework.Case{ID: yiwang.NewID(), No: fmt.Sprintf("%s%s%07d", en.Code, at.Format("20060102"), i), // synthetic: unique, not the 4-digit serial
			EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID, ApplicantID: yiwang.NewID(),
			Applicant: "测试申请人", Mobile: "13800000000", IDCard: "34050419850312001X", Channel: casework.ChannelWeb,
			State: st, SubmittedAt: at, Version: 1, Due: "9999-12-31",
			Materials: []casework.Material{{Index: 0, Name: "申请书", FileID: strings.Repeat("a", 64)}}}
		switch st {
		case casework.StateSubmitted:
			c.Due = at.AddDate(0, 0, 7).Format("2006-01-02")
		case casework.StateAccepted:
			c.Deadline = at.AddDate(0, 0, 20).Format("2006-01-02")
			c.Due, c.AcceptedAt = c.Deadline, at
			// Under review at its own org; one in ten also by another
			// department in parallel (会办), as the inbox has to find them.
			c.Tasks = append(c.Tasks, benchTask(c, c.OrgID, catalog.StepReview))
			if rng.IntN(10) == 0 {
				if o := entries[rng.IntN(len(entries))].OrgID; o != c.OrgID {
					c.Tasks = append(c.Tasks, benchTask(c, o, catalog.StepReview))
				}
			}
		case casework.StateDecided:
			c.DecidedAt, c.Due = at, at.AddDate(0, 0, 14).Format("2006-01-02")
			c.Tasks = append(c.Tasks, benchTask(c, c.OrgID, catalog.StepDeliver))
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
