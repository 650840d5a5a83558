package sqlstore_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// The log is copied back into the database file beside the writer, well
// before the writer's own automatic checkpoint (40 MB of log) would.
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

// Under writes that never pause, the log still starts afresh: the file
// never holds much more than the writer's own mark (40 MB), though the
// other connection's checkpoints alone never finish it.
func TestLogStaysBounded(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	ctx := context.Background()
	w := db.SQL()
	if _, err := w.ExecContext(ctx, `CREATE TABLE log_probe (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	row := strings.Repeat("y", 32<<10)
	const total = 120 << 20 // three times the mark
	var wg sync.WaitGroup
	var written atomic.Int64
	for range 3 {
		wg.Go(func() {
			for written.Add(int64(len(row))) <= total {
				if _, err := w.ExecContext(ctx, `INSERT INTO log_probe (v) VALUES ($1)`, row); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	fi, err := os.Stat(db.Path() + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 64<<20 { // the file keeps its largest size
		t.Errorf("log file %d MB after %d MB written: it did not start afresh", fi.Size()>>20, total>>20)
	}
}
