package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// The indexes of decided cases hold decided cases only (migration 00025),
// and the queries that read them still do: the dashboard's count by
// decision time and a spot check's draw of an org's decided cases.
func TestDecidedIndexesPartial(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db := yiwangtest.NewDB(t, engine)
			ctx := context.Background()
			for _, name := range []string{"cases_kpi", "cases_org_decided"} {
				var def string
				q := `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1`
				if engine == sqlstore.Postgres {
					q = `SELECT indexdef FROM pg_indexes WHERE indexname = $1 AND schemaname = current_schema()`
				}
				if err := db.SQL().QueryRowContext(ctx, q, name).Scan(&def); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !strings.Contains(strings.ToLower(def), "where") || !strings.Contains(strings.ToLower(def), "decided_at is not null") {
					t.Fatalf("%s is not partial: %s", name, def)
				}
			}
			if engine != sqlstore.SQLite {
				return
			}
			for _, c := range []struct{ index, query string }{
				{"cases_kpi", `SELECT org_id, COUNT(*) FROM cases WHERE decided_at >= $1 AND decided_at < $2 AND simulated = $3 AND kind = '' GROUP BY org_id`},
				{"cases_org_decided", `SELECT id FROM cases WHERE org_id = $4 AND decided_at >= $1 AND decided_at < $2 AND state IN ('decided', 'delivered') AND simulated = $3 AND kind = '' ORDER BY id`},
			} {
				var plan []string
				for _, n := range queryPlan(t, db, c.query, "2026-01-01", "2026-02-01", false, "org") {
					plan = append(plan, n.detail)
				}
				if p := strings.Join(plan, "; "); !strings.Contains(p, c.index) {
					t.Fatalf("the plan does not use %s: %s", c.index, p)
				}
			}
		})
	}
}
