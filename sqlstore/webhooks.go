package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/webhook"
)

// insertWebhookDeliveries queues event ev of case c, inside the case's
// transaction tx, for every enabled subscription that wants it: a change
// that rolls back sends nothing, and a committed one is never lost.
func insertWebhookDeliveries(ctx context.Context, tx *sql.Tx, c casework.Case, ev casework.Event) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, events, COALESCE(org_id, '') FROM webhook_subscriptions
		WHERE enabled = $1`, true)
	if err != nil {
		return fmt.Errorf("webhook subscriptions: %w", err)
	}
	var subs []webhook.Subscription
	filtered := false
	for rows.Next() {
		s := webhook.Subscription{Enabled: true}
		var events string
		if err := rows.Scan(&s.ID, &events, &s.OrgID); err != nil {
			rows.Close()
			return err
		}
		s.Events = strings.Fields(events)
		filtered = filtered || s.OrgID != ""
		subs = append(subs, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return queueWebhookDeliveries(ctx, tx, subs, filtered, c, ev)
}

// queueWebhookDeliveries stores, inside tx, the deliveries of event ev of
// case c to the enabled subscriptions subs; filtered says whether one of
// them is limited to an org (whose chain is then looked up).
func queueWebhookDeliveries(ctx context.Context, tx *sql.Tx, subs []webhook.Subscription, filtered bool, c casework.Case, ev casework.Event) error {
	if len(subs) == 0 {
		return nil
	}
	chain := []string{c.OrgID}
	if filtered {
		var err error
		if chain, err = orgChain(ctx, tx, c.OrgID); err != nil {
			return err
		}
	}
	for _, d := range webhook.NewDeliveries(subs, chain, c, ev) {
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, subscription_id, event, case_id, payload,
			status, attempts, next_attempt_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
			d.ID, d.SubscriptionID, d.Event, d.CaseID, d.Payload, d.Status, d.Attempts, d.NextAttemptAt, d.CreatedAt)
		if err != nil {
			return fmt.Errorf("insert webhook delivery: %w", err)
		}
	}
	return nil
}

// orgChain returns an org's ID and those of every org above it.
func orgChain(ctx context.Context, tx *sql.Tx, orgID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `WITH RECURSIVE up (id, parent_id) AS (
			SELECT id, parent_id FROM orgs WHERE id = $1
			UNION ALL
			SELECT o.id, o.parent_id FROM orgs o JOIN up ON o.id = up.parent_id)
		SELECT id FROM up`, orgID)
	if err != nil {
		return nil, fmt.Errorf("org chain: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const subscriptionCols = `id, url, secret_enc, events, COALESCE(org_id, ''), enabled, created_by, created_at`

func scanSubscription(sc interface{ Scan(...any) error }) (webhook.Subscription, string, error) {
	var s webhook.Subscription
	var secret, events string
	err := sc.Scan(&s.ID, &s.URL, &secret, &events, &s.OrgID, &s.Enabled, &s.CreatedBy, &s.CreatedAt)
	s.Events = strings.Fields(events)
	return s, secret, err
}

// CreateSubscription stores a new subscription, its secret sealed.
func (db *DB) CreateSubscription(ctx context.Context, s webhook.Subscription, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var org any
		if s.OrgID != "" {
			org = s.OrgID
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_subscriptions (id, url, secret_enc, events, org_id, enabled,
			created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, s.ID, s.URL, db.pii.Seal(s.Secret),
			strings.Join(s.Events, " "), org, s.Enabled, s.CreatedBy, s.CreatedAt)
		if err != nil {
			return fmt.Errorf("insert webhook subscription: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// Subscriptions lists every subscription, oldest first, without secrets.
func (db *DB) Subscriptions(ctx context.Context) ([]webhook.Subscription, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+subscriptionCols+` FROM webhook_subscriptions ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("webhook subscriptions: %w", err)
	}
	defer rows.Close()
	var out []webhook.Subscription
	for rows.Next() {
		s, _, err := scanSubscription(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Subscription returns one subscription with its secret opened.
func (db *DB) Subscription(ctx context.Context, id string) (webhook.Subscription, error) {
	s, secret, err := scanSubscription(db.read.QueryRowContext(ctx, `SELECT `+subscriptionCols+`
		FROM webhook_subscriptions WHERE id = $1`, id))
	if err != nil {
		return s, notFound(err, "推送订阅")
	}
	s.Secret, err = db.pii.Open(secret)
	return s, err
}

// SetSubscriptionEnabled turns a subscription on or off.
func (db *DB) SetSubscriptionEnabled(ctx context.Context, id string, enabled bool, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET enabled = $1 WHERE id = $2`, enabled, id)
		if err != nil {
			return fmt.Errorf("update webhook subscription: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ENOTFOUND, "推送订阅不存在")
		}
		return appendAudit(ctx, tx, e)
	})
}

// DeleteSubscription deletes a subscription and its deliveries.
func (db *DB) DeleteSubscription(ctx context.Context, id string, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE subscription_id = $1`, id); err != nil {
			return fmt.Errorf("delete webhook deliveries: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM webhook_subscriptions WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("delete webhook subscription: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ENOTFOUND, "推送订阅不存在")
		}
		return appendAudit(ctx, tx, e)
	})
}

