package notify

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
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

// RunOnce delivers up to 100 pending messages and returns how many were
// sent. A failed message is tried again after a backoff (yiwang.Backoff)
// until MaxAttempts, then marked failed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	msgs, err := d.Store.PendingMessages(ctx, d.Clock.Now(), 100)
	if err != nil {
		return 0, fmt.Errorf("pending messages: %w", err)
	}
	sent := 0
	for _, m := range msgs {
		now := d.Clock.Now()
		won, err := d.Store.ClaimMessage(ctx, m.ID, now, now.Add(time.Minute))
		if err != nil {
			return sent, err
		}
		if !won {
			continue
		}
		m.Attempts++
		if err := d.Sender.Send(ctx, m); err != nil {
			m.LastError = err.Error()
			if m.Attempts >= MaxAttempts {
				m.Status = StatusFailed
			} else {
				m.NextAttemptAt = d.Clock.Now().Add(yiwang.Backoff(m.Attempts, d.jitter()))
			}
			d.Log.Warn("notification not delivered", "id", m.ID, "to", m.RecipientMasked, "attempt", m.Attempts, "err", err)
		} else {
			m.Status, m.SentAt, m.LastError = StatusSent, d.Clock.Now(), ""
			sent++
		}
		if err := d.Store.MarkMessage(ctx, m); err != nil {
			return sent, fmt.Errorf("mark message %s: %w", m.ID, err)
		}
	}
	return sent, nil
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
