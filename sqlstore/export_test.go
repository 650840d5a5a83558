package sqlstore

import (
	"context"

	"github.com/yushan-gov/yiwang/casework"
)

// CreateCasesAsOneGroup runs the CreateCase work of each case as ONE group,
// as the committer runs what waits for it, and returns each case's error
// and the stored cases. ctxs[i] (nil: none) is case i's context.
func (db *DB) CreateCasesAsOneGroup(ctxs []context.Context, ncs []casework.NewCase) ([]casework.Case, []error) {
	out := make([]casework.Case, len(ncs))
	batch := make([]*groupWork, len(ncs))
	for i, nc := range ncs {
		ctx := context.Background()
		if i < len(ctxs) && ctxs[i] != nil {
			ctx = ctxs[i]
		}
		batch[i] = &groupWork{ctx: context.WithoutCancel(ctx), caller: ctx, fn: db.createCaseWork(nc, &out[i]), res: make(chan error, 1)}
	}
	db.commit.run(batch)
	errs := make([]error, len(batch))
	for i, w := range batch {
		errs[i] = <-w.res
	}
	return out, errs
}
