package sqlstore_test

import (
	"context"
	"database/sql/driver"
	"fmt"
	"testing"

	"modernc.org/sqlite"

	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// Every SQLite connection has the larger lookaside: a connection that keeps
// many statements prepared holds more of its slots at once than SQLite's
// default buffer has (about 123), and none of the statements misses it for
// want of a free slot.
func TestLookasideIsLarger(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	ctx := context.Background()
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Sixty distinct statements, each kept prepared by the connection's
	// statement cache, each holding lookaside memory while it is kept.
	for i := range 60 {
		var n int
		q := fmt.Sprintf(`SELECT count(*) + %d FROM cases c JOIN orgs o ON o.id = c.org_id WHERE c.state = $1 AND o.name <> $2`, i)
		if err := conn.QueryRowContext(ctx, q, "submitted", "x").Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	var used, full int
	err = conn.Raw(func(dc any) error {
		st, ok := dc.(interface{ Unwrap() driver.Conn }).Unwrap().(sqlite.DBStatus)
		if !ok {
			return fmt.Errorf("%T reports no status", dc)
		}
		var err error
		if used, _, err = st.Status(sqlite.DBStatusLookasideUsed, false); err != nil {
			return err
		}
		_, full, err = st.Status(sqlite.DBStatusLookasideMissFull, false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if used <= 123 || full != 0 {
		t.Fatalf("lookaside slots in use %d (SQLite's default has about 123), allocations that found it full %d", used, full)
	}
}
