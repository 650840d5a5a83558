package webhook_test

import (
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/webhook"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// The administrator's log of all subscriptions lists every subscription's
// deliveries together, newest first, and at most LogSize of them.
func TestLogNewestFirst(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			a := e.subscribe(t, "https://a.example.gov.cn/in", []string{"submit"}, "")
			b := e.subscribe(t, "https://b.example.gov.cn/in", []string{"submit"}, "")
			const cases = 55 // two deliveries each: more than LogSize in all
			for range cases {
				e.submit(t)
				e.clk.Advance(time.Minute)
			}
			log, err := e.hooks.Deliveries(e.ctx, e.admin, "")
			if err != nil || len(log) != webhook.LogSize {
				t.Fatalf("log: %d entries, %v", len(log), err)
			}
			subs := map[string]int{}
			for i, d := range log {
				subs[d.SubscriptionID]++
				if i > 0 && d.CreatedAt.After(log[i-1].CreatedAt) {
					t.Fatalf("entry %d (%s) is newer than entry %d (%s)", i, d.CreatedAt, i-1, log[i-1].CreatedAt)
				}
			}
			if subs[a.ID] != webhook.LogSize/2 || subs[b.ID] != webhook.LogSize/2 {
				t.Fatalf("the log holds %v, want %d of each subscription", subs, webhook.LogSize/2)
			}
			if newest := e.clk.Now().Add(-time.Minute); !log[0].CreatedAt.Equal(newest) {
				t.Fatalf("the newest entry is of %s, want %s", log[0].CreatedAt, newest)
			}
			one, err := e.hooks.Deliveries(e.ctx, e.admin, b.ID)
			if err != nil || len(one) != cases {
				t.Fatalf("b's log: %d entries, %v", len(one), err)
			}
		})
	}
}
