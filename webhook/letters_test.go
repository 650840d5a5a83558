package webhook_test

import (
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/webhook"
)

// TestNoDeliveriesOfLetters: a subscription to "submit" of every org gets
// applications, never a letter (投诉、咨询、建议), whose item name carries
// the complainant's own words.
func TestNoDeliveriesOfLetters(t *testing.T) {
	subs := []webhook.Subscription{{ID: "s1", Events: []string{"submit", "withdraw"}, Enabled: true}}
	ev := casework.Event{ID: "e1", Seq: 1, Kind: "submit", To: casework.StateSubmitted, At: time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)}
	app := casework.Case{ID: "c1", No: "11340504MB504009504340100090020202603090001", ItemName: "食品经营许可", OrgID: "o1"}
	if ds := webhook.NewDeliveries(subs, []string{"o1"}, app, ev); len(ds) != 1 {
		t.Fatalf("application: %d deliveries", len(ds))
	}
	letter := casework.Case{ID: "c2", No: "12345TS202603090001", EntryCode: "12345TS", ItemName: "投诉：张三家楼下夜间施工",
		OrgID: "o1", Kind: casework.KindComplaint, State: casework.StateAccepted}
	for _, kind := range []string{"submit", "withdraw"} {
		ev.Kind = kind
		if ds := webhook.NewDeliveries(subs, []string{"o1"}, letter, ev); len(ds) != 0 {
			t.Fatalf("letter %s pushed: %+v", kind, ds)
		}
	}
}
