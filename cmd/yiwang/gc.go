package main

import (
	"os"
	"runtime/debug"
)

// gcPercent and memoryLimit are the server's garbage collector settings
// unless GOGC or GOMEMLIMIT say otherwise (docs/decisions.md, 2026-11-26):
// a request allocates much and keeps little, so with Go's default (100)
// the collector took 10–12 % of the CPU of a submission or a tracker
// lookup; at 400 it takes 2–4 %. The soft limit makes it collect sooner
// again before the heap nears 1 GiB, so a small machine is not run out of
// memory by the extra headroom.
const (
	gcPercent   = 400
	memoryLimit = 1 << 30
)

// tuneGC applies the settings the environment does not set.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
