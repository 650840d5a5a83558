package kpi

import (
	"context"
	"errors"
	"sync"
	"time"
)

// The trend counts twelve months, each with two queries over the month's
// decided cases and reviews: at 1,000,000 decided cases that was 1.2 s for
// one dashboard alone, and with four supervisors at once 3.7 s each
// (docs/benchmarks.md). A month that has ended hardly changes any more (a
// rectification replied to, a review history imported), so the trend
// takes the ended months before the one asked about from what it counted
// within the last trendKeep, for every supervisor alike (scope is applied
// after); the month asked about, shown beside the live table, is always
// counted afresh (and kept, when it has ended), and so is the running
// month. Concurrent requests for a month not yet kept wait for one count.
//
// The public statistics, which anyone may ask for as often as they like,
// take every period from here, the running month's too (Public): at most
// one count a minute of each period, and one public count at a time.

// trendKeep is how long kept counts serve.
const trendKeep = time.Minute

// trendKept bounds the months kept; past it the oldest entries go.
const trendKept = 4 * MaxMonths

// monthCounts are the cases' and the reviews' counts of ended months (a
// custom period's last month may be part of one), by their bounds.
type monthCounts struct {
	mu      sync.Mutex
	entries map[bounds]*keptMonth
}

type bounds struct{ from, to time.Time }

type keptMonth struct {
	ready  chan struct{} // closed when counts and err are set
	counts map[string]Counts
	err    error
	at     time.Time // when counted (wall clock)
	// running: counted before the period's end (the service's clock), so
	// not the ended period's counts once it has ended.
	running bool
}

// periodCounts are the cases' and reviews' counts of [from, to) by org.
func (s *Service) periodCounts(ctx context.Context, from, to time.Time) (map[string]Counts, error) {
	cs, err := s.Store.KPICases(ctx, from, to)
	if err != nil {
		return nil, err
	}
	rs, err := s.Store.KPIReviews(ctx, from, to)
	if err != nil {
		return nil, err
	}
	return addCounts(cs, rs), nil
}

// addCounts adds from's counts to into's, org by org, and returns into (a
// new map if into is nil).
func addCounts(into, from map[string]Counts) map[string]Counts {
	if into == nil {
		into = map[string]Counts{}
	}
	for id, c := range from {
		x := into[id]
		x.Add(c)
		into[id] = x
	}
	return into
}

// keptCounts is periodCounts of [from, to), as counted within trendKeep
// (and, once the period has ended, after its end). A count made here takes
// one, when one is given, which it holds while it counts: so callers that
// share one count at most one period at a time. The map returned is shared:
// read it, never change it.
func (s *Service) keptCounts(ctx context.Context, from, to time.Time, one *sync.Mutex) (map[string]Counts, error) {
	m := &s.months
	m.mu.Lock()
	e, ok := m.entries[bounds{from, to}]
	if ok {
		select {
		case <-e.ready:
			if e.err != nil || time.Since(e.at) > trendKeep || e.running && !s.Clock.Now().Before(to) {
				ok = false // count again
			}
		default: // being counted: wait for it below
		}
	}
	if !ok {
		m.trim()
		// Until counted, the error of a count that never finished (a
		// panic): the waiting callers must not read nothing as zeros.
		e = &keptMonth{ready: make(chan struct{}), err: errors.New("kpi: the month's count did not finish")}
		m.entries[bounds{from, to}] = e
		m.mu.Unlock()
		defer close(e.ready)
		// Others may wait for it: the caller's leaving does not stop it,
		// a minute does.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if one != nil {
			one.Lock()
			defer one.Unlock()
		}
		e.running = s.Clock.Now().Before(to)
		e.counts, e.err = s.periodCounts(cctx, from, to)
		e.at = time.Now()
		return e.counts, e.err
	}
	m.mu.Unlock()
	select {
	case <-e.ready:
		return e.counts, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// keep stores counts, just counted afresh, as those of the ended [from,
// to) (unless it is being counted right now).
func (s *Service) keep(from, to time.Time, counts map[string]Counts) {
	m := &s.months
	m.mu.Lock()
	defer m.mu.Unlock()
	if e, ok := m.entries[bounds{from, to}]; ok {
		select {
		case <-e.ready:
		default:
			return
		}
	} else {
		m.trim()
	}
	e := &keptMonth{ready: make(chan struct{}), counts: counts, at: time.Now()}
	close(e.ready)
	m.entries[bounds{from, to}] = e
}

// trim makes room for one more entry (m.mu held): it forgets the entries
// counted longest ago; entries being counted stay.
func (m *monthCounts) trim() {
	if m.entries == nil {
		m.entries = map[bounds]*keptMonth{}
	}
	for len(m.entries) >= trendKept {
		var oldest time.Time
		var key bounds
		found := false
		for k, e := range m.entries {
			select {
			case <-e.ready:
			default:
				continue // being counted
			}
			if !found || e.at.Before(oldest) {
				oldest, key, found = e.at, k, true
			}
		}
		if !found {
			return
		}
		delete(m.entries, key)
	}
}
