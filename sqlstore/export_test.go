package sqlstore

import (
	"context"
	"database/sql"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
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
		batch[i] = &groupWork{ctx: context.WithoutCancel(ctx), caller: ctx, fn: fn, res: make(chan error, 1)}
	}
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
	works := make([]GroupWork, len(ncs))
	for i, nc := range ncs {
		works[i] = db.createCaseWork(nc, &out[i])
	}
	return out, db.RunAsOneGroup(ctxs, works)
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
