package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/yushan-gov/yiwang/sqlstore"
)

// openLogged opens a SQLite file in dir in WAL mode, as sqlstore does,
// on one connection.
func openLogged(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "t.db")+"?_pragma=journal_mode(wal)&_pragma=synchronous(full)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// insertRows inserts n rows of about 200 bytes in random order of an
// index, in tx.
func insertRows(t *testing.T, tx *sql.Tx, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		v := fmt.Sprintf("%08d-%s", i*7919%100003, strings.Repeat("x", 190))
		if _, err := tx.Exec(`INSERT INTO t (id, v) VALUES (?, ?)`, i, v); err != nil {
			t.Fatal(err)
		}
	}
}

// A commit's frames reach the log in one write, and once COMMIT has
// returned they are in the file, not in memory: a copy of the files as a
// crash would leave them has every committed row.
func TestWALFramesWrittenTogether(t *testing.T) {
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("the log's writes are coalesced on linux/amd64 and arm64 only")
	}
	dir := t.TempDir()
	db := openLogged(t, dir)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE INDEX t_v ON t (v)`); err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		insertRows(t, tx, round*500, 500) // some 60 pages, table and index
		before := sqlstore.WALWrites()
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if w := sqlstore.WALWrites() - before; w != 1 {
			t.Fatalf("round %d: the commit wrote the log in %d calls, want 1", round, w)
		}
	}
	crashed := t.TempDir()
	for _, name := range []string{"t.db", "t.db-wal"} {
		copyFile(t, filepath.Join(dir, name), filepath.Join(crashed, name))
	}
	var n int
	if err := openLogged(t, crashed).QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1500 {
		t.Fatalf("the files as left on disk hold %d rows, want 1500", n)
	}
}

// A transaction larger than the page cache spills frames to the log before
// it commits, and reads some of them back: it reads what it wrote. One
// rolled back after spilling leaves nothing, and the next commits whole.
func TestWALSpilledFramesReadBack(t *testing.T) {
	dir := t.TempDir()
	db := openLogged(t, dir)
	ctx := context.Background()
	if _, err := db.Exec(`PRAGMA cache_size = 20; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE INDEX t_v ON t (v)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	insertRows(t, tx, 0, 5000) // some 600 pages through a cache of 20
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	insertRows(t, tx, 10000, 5000)
	var n, sum int
	if err := tx.QueryRow(`SELECT count(*), sum(length(v)) FROM t WHERE v >= ''`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 5000 || sum != 5000*199 {
		t.Fatalf("inside the transaction: %d rows of %d bytes, want 5000 of %d", n, sum, 5000*199)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	crashed := t.TempDir()
	for _, name := range []string{"t.db", "t.db-wal"} {
		copyFile(t, filepath.Join(dir, name), filepath.Join(crashed, name))
	}
	c := openLogged(t, crashed)
	if err := c.QueryRow(`SELECT count(*), min(id) FROM t`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 5000 || sum != 10000 {
		t.Fatalf("the files as left on disk: %d rows from id %d, want 5000 from 10000", n, sum)
	}
	if err := c.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of the copy: %q, %v", check, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
