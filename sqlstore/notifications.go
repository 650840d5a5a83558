package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang/notify"
)

// insertMessage stores m inside tx: in the SMS outbox when it goes by SMS,
// and in the recipient account's message box when it names an account.
func insertMessage(ctx context.Context, tx *sql.Tx, db *DB, m notify.Message) error {
	stored := false
	if m.Channel == notify.ChannelSMS {
		_, err := tx.ExecContext(ctx, `INSERT INTO notifications (`+notificationInsertCols+`)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, db.notificationArgs(m)...)
		if err != nil {
			return fmt.Errorf("insert notification: %w", err)
		}
		stored = true
	}
	if m.AccountID != "" {
		if err := insertSiteMessage(ctx, tx, db, m); err != nil {
			return err
		}
		stored = true
	}
	if !stored {
		return fmt.Errorf("notification %s: channel %q without an account to deliver to", m.ID, m.Channel)
	}
	return nil
}

// notificationInsertCols are the columns stored of an SMS message, in the
// order of notificationArgs.
const notificationInsertCols = `id, channel, recipient_enc, recipient_masked, body_enc, status, attempts,
	last_error, created_at, sent_at`

func (db *DB) notificationArgs(m notify.Message) []any {
	return []any{m.ID, m.Channel, db.pii.Seal(m.Recipient), m.RecipientMasked, db.pii.Seal(m.Body), m.Status, m.Attempts,
		m.LastError, m.CreatedAt, nullTime(m.SentAt)}
}

func (db *DB) messages(ctx context.Context, q string, args ...any) ([]notify.Message, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, channel, recipient_enc, recipient_masked, body_enc, status,
		attempts, last_error, created_at, sent_at, next_attempt_at FROM notifications `+q, args...)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	defer rows.Close()
	var out []notify.Message
	for rows.Next() {
		var m notify.Message
		var rcp, body string
		var sent, next sql.NullTime
		if err := rows.Scan(&m.ID, &m.Channel, &rcp, &m.RecipientMasked, &body, &m.Status, &m.Attempts,
			&m.LastError, &m.CreatedAt, &sent, &next); err != nil {
			return nil, err
		}
		m.SentAt, m.NextAttemptAt = sent.Time, next.Time
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

// PendingMessages returns the oldest unsent SMS messages due at now.
func (db *DB) PendingMessages(ctx context.Context, now time.Time, limit int) ([]notify.Message, error) {
	return db.messages(ctx, `WHERE status = 'pending' AND channel = 'sms'
		AND (next_attempt_at IS NULL OR next_attempt_at <= $1) ORDER BY created_at LIMIT $2`, now, limit)
}

// RecentMessages returns the newest messages, for the dev outbox page.
func (db *DB) RecentMessages(ctx context.Context, limit int) ([]notify.Message, error) {
	return db.messages(ctx, `ORDER BY created_at DESC LIMIT $1`, limit)
}

// MarkMessages stores the delivery attempts of claimed messages and
// releases their claims (a message to retry is held back by
// next_attempt_at instead), in one transaction: on SQLite it shares a
// commit with whatever else is written meanwhile.
func (db *DB) MarkMessages(ctx context.Context, ms []notify.Message) error {
	mark := func(ctx context.Context, q execer) error {
		for _, m := range ms {
			if _, err := q.ExecContext(ctx, `UPDATE notifications SET status=$1, attempts=$2, last_error=$3, sent_at=$4,
				next_attempt_at=$5, claimed_until=NULL WHERE id=$6`, m.Status, m.Attempts, m.LastError, nullTime(m.SentAt),
				nullTime(m.NextAttemptAt), m.ID); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	if db.Engine == Postgres { // one commit, not one a message
		err = db.tx(ctx, func(tx *sql.Tx) error { return mark(ctx, tx) })
	} else {
		err = db.group(ctx, mark)
	}
	if err != nil {
		return fmt.Errorf("mark notifications: %w", err)
	}
	return nil
}

// ClaimMessages reserves those of the messages ids that are pending and due
// at now for one sender until until, so that several instances never
// deliver the same message twice at once, and returns their IDs: one
// statement, so two senders' claims meet at each row.
func (db *DB) ClaimMessages(ctx context.Context, ids []string, now, until time.Time) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var won []string
	err := db.group(ctx, func(ctx context.Context, q execer) error {
		won = won[:0] // a grouped work may run twice
		args := []any{until, now}
		rows, err := q.QueryContext(ctx, `UPDATE notifications SET claimed_until = $1 WHERE id IN (`+placeholders(&args, ids)+`)
			AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < $2)
			AND (next_attempt_at IS NULL OR next_attempt_at <= $2) RETURNING id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			won = append(won, id)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim notifications: %w", err)
	}
	return won, nil
}
