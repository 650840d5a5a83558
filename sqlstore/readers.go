package sqlstore

import (
	"context"
	"database/sql"

	"github.com/yushan-gov/yiwang"
)

// readers are the connections reads run on. On SQLite, mapped readers map
// the database file (readerMmap): a fifth to a third faster for reads with
// no commit meanwhile (the tracker, lists, the dashboard). But a reader
// that finds the log changed since its last read drops its whole map and
// maps the file again, and then takes a page fault for every page it
// touches: so the reads of a request that changes something
// (yiwang.Writes), which come between the commits of the writes around it,
// run on readers that do not map the file (unmapped, also point). On
// PostgreSQL both are the one pool.
type readers struct {
	mapped, unmapped *sql.DB
}

// pool is the readers for ctx.
func (r readers) pool(ctx context.Context) *sql.DB {
	if yiwang.IsWrites(ctx) {
		return r.unmapped
	}
	return r.mapped
}

func (r readers) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.pool(ctx).QueryContext(ctx, query, args...)
}

func (r readers) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return r.pool(ctx).QueryRowContext(ctx, query, args...)
}
