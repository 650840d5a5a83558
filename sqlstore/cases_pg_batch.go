package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/idempotency"
)

// On PostgreSQL the cases submitted together are stored together. The
// group committer runs its works one after another on one connection, and
// each of createCasePG's two statements was a round trip during which the
// committer, and every case waiting for it, waited: first for the server,
// then for a processor to take the answer. Here the first statements of
// all the group's new cases go in one round trip (a pipelined batch, run by
// the server one after another in the group's transaction, the audit
// chain's head locked first), their notices and the group's audit entries
// in a second: two round trips a group instead of two a case. The rows
// stored are createCasePG's. If anything fails, the error makes the group
// roll back and run again work by work, each new case by createCasePG
// (group.go), so that only the failing one fails.

// pgNewCase is a new case handed to a group: what createCasePG stores, and
// where the stored case goes.
type pgNewCase struct {
	nc   casework.NewCase
	args []any // caseInsertArgs(nc.Case)
	out  *casework.Case
}

// storeNewCasesPG stores the new cases of the works ws inside the group's
// transaction, on its connection, after the group's other works, whose
// audit entries are in b; then the audit entries of all, the cases' last.
// If the transaction has not locked the audit chain's head yet (g.head
// nil: the group is only new cases), the first round trip locks it first.
func (db *DB) storeNewCasesPG(ctx context.Context, g *groupTx, ws []*groupWork, b *auditBatch) error {
	stored := make([]caseStored, len(ws))
	cases := make([]casework.Case, len(ws))
	lock := g.head == nil
	err := pipeline(ctx, g.conn, func(batch *pgx.Batch) error {
		if lock {
			batch.Queue(lockAuditHead)
		}
		for _, w := range ws {
			var claim *idempotency.Claim
			if c, ok := idempotency.ClaimFrom(w.ctx); ok {
				claim = &c
			}
			q, args, err := casePGStatement(w.newCase.nc, w.newCase.args, claim)
			if err != nil {
				return err
			}
			batch.Queue(q, args...)
		}
		return nil
	}, func(br pgx.BatchResults) error {
		if lock {
			g.head = &auditHead{}
			if err := br.QueryRow().Scan(&g.head.seq, &g.head.hash); err != nil {
				return fmt.Errorf("audit head: %w", err)
			}
		}
		for i := range ws {
			rows, err := br.Query()
			if err != nil {
				return createCaseErr(err)
			}
			stored[i], err = scanCasePG(rows)
			rows.Close()
			if err == nil {
				err = rows.Err()
			}
			if err != nil {
				return createCaseErr(err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, w := range ws {
		if cases[i], err = stored[i].number(w.newCase.nc); err != nil {
			return err
		}
		if c, ok := idempotency.ClaimFrom(w.ctx); ok {
			c.MarkBound()
		}
		if len(stored[i].subs) > 0 { // rare: a statement each
			if err := queueWebhookDeliveries(ctx, g.Tx, stored[i].subs, stored[i].filtered, cases[i], w.newCase.nc.Event); err != nil {
				return err
			}
		}
		b.entries = append(b.entries, caseAudit(cases[i], w.newCase.nc))
	}
	err = pipeline(ctx, g.conn, func(batch *pgx.Batch) error {
		for i, w := range ws {
			q, args, err := db.noticePG(cases[i], w.newCase.nc.Msg)
			if err != nil {
				return err
			}
			if q != "" {
				batch.Queue(q, args...)
			}
		}
		q, args := auditStatementPG(g.head, b.entries)
		batch.Queue(q, args...)
		return nil
	}, nil)
	if err != nil {
		return fmt.Errorf("insert case notices and audit entries: %w", err)
	}
	for i, w := range ws {
		*w.newCase.out = cases[i]
	}
	return nil
}

// pipeline sends the statements that queue puts in a batch in one round
// trip on conn, inside its transaction, and hands their results to read
// (nil: only their errors matter). An empty batch sends nothing.
func pipeline(ctx context.Context, conn *sql.Conn, queue func(*pgx.Batch) error, read func(pgx.BatchResults) error) error {
	return conn.Raw(func(dc any) (err error) {
		// A panic must not leave Raw: Raw would close the Conn, which
		// waits for the open Tx, forever (the committer stuck). It becomes
		// the error, the group is re-run work by work, and there call
		// makes it the error of the work that panics.
		var br pgx.BatchResults
		defer func() {
			if r := recover(); r != nil {
				if br != nil {
					br.Close()
				}
				err = fmt.Errorf("sqlstore: panic in a batch: %v", r)
			}
		}()
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("sqlstore: a batch needs a pgx connection, not %T", dc)
		}
		batch := &pgx.Batch{}
		if err := queue(batch); err != nil || batch.Len() == 0 {
			return err
		}
		br = sc.Conn().SendBatch(ctx, batch)
		if read != nil {
			if err := read(br); err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
}
