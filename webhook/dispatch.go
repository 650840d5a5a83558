package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/yushan-gov/yiwang"
)

// Dispatcher sends due deliveries. Several may run at once (one per
// instance): each delivery is claimed in the database before it is sent.
type Dispatcher struct {
	Store Store
	// Client sends the requests; nil means one with Timeout that follows
	// no redirects (a 3xx answer is a failure, not a new destination).
	Client *http.Client
	Clock  yiwang.Clock
	Log    *slog.Logger
	// Jitter returns a number in [0, 1) that spreads retries; nil means random.
	Jitter func() float64
}

// batch is how many deliveries one run looks at.
const batch = 50

// RunOnce sends the deliveries that are due and returns how many were
// delivered (answered 2xx). A failed one is tried again after
// yiwang.Backoff until MaxAttempts, then marked failed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	due, err := d.Store.DueDeliveries(ctx, d.Clock.Now(), batch)
	if err != nil {
		return 0, fmt.Errorf("due deliveries: %w", err)
	}
	subs := map[string]Subscription{}
	delivered := 0
	for _, dl := range due {
		now := d.Clock.Now()
		won, err := d.Store.ClaimDelivery(ctx, dl.ID, now, now.Add(claimFor))
		if err != nil {
			return delivered, fmt.Errorf("claim delivery %s: %w", dl.ID, err)
		}
		if !won {
			continue
		}
		sub, ok := subs[dl.SubscriptionID]
		if !ok {
			sub, err = d.Store.Subscription(ctx, dl.SubscriptionID)
			if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
				continue // deleted since it was listed, and its deliveries with it
			}
			if err != nil {
				return delivered, fmt.Errorf("delivery %s: %w", dl.ID, err)
			}
			subs[sub.ID] = sub
		}
		dl.Attempts++
		dl.LastStatus, err = d.send(ctx, sub, dl)
		if err == nil {
			dl.Status, dl.DeliveredAt, dl.LastError = StatusDelivered, d.Clock.Now(), ""
			delivered++
		} else {
			dl.LastError = truncate(err.Error(), 500)
			if dl.Attempts >= MaxAttempts {
				dl.Status = StatusFailed
			} else {
				dl.NextAttemptAt = d.Clock.Now().Add(yiwang.Backoff(dl.Attempts, d.jitter()))
			}
			d.Log.Warn("webhook not delivered", "delivery", dl.ID, "subscription", sub.ID, "attempt", dl.Attempts, "err", err)
		}
		if err := d.Store.MarkDelivery(ctx, dl); err != nil {
			return delivered, fmt.Errorf("mark delivery %s: %w", dl.ID, err)
		}
	}
	return delivered, nil
}

// send POSTs one delivery, signed, and returns the HTTP status (0 if none).
func (d *Dispatcher) send(ctx context.Context, sub Subscription, dl Delivery) (int, error) {
	body := []byte(dl.Payload)
	ts := d.Clock.Now().Unix()
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "yiwang-webhook/1")
	req.Header.Set(HeaderEvent, dl.Event)
	req.Header.Set(HeaderDelivery, dl.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(sub.Secret, ts, body))
	resp, err := d.client().Do(req)
	if err != nil {
		var ue interface{ Timeout() bool }
		if errors.As(err, &ue) && ue.Timeout() {
			return 0, fmt.Errorf("no answer within %s", Timeout)
		}
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}

func (d *Dispatcher) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	return &http.Client{Timeout: Timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

func (d *Dispatcher) jitter() float64 {
	if d.Jitter != nil {
		return d.Jitter()
	}
	return rand.Float64()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Run sends deliveries every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("webhook dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
