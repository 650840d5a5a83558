package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestBenchLines runs a tiny harness run and checks that every workload
// prints one JSON line with exactly the fixed keys, in their order, and
// that nothing failed.
func TestBenchLines(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: the harness starts the real server")
	}
	var out, errs bytes.Buffer
	args := []string{"--quick", "--items", "150", "--cases", "300", "--open", "500", "--n", "40", "--concurrency", "8",
		"--workloads", "idle,raw,submit,track,mixed,process,search,inbox,dashboard,scan"}
	if err := cmdBench(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("bench: %v\n%s", err, errs.String())
	}
	keys := []string{"workload", "backend", "n", "concurrency", "throughput_per_s", "p50_ms", "p99_ms", "errors", "rss_mb"}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		dec := json.NewDecoder(strings.NewReader(line))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("not a JSON object: %s", line)
		}
		var got []string
		vals := map[string]any{}
		for dec.More() {
			k, _ := dec.Token()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			got = append(got, k.(string))
			vals[k.(string)] = v
		}
		if strings.Join(got, ",") != strings.Join(keys, ",") {
			t.Fatalf("keys %v, want %v: %s", got, keys, line)
		}
		w := vals["workload"].(string)
		seen[w] = true
		if vals["errors"].(float64) != 0 || vals["rss_mb"].(float64) <= 0 {
			t.Fatalf("%s: %s", w, line)
		}
		if w != "idle" && vals["n"].(float64) == 0 {
			t.Fatalf("%s measured nothing: %s", w, line)
		}
	}
	// idle needs the yiwang binary and is skipped under go test.
	for _, w := range []string{"sqlite-raw-single-tx", "sqlite-raw-batch", "submit", "track", "mixed-submit", "mixed-track", "process", "search-inprocess",
		"search-page", "search-api", "inbox", "inbox-township", "dashboard", "stats-api", "stats-api-now", "scan-first", "scan", "scan-nextday"} {
		if !seen[w] {
			t.Fatalf("no %s line in:\n%s", w, out.String())
		}
	}
	if err := cmdBench(context.Background(), []string{"--workloads", "nope"}, &out, &errs); err == nil {
		t.Fatal("an unknown workload ran")
	}
}
