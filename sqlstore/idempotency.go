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

// ReserveKey inserts the record unless the account already has one for the
// key; the primary key makes exactly one of concurrent reservations win.
func (db *DB) ReserveKey(ctx context.Context, r idempotency.Record) (bool, error) {
	var n int64
	err := db.group(ctx, func(ctx context.Context, q execer) error {
		res, err := q.ExecContext(ctx, `INSERT INTO idempotency_keys (account_id, idem_key, method, path, request_hash,
			owner_token, created_at, reserved_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (account_id, idem_key) DO NOTHING`,
			r.AccountID, r.Key, r.Method, r.Path, r.RequestHash, r.Owner, r.CreatedAt.UTC(), r.ReservedAt.UTC())
		if err != nil {
			return fmt.Errorf("reserve idempotency key: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

// IdempotencyRecord returns the account's record of key. It reads from the
// writer so that it sees the row a reservation has just lost to.
func (db *DB) IdempotencyRecord(ctx context.Context, accountID, key string) (idempotency.Record, error) {
	var r idempotency.Record
	var resp string
	var done sql.NullTime
	err := db.write.QueryRowContext(ctx, `SELECT account_id, idem_key, method, path, request_hash, owner_token, case_id,
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

// CompleteKey stores the answer, if owner still holds the reservation.
func (db *DB) CompleteKey(ctx context.Context, accountID, key, owner string, status int, response []byte, at time.Time) error {
	err := db.group(ctx, func(ctx context.Context, q execer) error {
		_, err := q.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, response = $2, completed_at = $3
			WHERE account_id = $4 AND idem_key = $5 AND owner_token = $6 AND status = 0`,
			status, string(response), at.UTC(), accountID, key, owner)
		return err
	})
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
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

// bindClaim ties the request's idempotency reservation (when ctx carries
// one) to the case it changes, inside the change's transaction. If another
// attempt took the reservation over meanwhile, the change is refused and
// rolled back, so two attempts with one key never both take effect.
func bindClaim(ctx context.Context, tx *sql.Tx, caseID string) error {
	c, ok := idempotency.ClaimFrom(ctx)
	if !ok {
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET case_id = $1 WHERE account_id = $2 AND idem_key = $3
		AND owner_token = $4 AND status = 0 AND (case_id = '' OR case_id = $1)`, caseID, c.AccountID, c.Key, c.Owner)
	if err != nil {
		return fmt.Errorf("bind idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return idempotency.ErrClaimLost()
	}
	return nil
}
