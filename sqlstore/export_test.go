package sqlstore

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/supervision"
)

// GroupWork is one caller's work in a group, as chained hands it over.
type GroupWork = func(ctx context.Context, tx *sql.Tx) error

// RunAsOneGroup runs works as ONE group on db's committer, as it runs what
// waits for it, work i with ctxs[i] (nil: none), and returns each one's
// error.
func (db *DB) RunAsOneGroup(ctxs []context.Context, works []GroupWork) []error {
	batch := make([]*groupWork, len(works))
	for i, fn := range works {
		ctx := context.Background()
		if i < len(ctxs) && ctxs[i] != nil {
			ctx = ctxs[i]
		}
		batch[i] = newWork(ctx, fn)
	}
	return db.runAsOneGroup(batch)
}

// runAsOneGroup runs batch as ONE group and returns each work's error.
func (db *DB) runAsOneGroup(batch []*groupWork) []error {
	db.commit.run(batch)
	errs := make([]error, len(batch))
	for i, w := range batch {
		errs[i] = <-w.res
	}
	return errs
}

// CreateCasesAsOneGroup runs the CreateCase work of each case as ONE group
// and returns each case's error and the stored cases.
func (db *DB) CreateCasesAsOneGroup(ctxs []context.Context, ncs []casework.NewCase) ([]casework.Case, []error) {
	out := make([]casework.Case, len(ncs))
	batch := make([]*groupWork, len(ncs))
	for i, nc := range ncs {
		ctx := context.Background()
		if i < len(ctxs) && ctxs[i] != nil {
			ctx = ctxs[i]
		}
		batch[i] = db.createCaseWork(ctx, nc, &out[i])
	}
	return out, db.runAsOneGroup(batch)
}

// AppendAuditWork is AppendAudit's work.
func AppendAuditWork(e audit.Entry) GroupWork {
	return func(ctx context.Context, tx *sql.Tx) error { return appendAudit(ctx, tx, e) }
}

// BindClaimWork is the first statement of UpdateCase's work: the claim in
// ctx bound to case caseID.
func BindClaimWork(caseID string) GroupWork {
	return func(ctx context.Context, tx *sql.Tx) error { return bindClaim(ctx, tx, caseID) }
}

// CasesStoredTogether is the count of new cases a group stored together
// (PostgreSQL, cases_pg_batch.go).
func (db *DB) CasesStoredTogether() int64 { return db.commit.together.Load() }

// CasesAmidAuditAsOneGroup runs as ONE group AppendAudit's work of before,
// CreateCase's of each of ncs with ctxs[i] (nil: Background), then
// AppendAudit's of each of after, and returns the stored cases and every
// work's error, in that order.
func (db *DB) CasesAmidAuditAsOneGroup(before audit.Entry, ctxs []context.Context, ncs []casework.NewCase, after ...audit.Entry) ([]casework.Case, []error) {
	out := make([]casework.Case, len(ncs))
	batch := []*groupWork{newWork(context.Background(), AppendAuditWork(before))}
	for i, nc := range ncs {
		ctx := context.Background()
		if i < len(ctxs) && ctxs[i] != nil {
			ctx = ctxs[i]
		}
		batch = append(batch, db.createCaseWork(ctx, nc, &out[i]))
	}
	for _, e := range after {
		batch = append(batch, newWork(context.Background(), AppendAuditWork(e)))
	}
	return out, db.runAsOneGroup(batch)
}

// PanicInStoredCasesBatch makes the group's storing of its new cases
// together panic inside its pgx batch (where casePGStatement and noticePG
// run), as any panic in that code would.
func (db *DB) PanicInStoredCasesBatch() {
	db.commit.storeCases = func(ctx context.Context, g *groupTx, ws []*groupWork, b *auditBatch) error {
		return pipeline(ctx, g.conn, func(*pgx.Batch) error { panic("test: panic while queueing") }, nil)
	}
}

// Path is the SQLite database file of db ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

// Reader returns the reader connections' handle.
func (db *DB) Reader() *sql.DB { return db.read.mapped }

// PointReader returns the handle of the point lookups' readers.
func (db *DB) PointReader() *sql.DB { return db.point }

// ReaderMmap is how much of the file each reader maps.
const ReaderMmap = readerMmap

// BoundedBranches is boundedBranches.
const BoundedBranches = boundedBranches

// InboxQuery is CasesFor's statement and arguments.
func InboxQuery(orgIDs, states []string, q string, limit, offset int) (string, []any, error) {
	return inboxQuery(orgIDs, states, q, limit, offset)
}

// OpenTasksQuery is OpenTasksFor's statement and arguments.
func OpenTasksQuery(orgIDs, roles []string, limit, offset int) (string, []any) {
	return openTasksQuery(orgIDs, roles, limit, offset)
}

// AuditQueries is ListAudit's statements and arguments.
func AuditQueries(f audit.Filter) (count, page string, args []any) { return auditQueries(f) }

// StaffQuery is ListStaff's statement and arguments.
func StaffQuery(f identity.StaffFilter) (string, []any) { return staffQuery(f) }

// AlertsQuery is Alerts' statement and arguments.
func AlertsQuery(f supervision.AlertFilter) (string, []any) { return alertsQuery(f) }

// AlertCountsQuery is AlertCounts' statement and arguments.
func AlertCountsQuery(orgIDs []string) (string, []any) { return alertCountsQuery(orgIDs) }

// LicensesQuery is Licenses' statement and arguments.
func LicensesQuery(q license.ListQuery) (string, []any) { return licensesQuery(q) }

// ReadMmap is the mmap_size of the reader a read with ctx runs on, or a
// wide read's.
func (db *DB) ReadMmap(ctx context.Context, wide bool) (int64, error) {
	var n int64
	q := db.read.QueryRowContext
	if wide {
		q = db.read.wide().QueryRowContext
	}
	err := q(ctx, `PRAGMA mmap_size`).Scan(&n)
	return n, err
}
