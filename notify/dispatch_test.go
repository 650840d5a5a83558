package notify_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

type countingSender struct {
	mu   sync.Mutex
	sent map[string]int
	fail bool
}

func (s *countingSender) Send(_ context.Context, m notify.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return errors.New("gateway down")
	}
	s.sent[m.ID]++
	return nil
}

func TestDispatcher(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			clk := yiwangtest.NewClock(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
			ids := &identity.Service{Store: db, Orgs: &org.Service{Store: db, Clock: clk}, Clock: clk, Log: slog.New(slog.DiscardHandler)}
			for i, m := range []string{"13800000011", "13800000012", "13800000013"} {
				clk.Advance(time.Duration(i) * time.Second)
				if err := ids.SendCode(ctx, identity.PurposeLogin, m, "127.0.0.1"); err != nil {
					t.Fatal(err)
				}
			}
			// A gateway that fails leaves messages pending and counts attempts.
			down := &countingSender{sent: map[string]int{}, fail: true}
			d := &notify.Dispatcher{Store: db, Sender: down, Clock: clk, Log: slog.New(slog.DiscardHandler)}
			if n, err := d.RunOnce(ctx); err != nil || n != 0 {
				t.Fatalf("failing run: %d %v", n, err)
			}
			// Two instances running at once deliver every message exactly once.
			clk.Advance(2 * time.Minute) // the failed attempt's claim has lapsed
			up := &countingSender{sent: map[string]int{}}
			var wg sync.WaitGroup
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					d := &notify.Dispatcher{Store: db, Sender: up, Clock: clk, Log: slog.New(slog.DiscardHandler)}
					if _, err := d.RunOnce(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if len(up.sent) != 3 {
				t.Fatalf("delivered %d messages, want 3", len(up.sent))
			}
			for id, n := range up.sent {
				if n != 1 {
					t.Fatalf("message %s delivered %d times", id, n)
				}
			}
			msgs, err := db.RecentMessages(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range msgs {
				if m.Status != notify.StatusSent || m.Attempts != 2 {
					t.Fatalf("message %s: status %s attempts %d", m.ID, m.Status, m.Attempts)
				}
			}
			if n, _ := d.RunOnce(ctx); n != 0 {
				t.Fatal("sent messages sent again")
			}
		})
	}
}

// TestDispatcherBacksOff: a failed SMS waits 30 s, then 1, 2 and 4 minutes
// before the next attempts, and is marked failed after the fifth.
func TestDispatcherBacksOff(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			clk := yiwangtest.NewClock(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
			ids := &identity.Service{Store: db, Orgs: &org.Service{Store: db, Clock: clk}, Clock: clk, Log: slog.New(slog.DiscardHandler)}
			if err := ids.SendCode(ctx, identity.PurposeLogin, "13800000021", "127.0.0.1"); err != nil {
				t.Fatal(err)
			}
			down := &countingSender{sent: map[string]int{}, fail: true}
			d := &notify.Dispatcher{Store: db, Sender: down, Clock: clk, Log: slog.New(slog.DiscardHandler),
				Jitter: func() float64 { return 0 }}
			attempts := func() int {
				t.Helper()
				msgs, err := db.RecentMessages(ctx, 1)
				if err != nil || len(msgs) != 1 {
					t.Fatalf("messages: %v", err)
				}
				return msgs[0].Attempts
			}
			if _, err := d.RunOnce(ctx); err != nil || attempts() != 1 {
				t.Fatalf("first attempt: %d %v", attempts(), err)
			}
			for i, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute} {
				clk.Advance(wait - time.Second)
				if _, err := d.RunOnce(ctx); err != nil || attempts() != i+1 {
					t.Fatalf("retried a second before %s: attempts %d %v", wait, attempts(), err)
				}
				clk.Advance(time.Second)
				if _, err := d.RunOnce(ctx); err != nil || attempts() != i+2 {
					t.Fatalf("not retried after %s: attempts %d %v", wait, attempts(), err)
				}
			}
			msgs, _ := db.RecentMessages(ctx, 1)
			if msgs[0].Status != notify.StatusFailed || msgs[0].LastError == "" {
				t.Fatalf("after %d attempts: %s %q", msgs[0].Attempts, msgs[0].Status, msgs[0].LastError)
			}
			clk.Advance(24 * time.Hour)
			if _, _ = d.RunOnce(ctx); attempts() != notify.MaxAttempts {
				t.Fatal("a failed message was tried again")
			}
		})
	}
}

// slowSender takes a while for each message and counts how many it holds
// at once.
type slowSender struct {
	mu             sync.Mutex
	sent           map[string]int
	inFlight, most int
}

func (s *slowSender) Send(_ context.Context, m notify.Message) error {
	s.mu.Lock()
	s.inFlight++
	s.most = max(s.most, s.inFlight)
	s.mu.Unlock()
	time.Sleep(2 * time.Millisecond)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
	s.sent[m.ID]++
	return nil
}

// TestDispatcherSendsABatchAtOnce: a run sends the oldest 100 pending
// messages, some at once (but never more than 16), each once; the next run
// sends the rest, and nothing is left pending.
func TestDispatcherSendsABatchAtOnce(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			clk := yiwangtest.NewClock(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
			const backlog = 150
			for i := range backlog {
				at := clk.Now().Add(time.Duration(i) * time.Millisecond)
				m := notify.Message{ID: fmt.Sprintf("m%03d", i), Channel: notify.ChannelSMS, Recipient: fmt.Sprintf("1380000%04d", i),
					RecipientMasked: "138****0000", Body: "验证码 123456", Status: notify.StatusPending, CreatedAt: at}
				c := identity.Code{ID: fmt.Sprintf("c%03d", i), Purpose: identity.PurposeLogin, Target: m.Recipient, CodeHash: "x",
					CreatedAt: at, ExpiresAt: at.Add(5 * time.Minute)}
				if err := db.SaveCode(ctx, c, m); err != nil {
					t.Fatal(err)
				}
			}
			s := &slowSender{sent: map[string]int{}}
			d := &notify.Dispatcher{Store: db, Sender: s, Clock: clk, Log: slog.New(slog.DiscardHandler)}
			if n, err := d.RunOnce(ctx); err != nil || n != 100 || len(s.sent) != 100 || s.sent["m000"] != 1 || s.sent["m099"] != 1 {
				t.Fatalf("first run sent %d (%d distinct), %v; want the oldest 100", n, len(s.sent), err)
			}
			if s.most < 2 || s.most > 16 {
				t.Fatalf("at most %d messages at the gateway at once, want 2 to 16", s.most)
			}
			if n, err := d.RunOnce(ctx); err != nil || n != backlog-100 || len(s.sent) != backlog {
				t.Fatalf("second run sent %d (%d distinct in all), %v", n, len(s.sent), err)
			}
			for id, k := range s.sent {
				if k != 1 {
					t.Fatalf("message %s sent %d times", id, k)
				}
			}
			if left, err := db.PendingMessages(ctx, clk.Now(), 10); err != nil || len(left) != 0 {
				t.Fatalf("pending after the runs: %d %v", len(left), err)
			}
		})
	}
}
