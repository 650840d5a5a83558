package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang/notify"
)

func insertMessage(ctx context.Context, tx *sql.Tx, db *DB, m notify.Message) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, channel, recipient_enc, recipient_masked, body_enc,
		status, attempts, last_error, created_at, sent_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		m.ID, m.Channel, db.pii.Seal(m.Recipient), m.RecipientMasked, db.pii.Seal(m.Body), m.Status, m.Attempts,
		m.LastError, m.CreatedAt, nullTime(m.SentAt))
	if err != nil {
		return fmt.Errorf("insert notification: %w", err)
	}
	return nil
}

func (db *DB) messages(ctx context.Context, q string, args ...any) ([]notify.Message, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, channel, recipient_enc, recipient_masked, body_enc, status,
		attempts, last_error, created_at, sent_at FROM notifications `+q, args...)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	defer rows.Close()
	var out []notify.Message
	for rows.Next() {
		var m notify.Message
		var rcp, body string
		var sent sql.NullTime
		if err := rows.Scan(&m.ID, &m.Channel, &rcp, &m.RecipientMasked, &body, &m.Status, &m.Attempts,
			&m.LastError, &m.CreatedAt, &sent); err != nil {
			return nil, err
		}
		m.SentAt = sent.Time
		if m.Recipient, err = db.pii.Open(rcp); err != nil {
			return nil, err
		}
		if m.Body, err = db.pii.Open(body); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// PendingMessages returns the oldest undelivered messages.
func (db *DB) PendingMessages(ctx context.Context, limit int) ([]notify.Message, error) {
	return db.messages(ctx, `WHERE status = 'pending' ORDER BY created_at LIMIT $1`, limit)
}

// RecentMessages returns the newest messages, for the dev outbox page.
func (db *DB) RecentMessages(ctx context.Context, limit int) ([]notify.Message, error) {
	return db.messages(ctx, `ORDER BY created_at DESC LIMIT $1`, limit)
}

// MarkMessage stores a delivery attempt.
func (db *DB) MarkMessage(ctx context.Context, m notify.Message) error {
	_, err := db.write.ExecContext(ctx, `UPDATE notifications SET status=$1, attempts=$2, last_error=$3, sent_at=$4
		WHERE id=$5`, m.Status, m.Attempts, m.LastError, nullTime(m.SentAt), m.ID)
	return err
}

// ClaimMessage reserves a pending message for one sender until until, so
// that several instances never deliver the same message twice at once. It
// reports whether the claim was won.
func (db *DB) ClaimMessage(ctx context.Context, id string, now, until time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE notifications SET claimed_until = $1 WHERE id = $2
		AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < $3)`, until, id, now)
	if err != nil {
		return false, fmt.Errorf("claim notification: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
