package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/yushan-gov/yiwang/audit"
)

// appendAudit links e to the head of the chain and stores it inside tx. The
// UPDATE of the single head row serialises appenders on every engine (a row
// lock on PostgreSQL, the one writer on SQLite) without advisory locks.
//
// Inside a work of a group, e is only collected: the group links and
// stores its works' entries together before it commits (audit_batch.go).
func appendAudit(ctx context.Context, tx *sql.Tx, e audit.Entry) error {
	if collectAudit(ctx, e) {
		return nil
	}
	var seq int64
	var prev string
	err := tx.QueryRowContext(ctx,
		`UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq - 1, hash`).Scan(&seq, &prev)
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	audit.Link(&e, seq, prev)
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET hash = $1 WHERE id = 1`, e.Hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`, auditArgs(e)...)
	if err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	return nil
}

// AppendAudit stores one entry in a transaction of its own.
func (db *DB) AppendAudit(ctx context.Context, e audit.Entry) error {
	return db.chained(ctx, func(ctx context.Context, tx *sql.Tx) error { return appendAudit(ctx, tx, e) })
}

const auditCols = `seq, id, at, actor_id, actor_name, action, object, result, ip, detail, prev_hash, hash`

// auditArgs are e's values in the order of auditCols.
func auditArgs(e audit.Entry) []any {
	return []any{e.Seq, e.ID, e.At, e.ActorID, e.ActorName, e.Action, e.Object, e.Result, e.IP, e.Detail, e.PrevHash, e.Hash}
}

func scanAudit(sc interface{ Scan(...any) error }) (audit.Entry, error) {
	var e audit.Entry
	err := sc.Scan(&e.Seq, &e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.Object,
		&e.Result, &e.IP, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// ListAudit returns entries matching f, newest first, and the total count.
func (db *DB) ListAudit(ctx context.Context, f audit.Filter) ([]audit.Entry, int, error) {
	count, q, args := auditQueries(f)
	var total int
	if err := db.read.wide().QueryRowContext(ctx, count, args[:len(args)-2]...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("scan audit: %w", err)
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// auditQueries returns ListAudit's statements, the count and the page,
// and the page's arguments; the count's are all but the last two.
func auditQueries(f audit.Filter) (count, page string, args []any) {
	var where []string
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ActorID != "" {
		add("actor_id = $%d", f.ActorID)
	}
	if f.Action != "" {
		add("action LIKE $%d", likePrefix(f.Action))
	}
	if f.Object != "" {
		add("object = $%d", f.Object)
	}
	if f.Result != "" {
		add("result = $%d", f.Result)
	}
	if !f.From.IsZero() {
		add("at >= $%d", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < $%d", f.To.UTC())
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	count = `SELECT COUNT(*) FROM audit_log` + cond
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	args = append(args, limit, max(f.Offset, 0))
	page = fmt.Sprintf(`SELECT %s FROM audit_log%s ORDER BY seq DESC LIMIT $%d OFFSET $%d`,
		auditCols, cond, len(args)-1, len(args))
	return count, page, args
}

// WalkAudit calls fn for every entry in order, in pages so that memory stays
// flat on a long log, then returns the chain head.
func (db *DB) WalkAudit(ctx context.Context, fn func(audit.Entry) error) (int64, string, error) {
	var headSeq int64
	var headHash string
	if err := db.read.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	after := int64(-1)
	for {
		rows, err := db.read.wide().QueryContext(ctx,
			`SELECT `+auditCols+` FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 1000`, after)
		if err != nil {
			return 0, "", fmt.Errorf("walk audit: %w", err)
		}
		n := 0
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return 0, "", fmt.Errorf("scan audit: %w", err)
			}
			n++
			after = e.Seq
			if err := fn(e); err != nil {
				rows.Close()
				return headSeq, headHash, err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return 0, "", err
		}
		if n == 0 {
			return headSeq, headHash, nil
		}
	}
}

// likePrefix turns user text into a LIKE prefix pattern. Wildcards are not
// escaped (an ESCAPE clause stops SQLite's trigram index from serving the
// query): '%' is dropped, '_' is kept, since it also matches itself and
// actions such as "account.reset_password" hold it; dropping it would find
// nothing.
func likePrefix(s string) string {
	return strings.ReplaceAll(s, "%", "") + "%"
}
