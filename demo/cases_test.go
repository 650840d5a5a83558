package demo_test

import (
	"context"
	"testing"

	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/files"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestLoadCases: the sample cases go through the real case engine and
// leave one case in every state, filed through every kind of channel.
func TestLoadCases(t *testing.T) {
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
			fs := &files.Service{Store: db, Blobs: files.Dir{Root: t.TempDir()}, Sealer: yiwangtest.Protector(t), Clock: clk}
			n, err := demo.LoadCases(ctx, db, svc, fs)
			if err != nil || n < 9 {
				t.Fatalf("LoadCases: %d %v", n, err)
			}
			rows, err := db.SQL().Query(`SELECT state, channel FROM cases`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			states, channels := map[string]int{}, map[string]int{}
			for rows.Next() {
				var s, c string
				if err := rows.Scan(&s, &c); err != nil {
					t.Fatal(err)
				}
				states[s]++
				channels[c]++
			}
			for _, s := range []string{casework.StateSubmitted, casework.StateCorrection, casework.StateAccepted, casework.StateSpecial,
				casework.StateDecided, casework.StateDelivered, casework.StateRefused, casework.StateWithdrawn} {
				if states[s] == 0 {
					t.Errorf("no demo case in state %s", s)
				}
			}
			for _, c := range []string{casework.ChannelWeb, casework.ChannelWindow, casework.ChannelAgent, casework.ChannelHome} {
				if channels[c] == 0 {
					t.Errorf("no demo case filed by channel %s", c)
				}
			}
			// Across the three levels: a district department, a town, a village.
			kinds := map[string]bool{}
			krows, err := db.SQL().Query(`SELECT DISTINCT o.kind FROM cases c JOIN orgs o ON o.id = c.org_id`)
			if err != nil {
				t.Fatal(err)
			}
			defer krows.Close()
			for krows.Next() {
				var k string
				if err := krows.Scan(&k); err != nil {
					t.Fatal(err)
				}
				kinds[k] = true
			}
			if !kinds["department"] || !kinds["town"] || !kinds["village"] {
				t.Errorf("demo cases at org kinds %v, want a department, a town and a village", kinds)
			}
		})
	}
}
