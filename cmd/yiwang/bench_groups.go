package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// groupTotals are the server's group commit counters (GET /metrics, which
// answers loopback): commits, the writes they held, busy seconds.
type groupTotals struct{ commits, writes, busy float64 }

// readGroups reads the counters; all zero where the store groups nothing.
func readGroups(base string) (groupTotals, error) {
	var g groupTotals
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return g, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return g, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	fields := map[string]*float64{"yiwang_group_commits_total": &g.commits, "yiwang_group_writes_total": &g.writes,
		"yiwang_group_busy_seconds_total": &g.busy}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if p := fields[name]; ok && p != nil {
			*p, _ = strconv.ParseFloat(value, 64)
		}
	}
	return g, sc.Err()
}

// reportGroups tells how the writes between before and now were grouped
// (on stderr: the JSON lines keep their fixed keys).
func (b *benchRun) reportGroups(workload string, before groupTotals, elapsed time.Duration) {
	now, err := readGroups(b.base)
	if err != nil || now.commits == before.commits {
		return
	}
	commits, writes, busy := now.commits-before.commits, now.writes-before.writes, now.busy-before.busy
	fmt.Fprintf(b.log, "bench: %s: %.0f grouped writes in %.0f commits (%.1f a commit), committer busy %.0f%% of %s\n",
		workload, writes, commits, writes/commits, 100*busy/elapsed.Seconds(), elapsed.Round(time.Millisecond))
}
