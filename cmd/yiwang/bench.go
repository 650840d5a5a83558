package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yushan-gov/yiwang/demo"
)

// benchResult is one line of benchmark output. Its keys and their order are
// fixed (issue 8): every workload prints exactly these.
type benchResult struct {
	Workload    string  `json:"workload"`
	Backend     string  `json:"backend"`
	N           int     `json:"n"`
	Concurrency int     `json:"concurrency"`
	Throughput  float64 `json:"throughput_per_s"`
	P50         float64 `json:"p50_ms"`
	P99         float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
	RSSMB       float64 `json:"rss_mb"`
}

// benchWorkloads are the workloads in the order they run; --workloads picks
// some. "search" prints search-inprocess, search-page and search-api; "raw"
// is the storage reference (sqlite-raw-single-tx, sqlite-raw-batch, and on
// PostgreSQL postgres-raw-single-tx, postgres-raw-batch). "scan" is the
// supervision scan over --open open cases (scan-first and scan).
// "dashboard" is the supervision dashboard over --cases decided cases
// (dashboard and stats-api). "mixed" is submissions and tracker lookups at
// once (mixed-submit and mixed-track). "process" is an officer reading,
// accepting, reviewing and deciding the filed applications.
var benchWorkloads = []string{"idle", "raw", "submit", "track", "mixed", "process", "search", "inbox", "dashboard", "scan"}

// benchRun is one run of the harness: its settings and the server under test.
type benchRun struct {
	backend    string
	cfg        serveConfig
	base       string // the server's URL on loopback
	n, conc    int    // --n and --concurrency (0: each workload's own)
	quick      bool
	cpuprofile string
	memprofile string
	blockprof  string
	tracefile  string
	profiled   int // workloads chosen, to name the profile files
	deadline   time.Duration
	out        io.Writer
	log        io.Writer
	tracked    []trackKey // cases submitted, for the tracker
	filed      []string   // their IDs, in the same order, for the officer
}

