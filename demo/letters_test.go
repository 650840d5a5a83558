package demo_test

import (
	"context"
	"testing"

	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/review"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestLoadLetters: the demo letters go through the case engine: open ones
// (one typed in by the 12345 operator) and one replied and rated.
func TestLoadLetters(t *testing.T) {
	t.Parallel()
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			clk := yiwangtest.NewClock(start)
			if _, err := demo.Load(ctx, db, clk); err != nil {
				t.Fatal(err)
			}
			orgs := &org.Service{Store: db, Clock: clk}
			cal, err := calendar.Default()
			if err != nil {
				t.Fatal(err)
			}
			svc := &casework.Service{Store: db, Drafts: db, Catalog: &catalog.Service{Store: db, Orgs: orgs, Clock: clk},
				Orgs: orgs, Calendar: cal, Clock: clk}
			rs := &review.Service{Store: db, Cases: db, Orgs: orgs, Calendar: cal, Clock: clk}
			if n, err := demo.LoadLetters(ctx, db, svc, rs); err != nil || n != 3 {
				t.Fatalf("LoadLetters: %d %v", n, err)
			}
			var open, replied, phone, rated int
			q := func(sql string, v *int) {
				if err := db.SQL().QueryRow(sql).Scan(v); err != nil {
					t.Fatal(err)
				}
			}
			q(`SELECT COUNT(*) FROM cases WHERE kind <> '' AND state = 'accepted'`, &open)
			q(`SELECT COUNT(*) FROM cases WHERE kind <> '' AND state = 'delivered' AND decision = 'replied'`, &replied)
			q(`SELECT COUNT(*) FROM cases WHERE kind <> '' AND channel = 'phone' AND filed_by <> ''`, &phone)
			q(`SELECT COUNT(*) FROM reviews r JOIN cases c ON c.id = r.case_id WHERE c.kind <> ''`, &rated)
			if open != 2 || replied != 1 || phone != 1 || rated != 1 {
				t.Fatalf("open %d, replied %d, by phone %d, rated %d", open, replied, phone, rated)
			}
		})
	}
}
