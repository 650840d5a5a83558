package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang/notify"
)

// insertSiteMessage puts m into its account's message box inside tx. The
// body may hold personal data (names, reasons), so it is sealed like the
// SMS outbox's.
func insertSiteMessage(ctx context.Context, tx *sql.Tx, db *DB, m notify.Message) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO messages (`+siteMessageInsertCols+`) VALUES ($1,$2,$3,$4,$5)`,
		db.siteMessageArgs(m)...)
	if err != nil {
		return fmt.Errorf("insert site message: %w", err)
	}
	return nil
}

// siteMessageInsertCols are the columns stored of a new site message, in
// the order of siteMessageArgs.
const siteMessageInsertCols = `id, account_id, body_enc, link, created_at`

func (db *DB) siteMessageArgs(m notify.Message) []any {
	return []any{m.ID, m.AccountID, db.pii.Seal(m.Body), m.Link, m.CreatedAt}
}

const siteMessageCols = `id, account_id, body_enc, link, created_at, read_at`

func (db *DB) scanSiteMessage(sc interface{ Scan(...any) error }) (notify.SiteMessage, error) {
	var m notify.SiteMessage
	var body string
	var read sql.NullTime
	if err := sc.Scan(&m.ID, &m.AccountID, &body, &m.Link, &m.CreatedAt, &read); err != nil {
		return m, err
	}
	m.ReadAt = read.Time
	var err error
	m.Body, err = db.pii.Open(body)
	return m, err
}

// SiteMessages returns a page of an account's messages, newest first, and
// how many it has.
func (db *DB) SiteMessages(ctx context.Context, accountID string, limit, offset int) ([]notify.SiteMessage, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE account_id = $1`, accountID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count site messages: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+siteMessageCols+` FROM messages WHERE account_id = $1
		ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, accountID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("site messages: %w", err)
	}
	defer rows.Close()
	var out []notify.SiteMessage
	for rows.Next() {
		m, err := db.scanSiteMessage(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// SiteMessage returns one of an account's messages; another account's is
// "not found".
func (db *DB) SiteMessage(ctx context.Context, accountID, id string) (notify.SiteMessage, error) {
	m, err := db.scanSiteMessage(db.read.QueryRowContext(ctx, `SELECT `+siteMessageCols+` FROM messages
		WHERE id = $1 AND account_id = $2`, id, accountID))
	return m, notFound(err, "消息")
}

// UnreadSiteMessages counts an account's unread messages.
func (db *DB) UnreadSiteMessages(ctx context.Context, accountID string) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE account_id = $1 AND read_at IS NULL`,
		accountID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count unread messages: %w", err)
	}
	return n, nil
}

// MarkSiteMessagesRead marks an account's unread messages read: the one
// with id, or all when id is "". It returns how many it marked.
func (db *DB) MarkSiteMessagesRead(ctx context.Context, accountID, id string, at time.Time) (int, error) {
	q, args := `UPDATE messages SET read_at = $1 WHERE account_id = $2 AND read_at IS NULL`, []any{at, accountID}
	if id != "" {
		q, args = q+` AND id = $3`, append(args, id)
	}
	res, err := db.write.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("mark messages read: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
