package sqlstore_test

import (
	"context"
	"testing"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// Every SQLite connection's page cache is its own, not one group shared by
// all behind one lock (pcache.go). sqlite3_release_memory frees only the
// shared group's unused pages: after a database has been migrated and read,
// the shared group would hold hundreds of them, private caches none.
func TestPrivatePageCaches(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	var n int
	if err := db.SQL().QueryRowContext(context.Background(), `SELECT count(*) FROM cases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	tls := libc.NewTLS()
	defer tls.Close()
	if freed := sqlite3.Xsqlite3_release_memory(tls, 1<<30); freed != 0 {
		t.Fatalf("sqlite3_release_memory freed %d bytes of a shared page cache group; want every connection's cache private", freed)
	}
}