// cmdBench is the benchmark harness (DESIGN.md §9): a fresh data dir (or an
// empty PostgreSQL database given with --db), the demo data, a catalog of
// --items published entries, the real server on 127.0.0.1, and bounded
// workloads at a given concurrency, one JSON line each. It talks only to
// loopback and stops by itself: every workload has a bounded number of
// requests, each request a timeout, and each workload a time limit.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	items := fs.Int("items", 10000, "number of published catalog entries")
	cases := fs.Int("cases", 0, "cases in the database for the inbox workload, and decided cases for the dashboard workload (e.g. 1000000; each loads its own); 0 skips both (--quick: 10000)")
	openCases := fs.Int("open", 1000000, "open cases in the database for the supervision scan workload (--quick: 10000)")
	n := fs.Int("n", 0, "requests per workload (0: submit 20000, track 20000, mixed 10000 applications with lookups until they are done, process 8000 (case pages, acceptances, review opinions and decisions, a quarter each), search and inbox 4000, raw 5000, dashboard 200, stats-api and stats-api-now 1000 each; --quick: fewer)")
	conc := fs.Int("concurrency", 0, "concurrent clients (0: submit 64, track 16, mixed 64 applying and 16 looking up, search, inbox and dashboard 4)")
	db := fs.String("db", "", "postgres://… to benchmark on PostgreSQL (a fresh, empty database); empty = SQLite in a temp dir")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the measured requests to this file (FILE.workload when several workloads run)")
	memprofile := fs.String("memprofile", "", "write what the measured requests allocated to this file, and the allocations before them to FILE.base: go tool pprof -sample_index=alloc_space -base FILE.base FILE")
	blockprofile := fs.String("blockprofile", "", "write a profile of where goroutines waited (mutexes, channels, the database pools) during the measured requests")
	tracefile := fs.String("trace", "", "write an execution trace of the measured requests to this file (FILE.workload when several workloads run); read it with go tool trace")
	keep := fs.String("keep", "", "keep the SQLite data in this new directory after the run (to study its query plans)")
	quick := fs.Bool("quick", false, "a small run that finishes in under a minute (1,000 entries, 10,000 cases, small N)")
	workloads := fs.String("workloads", strings.Join(benchWorkloads, ","), "workloads to run, comma-separated: "+strings.Join(benchWorkloads, ","))
	limit := fs.Duration("timeout", 5*time.Minute, "time limit of one workload: after it no new request starts")
	if ok, err := parse(fs, args); !ok {
		return err
	}
	chosen := map[string]bool{}
	for _, w := range strings.Split(*workloads, ",") {
		w = strings.TrimSpace(w)
		if !slices.Contains(benchWorkloads, w) {
			return exitError{2, fmt.Sprintf("bench: unknown workload %q (have %s)", w, strings.Join(benchWorkloads, ","))}
		}
		chosen[w] = true
	}
	if *quick {
		if !flagSet(fs, "items") {
			*items = 1000
		}
		if !flagSet(fs, "cases") {
			*cases = 10000
		}
		if !flagSet(fs, "open") {
			*openCases = 10000
		}
	}
	if *cases == 0 {
		delete(chosen, "inbox")
		delete(chosen, "dashboard")
	}
	backend := "sqlite"
	if *db != "" {
		backend = "postgres"
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
	b := &benchRun{backend: backend, n: *n, conc: *conc, quick: *quick, cpuprofile: *cpuprofile, memprofile: *memprofile, blockprof: *blockprofile, tracefile: *tracefile, profiled: len(chosen),
		deadline: *limit, out: stdout, log: stderr,
		cfg: serveConfig{config: config{Data: filepath.Join(dir, "data"), DB: *db}, loginBurst: 1 << 30, noScan: true}}

	// The data: the demo district and the catalog, loaded before the server starts.
	a, err := open(ctx, b.cfg.config, quietLog(io.Discard), true, true)
	if err != nil {
		return err
	}
	// As `serve` loads them into an empty dev database: the district, its
	// people and staff, and the demo cases and licenses.
	if _, err := demo.Load(ctx, a.db, a.clock); err != nil {
		a.Close()
		return err
	}
	if _, err := demo.LoadCases(ctx, a.db, a.cases, a.files); err != nil {
		a.Close()
		return err
	}
	total, err := benchCatalog(ctx, a, *items)
	if err == nil {
		fmt.Fprintf(stderr, "bench: %s, %d published entries\n", backend, total)
		if chosen["search"] {
			err = b.searchInProcess(ctx, a)
		}
	}
	a.Close()
	if err != nil {
		return err
	}
	if chosen["idle"] {
		if err := b.idle(ctx); err != nil {
			return err
		}
	}
	if chosen["raw"] {
		if err := b.raw(ctx, dir); err != nil {
			return err
		}
	}
	if !chosen["submit"] && !chosen["track"] && !chosen["mixed"] && !chosen["process"] && !chosen["search"] && !chosen["inbox"] && !chosen["dashboard"] {
		if chosen["scan"] {
			return b.scan(ctx, *openCases)
		}
		return nil
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- serve(sctx, b.cfg, ln, io.Discard) }()
	defer func() { stop(); <-done }()
	b.base = "http://" + ln.Addr().String()
	if err := waitHealthy(b.base, 30*time.Second); err != nil {
		return err
	}
	if chosen["submit"] || chosen["track"] || chosen["mixed"] {
		if err := b.submit(ctx, chosen["submit"]); err != nil {
			return err
		}
	}
	if chosen["track"] {
		if err := b.track(); err != nil {
			return err
		}
	}
	if chosen["mixed"] {
		if err := b.mixed(ctx); err != nil {
			return err
		}
	}
	if chosen["process"] {
		if err := b.process(ctx); err != nil {
			return err
		}
	}
	if chosen["search"] {
		b.searchHTTP()
	}
	if chosen["inbox"] {
		if err := b.inbox(ctx, *cases); err != nil {
			return err
		}
	}
	if chosen["dashboard"] {
		if err := b.dashboard(ctx, *cases); err != nil {
			return err
		}
	}
	if chosen["scan"] {
		return b.scan(ctx, *openCases)
	}
	return nil
}

// flagSet reports whether the flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// size returns the number of requests of a workload: --n, or its default.
func (b *benchRun) size(full, quick int) int {
	switch {
	case b.n > 0:
		return b.n
	case b.quick:
		return quick
	}
	return full
}

// clients returns the concurrency of a workload: --concurrency, or its default.
func (b *benchRun) clients(def int) int {
	if b.conc > 0 {
		return b.conc
	}
	return def
}

