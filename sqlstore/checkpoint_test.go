package sqlstore_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// The log is copied back into the database file beside the writer, well
// before the writer's own automatic checkpoint (400 MB of log) would.
func TestCheckpointBesideWriter(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	ctx := context.Background()
	size := func() int64 {
		fi, err := os.Stat(db.Path())
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	w := db.SQL()
	if _, err := w.ExecContext(ctx, `CREATE TABLE checkpoint_probe (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	// Let a checkpoint settle what migrations left in the log, then write
	// 4 MB, which only the log holds until a checkpoint copies it.
	time.Sleep(2500 * time.Millisecond)
	before := size()
	row := strings.Repeat("x", 4000)
	for range 1000 {
		if _, err := w.ExecContext(ctx, `INSERT INTO checkpoint_probe (v) VALUES ($1)`, row); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for size() < before+3<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes, %d before 4 MB were written: no checkpoint in 15 s", size(), before)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// And what was checkpointed reads back whole.
	var n, total int
	if err := w.QueryRowContext(ctx, `SELECT count(*), sum(length(v)) FROM checkpoint_probe`).Scan(&n, &total); err != nil || n != 1000 || total != 4000000 {
		t.Fatalf("rows %d, bytes %d, %v", n, total, err)
	}
}
