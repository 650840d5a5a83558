package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang/idempotency"
)

var _ idempotency.Store = (*DB)(nil)

// IdempotencyRecord returns the account's record of key, as last
// committed: a change racing with this read meets the caller's at the
// record's primary key (bindClaim).
func (db *DB) IdempotencyRecord(ctx context.Context, accountID, key string) (idempotency.Record, error) {
	var r idempotency.Record
	var resp string
	var done sql.NullTime
	err := db.point.QueryRowContext(lookup(ctx), `SELECT account_id, idem_key, method, path, request_hash, owner_token, case_id,
		status, response, created_at, reserved_at, completed_at FROM idempotency_keys WHERE account_id = $1 AND idem_key = $2`,
		accountID, key).Scan(&r.AccountID, &r.Key, &r.Method, &r.Path, &r.RequestHash, &r.Owner, &r.CaseID, &r.Status,
		&resp, &r.CreatedAt, &r.ReservedAt, &done)
	if err != nil {
		return r, notFound(err, "幂等键记录")
	}
	r.Response = []byte(resp)
	return r, nil
}

// TakeOverKey hands an abandoned in-flight reservation to a new attempt and
// returns the case bound to it at that moment: a bind commits either before
// (and is returned) or fails after (its owner no longer matches).
func (db *DB) TakeOverKey(ctx context.Context, accountID, key, oldOwner, newOwner string, at time.Time) (bool, string, error) {
	var caseID string
	err := db.group(ctx, func(ctx context.Context, q execer) error {
		return q.QueryRowContext(ctx, `UPDATE idempotency_keys SET owner_token = $1, reserved_at = $2
			WHERE account_id = $3 AND idem_key = $4 AND owner_token = $5 AND status = 0 RETURNING case_id`,
			newOwner, at.UTC(), accountID, key, oldOwner).Scan(&caseID)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", nil
	}
	if err != nil {
		return false, "", fmt.Errorf("take over idempotency key: %w", err)
	}
	return true, caseID, nil
}

// keyUpsert inserts the claim's record, or updates the one its owner holds
// in flight (the SET and WHERE follow): one statement, so concurrent
// attempts on any engine meet at the primary key.
const keyUpsert = `INSERT INTO idempotency_keys (account_id, idem_key, method, path, request_hash, owner_token,
	created_at, reserved_at, case_id, status, response, completed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$7,$8,$9,$10,$11)
	ON CONFLICT (account_id, idem_key) DO UPDATE SET `

// keyArgs are keyUpsert's parameters for c.
func keyArgs(c idempotency.Claim, caseID string, status int, response string, done any) []any {
	return []any{c.AccountID, c.Key, c.Method, c.Path, c.RequestHash, c.Owner, c.At.UTC(), caseID, status, response, done}
}

// ReleaseKey deletes owner's in-flight reservation unless a case is bound
// to it: a request that changed a case keeps its key, so a retry answers
// from the case instead of changing it again.
func (db *DB) ReleaseKey(ctx context.Context, accountID, key, owner string) error {
	err := db.group(ctx, func(ctx context.Context, q execer) error {
		_, err := q.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE account_id = $1 AND idem_key = $2
			AND owner_token = $3 AND status = 0 AND case_id = ''`, accountID, key, owner)
		return err
	})
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// DeleteKey deletes the account's record of key if created before t.
func (db *DB) DeleteKey(ctx context.Context, accountID, key string, before time.Time) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE account_id = $1 AND idem_key = $2
		AND created_at < $3`, accountID, key, before.UTC())
	if err != nil {
		return fmt.Errorf("delete idempotency key: %w", err)
	}
	return nil
}

// DeleteKeysBefore deletes every record created before t.
func (db *DB) DeleteKeysBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return res.RowsAffected()
}

// claimSet is bindClaim's SET and WHERE of keyUpsert: the case is set on
// the record its owner holds in flight, unless another case is bound.
const claimSet = `case_id = excluded.case_id WHERE idempotency_keys.owner_token = excluded.owner_token
	AND idempotency_keys.status = 0 AND (idempotency_keys.case_id = '' OR idempotency_keys.case_id = excluded.case_id)`

// bindClaim ties the request's idempotency claim (when ctx carries one) to
// the case it changes, inside the change's transaction: a new key's record
// is inserted here, with the case; a record the request took over gets the
// case. If another attempt holds the key (it took it over, or another
// instance inserted it first), the change is refused and rolled back, so
// two attempts with one key never both take effect.
func bindClaim(ctx context.Context, tx *sql.Tx, caseID string) error {
	c, ok := idempotency.ClaimFrom(ctx)
	if !ok {
		return nil
	}
	if c.Lost() {
		return idempotency.ErrClaimLost()
	}
	res, err := tx.ExecContext(ctx, keyUpsert+claimSet, keyArgs(c, caseID, 0, "", nil)...)
	if err != nil {
		return fmt.Errorf("bind idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return idempotency.ErrClaimLost()
	}
	c.MarkBound()
	return nil
}
