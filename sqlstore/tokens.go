package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
)

const tokenCols = `id, account_id, name, token_hash, created_at, expires_at, revoked_at, last_used_at`

func scanToken(sc interface{ Scan(...any) error }) (identity.Token, error) {
	var t identity.Token
	var rev, used sql.NullTime
	err := sc.Scan(&t.ID, &t.AccountID, &t.Name, &t.Hash, &t.CreatedAt, &t.ExpiresAt, &rev, &used)
	t.RevokedAt, t.LastUsedAt = rev.Time, used.Time
	return t, err
}

// CreateToken stores a token hash.
func (db *DB) CreateToken(ctx context.Context, t identity.Token, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (id, account_id, name, token_hash, created_at, expires_at)
			VALUES ($1,$2,$3,$4,$5,$6)`, t.ID, t.AccountID, t.Name, t.Hash, t.CreatedAt, t.ExpiresAt); err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// TokenByHash finds a token.
func (db *DB) TokenByHash(ctx context.Context, hash string) (identity.Token, error) {
	t, err := scanToken(db.read.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = $1`, hash))
	return t, notFound(err, "令牌")
}

// TouchToken records a token's use.
func (db *DB) TouchToken(ctx context.Context, id string, at time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at, id)
	return err
}

// RevokeToken revokes a token.
func (db *DB) RevokeToken(ctx context.Context, id string, at time.Time, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, at, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

// TokensOf lists an account's tokens.
func (db *DB) TokensOf(ctx context.Context, accountID string) ([]identity.Token, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE account_id = $1
		ORDER BY created_at DESC`, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []identity.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
