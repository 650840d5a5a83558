package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/supervision"
)

// newSupervision builds the electronic supervision of a; the scan's lease
// names this process (host and pid), so that several instances can tell
// whose it is.
func newSupervision(a *app) *supervision.Service {
	host, _ := os.Hostname()
	return &supervision.Service{Store: a.db, Cases: a.db, Orgs: a.orgs, Calendar: a.cases.Calendar, Clock: a.clock,
		Holder: host + "/" + yiwang.NewID()[:8]}
}

// superviseEvery runs the supervision scan every interval until ctx ends:
// only the instance holding the lease scans, the others skip. The lease is
// given up at the end, so that another instance need not wait for it.
func superviseEvery(ctx context.Context, sv *supervision.Service, interval time.Duration, log *slog.Logger) {
	every(ctx, interval, "supervision scan", log, func(ctx context.Context) error {
		r, err := sv.Scan(ctx)
		if r.Raised+r.Escalated+r.Cleared > 0 {
			log.Info("supervision scan", "raised", r.Raised, "red", r.Escalated, "cleared", r.Cleared, "told", r.Messages)
		}
		if yiwang.ErrorCode(err) == yiwang.ECONFLICT { // the lease moved on mid-scan
			return nil
		}
		return err
	})
	rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = sv.Release(rctx)
}
