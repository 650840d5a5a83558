package sqlstore_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// The reader connections map the file, and what they read through the map
// is what was written: also after the file has grown and the log has been
// copied back into it (checkpoints) while they kept their maps. The
// readers of the lookups of requests that write do not map it: a reader
// drops its map after every commit, and a lookup would pay for mapping
// again.
func TestReadersMapTheFile(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	ctx := context.Background()
	r, w := db.Reader(), db.SQL()
	var size int64
	if err := r.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&size); err != nil || size != sqlstore.ReaderMmap {
		t.Fatalf("reader mmap_size %d, %v; want %d", size, err, sqlstore.ReaderMmap)
	}
	if err := db.PointReader().QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&size); err != nil || size != 0 {
		t.Fatalf("point reader mmap_size %d, %v; want 0", size, err)
	}
	if _, err := w.ExecContext(ctx, `CREATE TABLE mmap_probe (k INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	row := strings.Repeat("y", 3000)
	k := 0
	for round := range 4 {
		for range 700 { // about 2 MB a round
			k++
			if _, err := w.ExecContext(ctx, `INSERT INTO mmap_probe (k, v) VALUES ($1, $2)`, k, row); err != nil {
				t.Fatal(err)
			}
		}
		// Every round but the first is copied into the file before it is
		// read, so that it is read through the (grown) map, not the log.
		if round > 0 {
			checkpoint(t, w)
		}
		// Rewrite one early row: its new version must be read, not the
		// page the map held before.
		if _, err := w.ExecContext(ctx, `UPDATE mmap_probe SET v = $1 WHERE k = 1`, strings.Repeat("z", round+1)); err != nil {
			t.Fatal(err)
		}
		// A read after the commit sees it.
		var n, total int
		var first string
		err := r.QueryRowContext(ctx, `SELECT count(*), sum(length(v)), (SELECT v FROM mmap_probe WHERE k = 1) FROM mmap_probe`).Scan(&n, &total, &first)
		if err != nil {
			t.Fatal(err)
		}
		if want := (k-1)*3000 + round + 1; n != k || total != want || first != strings.Repeat("z", round+1) {
			t.Fatalf("round %d: reader sees %d rows, %d bytes, row 1 %q; want %d rows, %d bytes", round, n, total, first, k, want)
		}
	}
}

// checkpoint copies the whole log back into the file, retrying while the
// server's own checkpointer holds the checkpoint lock.
func checkpoint(t *testing.T, w *sql.DB) {
	t.Helper()
	for range 100 {
		var busy, logged, copied int
		if err := w.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &copied); err != nil {
			t.Fatal(err)
		}
		if busy == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("checkpoint still busy after 100 tries")
}