const deliveryCols = `d.id, d.subscription_id, d.event, d.case_id, d.payload, d.status, d.attempts, d.last_status,
	d.last_error, d.next_attempt_at, d.created_at, d.delivered_at, s.url`

func (db *DB) deliveries(ctx context.Context, q string, args ...any) ([]webhook.Delivery, error) {
	return db.readDeliveries(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d
		JOIN webhook_subscriptions s ON s.id = d.subscription_id `+q, args...)
}

// readDeliveries runs query, which selects deliveryCols.
func (db *DB) readDeliveries(ctx context.Context, query string, args ...any) ([]webhook.Delivery, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries: %w", err)
	}
	defer rows.Close()
	var out []webhook.Delivery
	for rows.Next() {
		var d webhook.Delivery
		var delivered sql.NullTime
		if err := rows.Scan(&d.ID, &d.SubscriptionID, &d.Event, &d.CaseID, &d.Payload, &d.Status, &d.Attempts,
			&d.LastStatus, &d.LastError, &d.NextAttemptAt, &d.CreatedAt, &delivered, &d.URL); err != nil {
			return nil, err
		}
		d.DeliveredAt = delivered.Time
		out = append(out, d)
	}
	return out, rows.Err()
}

// Deliveries lists the newest deliveries, of one subscription or of all.
func (db *DB) Deliveries(ctx context.Context, subscriptionID string, limit int) ([]webhook.Delivery, error) {
	if subscriptionID == "" {
		return db.newestDeliveries(ctx, limit)
	}
	return db.deliveries(ctx, `WHERE d.subscription_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT $2`,
		subscriptionID, limit)
}

// newestDeliveries lists the newest deliveries of all subscriptions. Each
// subscription's are read from webhook_deliveries_subscription, newest
// first, up to limit, and the database merges them: the log has a row for
// every event sent to every subscriber, and read whole and sorted it made
// the administrator's page as slow as the platform was old.
func (db *DB) newestDeliveries(ctx context.Context, limit int) ([]webhook.Delivery, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM webhook_subscriptions`)
	if err != nil {
		return nil, fmt.Errorf("webhook subscriptions: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, err
	}
	// Each branch reads the deliveries alone: joined to their
	// subscription there, SQLite put the subscriptions first and sorted
	// all the deliveries again.
	cols := strings.TrimSuffix(deliveryCols, ", s.url")
	args := []any{limit}
	var parts []string
	for i, g := range ownerBranches(&args, ids) {
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT `+cols+` FROM webhook_deliveries d WHERE d.subscription_id IN (`+g+`)
			ORDER BY d.created_at DESC, d.id DESC LIMIT $1) sub%d`, i))
	}
	return db.readDeliveries(ctx, `SELECT `+deliveryCols+` FROM (`+strings.Join(parts, " UNION ALL ")+
		` ORDER BY created_at DESC, id DESC LIMIT $1) d JOIN webhook_subscriptions s ON s.id = d.subscription_id
		ORDER BY d.created_at DESC, d.id DESC`, args...)
}

// DueDeliveries lists pending deliveries of enabled subscriptions that are
// due at now and unclaimed, the longest waiting first.
func (db *DB) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]webhook.Delivery, error) {
	return db.deliveries(ctx, `WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND s.enabled = $2
		AND (d.claimed_until IS NULL OR d.claimed_until < $1) ORDER BY d.next_attempt_at, d.id LIMIT $3`, now, true, limit)
}

// ClaimDelivery reserves a due pending delivery for one dispatcher until
// until, so that two instances never send the same delivery at once.
func (db *DB) ClaimDelivery(ctx context.Context, id string, now, until time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE webhook_deliveries SET claimed_until = $1 WHERE id = $2
		AND status = 'pending' AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3)`, until, id, now)
	if err != nil {
		return false, fmt.Errorf("claim webhook delivery: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MarkDelivery stores the outcome of an attempt and releases the claim.
func (db *DB) MarkDelivery(ctx context.Context, d webhook.Delivery) error {
	_, err := db.write.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = $2, last_status = $3,
		last_error = $4, next_attempt_at = $5, delivered_at = $6, claimed_until = NULL WHERE id = $7`,
		d.Status, d.Attempts, d.LastStatus, d.LastError, d.NextAttemptAt, nullTime(d.DeliveredAt), d.ID)
	if err != nil {
		return fmt.Errorf("mark webhook delivery: %w", err)
	}
	return nil
}
