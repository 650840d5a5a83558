package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestGenerationKept: the catalog generation is kept for a second; this
// DB's own publication moves it at once; a move by someone else (another
// instance, here a bare UPDATE) shows within the second; on both engines.
func TestGenerationKept(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, entries := groupFixture(t, engine)
			g0, err := db.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			en := entries[0]
			en.Status = catalog.StatusRetired
			en.RetiredAt = now
			if err := db.RetireEntry(ctx, en, audit.New(yiwang.Actor{AccountID: "admin"}, now, "catalog.retire",
				"entry:"+en.ID, audit.ResultOK, "")); err != nil {
				t.Fatal(err)
			}
			if g1, err := db.Generation(ctx); err != nil || g1 != g0+1 {
				t.Fatalf("after this DB's own write: %d, want %d (%v)", g1, g0+1, err)
			}
			if _, err := db.SQL().Exec(`UPDATE catalog_generation SET gen = gen + 1 WHERE id = 1`); err != nil {
				t.Fatal(err)
			}
			g2, err := db.Generation(ctx)
			if err != nil || (g2 != g0+1 && g2 != g0+2) {
				t.Fatalf("right after another's write: %d (%v)", g2, err)
			}
			time.Sleep(1100 * time.Millisecond)
			if g3, err := db.Generation(ctx); err != nil || g3 != g0+2 {
				t.Fatalf("a second after another's write: %d, want %d (%v)", g3, g0+2, err)
			}
		})
	}
}
