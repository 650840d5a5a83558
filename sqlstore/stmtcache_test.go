package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestStatementCache: SQLite connections keep their statements prepared.
// Two open result sets of one query text on one connection do not share a
// statement; a statement that failed runs again; a statement prepared
// before the schema changed still runs after.
func TestStatementCache(t *testing.T) {
	db := yiwangtest.NewDB(t, "sqlite")
	w := db.SQL() // the one writer connection
	if _, err := w.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := w.Exec(`INSERT INTO t (id, v) VALUES ($1, $2)`, i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Exec(`INSERT INTO t (id, v) VALUES ($1, $2)`, 9, "v1"); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := w.Exec(`INSERT INTO t (id, v) VALUES ($1, $2)`, 5, "v5"); err != nil {
		t.Fatalf("after a failure: %v", err)
	}
	tx, err := w.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	const q = `SELECT v FROM t ORDER BY id`
	r1, err := tx.Query(q)
	if err != nil || !r1.Next() {
		t.Fatal(err)
	}
	read := func(first string, rows interface {
		Next() bool
		Scan(...any) error
		Close() error
	}) string {
		out := []string{first}
		for rows.Next() {
			var v string
			rows.Scan(&v)
			out = append(out, v)
		}
		rows.Close()
		return strings.Join(out, " ")
	}
	r2, err := tx.Query(q) // the same text while r1 is open
	if err != nil || !r2.Next() {
		t.Fatal(err)
	}
	var a, b string
	r2.Scan(&b)
	if got := read(b, r2); got != "v0 v1 v2 v3 v4 v5" {
		t.Fatalf("second result set: %s", got)
	}
	r1.Scan(&a)
	if got := read(a, r1); got != "v0 v1 v2 v3 v4 v5" {
		t.Fatalf("first result set: %s", got)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(`ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT 7`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := w.QueryRow(`SELECT COUNT(*) FROM t WHERE v <> $1`, "x").Scan(&n); err != nil || n != 6 {
		t.Fatalf("count: %d %v", n, err)
	}
	var v string
	if err := w.QueryRow(q).Scan(&v); err != nil || v != "v0" {
		t.Fatalf("after the schema changed: %q %v", v, err)
	}
}
