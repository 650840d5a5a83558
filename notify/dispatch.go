package notify

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/yushan-gov/yiwang"
)

// Dispatcher delivers pending messages from the outbox.
type Dispatcher struct {
	Store  Store
	Sender Sender
	Clock  yiwang.Clock
	Log    *slog.Logger
	// Jitter returns a number in [0, 1) that spreads retries; nil means random.
	Jitter func() float64
}

// The dispatcher works in batches: the oldest batchSize pending messages
// are claimed in one write, sent sendAtOnce at a time, and their results
// stored in one write. On SQLite both writes share the group commit of the
// submissions that queued the messages (before, each message took two
// writes of its own, each with its own sync). One batch a run, every two
// seconds (Run): 50 messages a second, as before, and now also through a
// gateway that takes 100 ms a message (10 a second before, one at a time).
// Measured (docs/benchmarks.md, 2026-11-27): two batches a run took 1–4 %
// off the submissions beside them, one batch nothing.
const (
	batchSize  = 100
	sendAtOnce = 16
	// claimFor outlasts a batch at the gateway's worst: ceil(100/16) = 7
	// rounds of sends, each given up after HTTPSender's 10 seconds.
	claimFor = 2 * time.Minute
)

// RunOnce delivers one batch of pending messages and returns how many were
// sent. A failed message is tried again after a backoff (yiwang.Backoff)
// until MaxAttempts, then marked failed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	msgs, err := d.Store.PendingMessages(ctx, d.Clock.Now(), batchSize)
	if err != nil {
		return 0, fmt.Errorf("pending messages: %w", err)
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	now := d.Clock.Now()
	won, err := d.Store.ClaimMessages(ctx, ids, now, now.Add(claimFor))
	if err != nil {
		return 0, fmt.Errorf("claim messages: %w", err)
	}
	claimed := slices.DeleteFunc(msgs, func(m Message) bool { return !slices.Contains(won, m.ID) })
	sem := make(chan struct{}, sendAtOnce)
	var wg sync.WaitGroup
	for i := range claimed {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			d.attempt(ctx, &claimed[i])
		})
	}
	wg.Wait()
	sent := 0
	for _, m := range claimed {
		if m.Status == StatusSent {
			sent++
		}
	}
	if len(claimed) > 0 {
		if err := d.Store.MarkMessages(ctx, claimed); err != nil {
			return sent, fmt.Errorf("mark messages: %w", err)
		}
	}
	return sent, nil
}

// attempt sends m and records the outcome in it.
func (d *Dispatcher) attempt(ctx context.Context, m *Message) {
	m.Attempts++
	if err := d.Sender.Send(ctx, *m); err != nil {
		m.LastError = err.Error()
		if m.Attempts >= MaxAttempts {
			m.Status = StatusFailed
		} else {
			m.NextAttemptAt = d.Clock.Now().Add(yiwang.Backoff(m.Attempts, d.jitter()))
		}
		d.Log.Warn("notification not delivered", "id", m.ID, "to", m.RecipientMasked, "attempt", m.Attempts, "err", err)
		return
	}
	m.Status, m.SentAt, m.LastError = StatusSent, d.Clock.Now(), ""
}

func (d *Dispatcher) jitter() float64 {
	if d.Jitter != nil {
		return d.Jitter()
	}
	return rand.Float64()
}

// Run delivers messages every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("notification dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