// profile starts the CPU (and block) profile of one workload when
// --cpuprofile (--blockprofile) is set and returns the function that stops it.
func (b *benchRun) profile(workload string) (func(), error) {
	name := func(f string) string {
		if b.profiled > 1 {
			return f + "." + workload
		}
		return f
	}
	stops := []func(){}
	stop := func() {
		for _, s := range stops {
			s()
		}
	}
	if b.cpuprofile != "" {
		f, err := os.Create(name(b.cpuprofile))
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if b.tracefile != "" {
		f, err := os.Create(name(b.tracefile))
		if err != nil {
			stop()
			return nil, err
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			stop()
			return nil, err
		}
		stops = append(stops, func() { trace.Stop(); f.Close() })
	}
	if b.memprofile != "" {
		// The allocations are counted since the process started: the
		// measured requests' are the difference of the two snapshots.
		base, err := os.Create(name(b.memprofile) + ".base")
		if err != nil {
			stop()
			return nil, err
		}
		runtime.GC()
		err = pprof.Lookup("allocs").WriteTo(base, 0)
		base.Close()
		if err != nil {
			stop()
			return nil, err
		}
		stops = append(stops, func() {
			if f, err := os.Create(name(b.memprofile)); err == nil {
				runtime.GC()
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		})
	}
	if b.blockprof != "" {
		f, err := os.Create(name(b.blockprof))
		if err != nil {
			stop()
			return nil, err
		}
		runtime.SetBlockProfileRate(10000) // one sample per 10 µs waited
		stops = append(stops, func() {
			pprof.Lookup("block").WriteTo(f, 0)
			runtime.SetBlockProfileRate(0)
			f.Close()
		})
	}
	return stop, nil
}

func waitHealthy(base string, within time.Duration) error {
	hc := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(within)
	for {
		if resp, err := hc.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bench: the server at %s did not become healthy within %s", base, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// benchClient is an HTTP client for conc concurrent callers on loopback,
// with a timeout on every request.
func benchClient(conc int, jar http.CookieJar) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Jar: jar,
		Transport:     &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// measure calls do for i = 0 … n-1 from conc goroutines and returns each call's
// latency, the wall time and the number of failed calls. No call starts
// after limit has passed.
func (b *benchRun) measure(n, conc int, limit time.Duration, do func(i int) error) ([]time.Duration, time.Duration, int) {
	start := time.Now()
	return b.measureWhile(n, conc, func() bool { return time.Since(start) < limit }, true, do)
}

// measureWhile is measure with more deciding whether another call starts;
// it says how much CPU a call took when noteCPU is set (the process's, so
// only when nothing else is measured meanwhile).
func (b *benchRun) measureWhile(n, conc int, more func() bool, noteCPU bool, do func(i int) error) ([]time.Duration, time.Duration, int) {
	var mu sync.Mutex
	lat := make([]time.Duration, 0, n)
	errs := 0
	var firstErr error
	next := make(chan int)
	cpu0 := processCPU()
	start := time.Now()
	go func() {
		defer close(next)
		for i := 0; i < n && more(); i++ {
			next <- i
		}
	}()
	var wg sync.WaitGroup
	for c := 0; c < conc; c++ {
		wg.Go(func() {
			for i := range next {
				t0 := time.Now()
				err := do(i)
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if err != nil {
					if errs == 0 {
						firstErr = err
					}
					errs++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if cpu := processCPU() - cpu0; noteCPU && cpu > 0 && len(lat) > 0 {
		fmt.Fprintf(b.log, "bench: %s CPU a request, server and clients (%.0f%% of %d cores)\n",
			(cpu / time.Duration(len(lat))).Round(time.Microsecond), 100*cpu.Seconds()/elapsed.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU())
	}
	if noteCPU {
		b.noteRSS()
	}
	if firstErr != nil {
		fmt.Fprintf(b.log, "bench: %d of %d failed, the first: %v\n", errs, len(lat), firstErr)
	}
	return lat, elapsed, errs
}

// rssMB reads this process's resident set size (the harness and the server
// run in one process); 0 where /proc is missing.
func rssMB() float64 { return rssOf("self") }

// rssOf reads the resident set size of process pid ("self" for this one).
func rssOf(pid string) float64 { return procStatusMB(pid, "VmRSS") }

// procStatusMB reads field (a size in kB) of process pid's /proc status, in
// MB; 0 where it is missing.
func procStatusMB(pid, field string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(v, "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// noteRSS says how much of the resident set is the process's own memory
// and how much mapped file pages: the SQLite readers map the database
// (sqlstore.readerMmap), and Linux counts those pages, which are the OS's
// page cache, in the resident set of every connection that maps them.
func (b *benchRun) noteRSS() {
	if file := procStatusMB("self", "RssFile"); file > 0 {
		fmt.Fprintf(b.log, "bench: resident %.0f MB: %.0f MB the process's own memory, %.0f MB mapped files (the program, and on SQLite the database, counted once per reader connection: the OS's page cache, not the process's)\n",
			procStatusMB("self", "VmRSS"), procStatusMB("self", "RssAnon"), file)
	}
}

// report prints r with the latencies' percentiles, the throughput and the
// resident set size filled in.
func report(w io.Writer, r benchResult, lat []time.Duration, elapsed time.Duration, errs int) {
	reportPer(w, r, lat, elapsed, errs, 1)
}

// reportPer is report for calls that each do per units of work (rows of a
// batch): n and the throughput count units, the latencies are the calls'.
func reportPer(w io.Writer, r benchResult, lat []time.Duration, elapsed time.Duration, errs, per int) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	r.N = len(lat) * per
	r.P50, r.P99, r.Errors = pct(0.50), pct(0.99), errs
	if elapsed > 0 {
		r.Throughput = float64(int(float64(r.N)/elapsed.Seconds()*10)) / 10
	}
	if r.RSSMB == 0 {
		r.RSSMB = rssMB()
	}
	r.RSSMB = float64(int(r.RSSMB*10)) / 10
	b, _ := json.Marshal(r)
	fmt.Fprintln(w, string(b))
}
