package main

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// mixed files applications and looks cases up in the public tracker at the
// same time, as on a working day: the submit workload's clients apply
// while the track workload's look up the cases filed before. Each prints
// its line (mixed-submit, mixed-track); the lookups stop when the
// applications are done. The tracker workload alone reads a database
// nobody writes meanwhile; here every lookup comes between commits.
func (b *benchRun) mixed(ctx context.Context) error {
	keys := slices.Clone(b.tracked) // the submissions append to b.tracked
	n, conc := b.size(10000, 2000), b.clients(64)
	tn, tconc := b.size(200000, 40000), b.clients(16)
	apply, err := b.applier(ctx, conc)
	if err != nil {
		return err
	}
	lc, err := newLoopClient(b.base, tconc, nil)
	if err != nil {
		return err
	}
	lookup := b.looker(lc, keys)
	// The applications start once the lookups have: both lines then
	// measure the same stretch of time.
	looking := make(chan struct{})
	var once sync.Once
	look := func(i int) error {
		err := lookup(i)
		once.Do(func() { close(looking) })
		return err
	}
	stop, err := b.profile("mixed")
	if err != nil {
		return err
	}
	var applying atomic.Bool
	applying.Store(true)
	var wg sync.WaitGroup
	var tlat []time.Duration
	var telapsed time.Duration
	var terrs int
	wg.Go(func() {
		tlat, telapsed, terrs = b.measureWhile(tn, tconc, applying.Load, false, look)
	})
	<-looking
	start := time.Now()
	lat, elapsed, errs := b.measureWhile(n, conc, func() bool { return time.Since(start) < b.deadline }, false, apply)
	applying.Store(false)
	wg.Wait()
	stop()
	report(b.out, benchResult{Workload: "mixed-submit", Backend: b.backend, Concurrency: conc}, lat, elapsed, errs)
	report(b.out, benchResult{Workload: "mixed-track", Backend: b.backend, Concurrency: tconc}, tlat, telapsed, terrs)
	b.noteRSS()
	return nil
}
