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

// UpdateCode stores a code's attempts and use.
func (db *DB) UpdateCode(ctx context.Context, c identity.Code) error {
	_, err := db.write.ExecContext(ctx, `UPDATE otp_codes SET attempts = $1, used_at = $2 WHERE id = $3`,
		c.Attempts, nullTime(c.UsedAt), c.ID)
	return err
}

// CountCodesSince counts codes sent to target since a time.
func (db *DB) CountCodesSince(ctx context.Context, target string, since time.Time) (int, error) {
	var n int
	err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM otp_codes WHERE target_hash = $1 AND created_at >= $2`,
		db.pii.Hash("mobile", target), since).Scan(&n)
	return n, err
}
