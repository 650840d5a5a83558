package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
)

// Bundles lists the 一件事 bundles in display order.
func (db *DB) Bundles(ctx context.Context) ([]casework.Bundle, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT code, name, summary, members FROM bundles ORDER BY sort, code`)
	if err != nil {
		return nil, fmt.Errorf("bundles: %w", err)
	}
	defer rows.Close()
	var out []casework.Bundle
	for rows.Next() {
		b, err := scanBundle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Bundle returns one bundle.
func (db *DB) Bundle(ctx context.Context, code string) (casework.Bundle, error) {
	b, err := scanBundle(db.read.QueryRowContext(ctx, `SELECT code, name, summary, members FROM bundles WHERE code = $1`, code))
	return b, notFound(err, "一件事")
}

func scanBundle(sc interface{ Scan(...any) error }) (casework.Bundle, error) {
	var b casework.Bundle
	var members string
	if err := sc.Scan(&b.Code, &b.Name, &b.Summary, &members); err != nil {
		return b, err
	}
	return b, json.Unmarshal([]byte(members), &b.Members)
}

// SaveBundle creates or replaces a bundle.
func (db *DB) SaveBundle(ctx context.Context, b casework.Bundle, sort int, at time.Time, e audit.Entry) error {
	members, _ := json.Marshal(b.Members)
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bundles (code, name, summary, members, sort, updated_at) VALUES ($1,$2,$3,$4,$5,$6)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, summary = excluded.summary, members = excluded.members,
			sort = excluded.sort, updated_at = excluded.updated_at`, b.Code, b.Name, b.Summary, string(members), sort, at); err != nil {
			return fmt.Errorf("save bundle: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}
