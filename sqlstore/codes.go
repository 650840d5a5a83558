package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/notify"
)

// SaveCode stores a one-time code and the message that carries it.
func (db *DB) SaveCode(ctx context.Context, c identity.Code, m notify.Message) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO otp_codes (id, purpose, target_hash, code_hash, attempts,
			created_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
			c.ID, c.Purpose, db.pii.Hash("mobile", c.Target), c.CodeHash, c.Attempts, c.CreatedAt, c.ExpiresAt)
		if err != nil {
			return fmt.Errorf("insert code: %w", err)
		}
		return insertMessage(ctx, tx, db, m)
	})
}

// LatestCode returns the newest code for purpose and target, or ENOTFOUND.
func (db *DB) LatestCode(ctx context.Context, purpose, target string) (identity.Code, error) {
	var c identity.Code
	var used sql.NullTime
	err := db.write.QueryRowContext(ctx, `SELECT id, purpose, code_hash, attempts, created_at, expires_at, used_at
		FROM otp_codes WHERE target_hash = $1 AND purpose = $2 ORDER BY created_at DESC LIMIT 1`,
		db.pii.Hash("mobile", target), purpose).Scan(&c.ID, &c.Purpose, &c.CodeHash, &c.Attempts, &c.CreatedAt, &c.ExpiresAt, &used)
	if err != nil {
		return c, notFound(err, "验证码")
	}
	c.Target, c.UsedAt = target, used.Time
	return c, nil
}

// TryCode counts one attempt at an unused code with fewer than max attempts
// and reports whether it did. One conditional UPDATE does both, so that
// concurrent attempts are all counted (a row lock on PostgreSQL, the one
// writer on SQLite).
func (db *DB) TryCode(ctx context.Context, id string, max int) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE otp_codes SET attempts = attempts + 1
		WHERE id = $1 AND used_at IS NULL AND attempts < $2`, id, max)
	if err != nil {
		return false, fmt.Errorf("try code: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UseCode marks a code used unless it was already, and reports whether it did.
func (db *DB) UseCode(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE otp_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, at, id)
	if err != nil {
		return false, fmt.Errorf("use code: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CountCodesSince counts codes sent to target since a time.
func (db *DB) CountCodesSince(ctx context.Context, target string, since time.Time) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM otp_codes WHERE target_hash = $1 AND created_at >= $2`,
		db.pii.Hash("mobile", target), since).Scan(&n)
	return n, err
}
