package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang/audit"
)

// The entries that a group's works append to the audit chain are linked
// and stored together when the group is about to commit (group.go): the
// head row is read and moved once a group, not once an entry (two
// statements an entry on SQLite; on PostgreSQL a locked read and an
// update of the one row every creation waits for). Works run one after
// another and their entries are kept in that order, so the chain is the
// same as if each had appended its own: contiguous, each linked to the one
// before. (On PostgreSQL a group's new cases are stored together after its
// other works, cases_pg_batch.go, and their entries come last.) The
// entries of a work that failed are dropped with it.

// auditBatch collects the entries of one work of a group.
type auditBatch struct{ entries []audit.Entry }

type auditBatchKey struct{}

// withAuditBatch returns ctx whose appendAudit calls collect into b.
func withAuditBatch(ctx context.Context, b *auditBatch) context.Context {
	return context.WithValue(ctx, auditBatchKey{}, b)
}

// collectAudit keeps e for the group's flush when ctx belongs to a work of
// a group, and reports whether it did.
func collectAudit(ctx context.Context, e audit.Entry) bool {
	b, ok := ctx.Value(auditBatchKey{}).(*auditBatch)
	if ok {
		b.entries = append(b.entries, e)
	}
	return ok
}

// flushAudit links es to the head of the chain, in order, and stores them
// inside the group's transaction. On PostgreSQL the transaction read the
// head when it locked it (begin), and one statement stores the entries and
// moves the head (flushAuditPG).
func flushAudit(ctx context.Context, g groupTx, es []audit.Entry) error {
	if len(es) == 0 {
		return nil
	}
	if g.head != nil {
		return flushAuditPG(ctx, g, es)
	}
	tx := g.Tx
	var seq int64
	var prev string
	if err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq - $1, hash`,
		len(es)).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	for i := range es {
		audit.Link(&es[i], seq, prev)
		seq, prev = es[i].Seq, es[i].Hash
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	for _, e := range es {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditCols+`)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`, auditArgs(e)...); err != nil {
			return fmt.Errorf("audit insert: %w", err)
		}
	}
	return nil
}

// flushAuditPG is flushAudit on PostgreSQL: the entries linked to the head
// that g locked, stored over arrays with the head moved, in one statement.
func flushAuditPG(ctx context.Context, g groupTx, es []audit.Entry) error {
	q, args := auditStatementPG(g.head, es)
	if _, err := g.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	return nil
}

// auditStatementPG links es to head, moves head past them, and returns the
// statement that stores them and moves the head row alike.
func auditStatementPG(head *auditHead, es []audit.Entry) (string, []any) {
	seq, prev := head.seq, head.hash
	cols := make([][]string, 10)
	seqs, ats := make([]int64, len(es)), make([]time.Time, len(es))
	for i := range es {
		audit.Link(&es[i], seq, prev)
		seq, prev = es[i].Seq, es[i].Hash
		e := es[i]
		seqs[i], ats[i] = e.Seq, e.At.UTC()
		for j, v := range []string{e.ID, e.ActorID, e.ActorName, e.Action, e.Object, e.Result, e.IP, e.Detail, e.PrevHash, e.Hash} {
			cols[j] = append(cols[j], v)
		}
	}
	*head = auditHead{seq: seq, hash: prev}
	return `WITH h AS (UPDATE audit_head SET seq = $13, hash = $14 WHERE id = 1)
		INSERT INTO audit_log (` + auditCols + `) SELECT * FROM unnest($1::bigint[],
		$2::text[], $3::timestamp[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
		$11::text[], $12::text[])`, []any{seqs, cols[0], ats, cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7],
			cols[8], cols[9], seq, prev}
}
