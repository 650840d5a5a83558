package sqlstore

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// readers are the connections reads run on. On SQLite, mapped readers map
// the database file (readerMmap): a fifth to a third faster for reads with
// no commit meanwhile (the tracker, lists, the dashboard of a quiet
// server). But a reader that finds the log changed since its last read
// drops its whole map and maps the file again, and then takes a page fault
// for every page it touches: while this DB commits (within busyWindow of
// its last commit) reads run on readers that do not map the file
// (unmapped, also point) and read the pages they need. On PostgreSQL both
// are the one pool.
type readers struct {
	mapped, unmapped *sql.DB
	// wrote is when this DB's writer last began a commit (Unix
	// nanoseconds); nil on PostgreSQL.
	wrote *atomic.Int64
}

// busyWindow is how long after a commit reads avoid the map.
const busyWindow = time.Second

// pool is the readers for a read now.
func (r readers) pool() *sql.DB {
	if r.wrote != nil && time.Now().UnixNano()-r.wrote.Load() < int64(busyWindow) {
		return r.unmapped
	}
	return r.mapped
}

func (r readers) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.pool().QueryContext(ctx, query, args...)
}

func (r readers) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return r.pool().QueryRowContext(ctx, query, args...)
}

// wide is the readers for reads of many rows, counts and scans (the
// dashboard's and the statistics' counts, the supervision scan, the open
// alerts' and the reviews' counts, the audit log's count and its walk when
// verified): they keep
// the map even while the DB commits, for which the remap is paid once for
// many pages. With every read unmapped while busy, the dashboard did 118–121
// requests a second against 143–156, the scan's second pass 0.07–0.09 s
// against 0.05 s.
func (r readers) wide() *sql.DB { return r.mapped }
