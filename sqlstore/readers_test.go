package sqlstore_test

import (
	"context"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestWritesReadUnmapped: on SQLite the reads of a request that writes run
// on readers that do not map the file; the others on readers that do.
func TestWritesReadUnmapped(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	ctx := context.Background()
	if n, err := db.ReadMmap(ctx); err != nil || n == 0 {
		t.Fatalf("a read's reader maps %d bytes (%v), want the map", n, err)
	}
	if n, err := db.ReadMmap(yiwang.Writes(ctx)); err != nil || n != 0 {
		t.Fatalf("a writing request's reader maps %d bytes (%v), want none", n, err)
	}
}
