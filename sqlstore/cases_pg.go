package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/webhook"
)

// On PostgreSQL every statement is a round trip, and case creations append
// to the audit chain, whose head row makes them wait for each other (they
// run one after another on the group committer's connection, group.go): a
// round trip saved there is saved for every application. createCasePG
// stores what createCase stores in two statements instead of seven (serial,
// case, event, webhook subscriptions, the idempotency claim; SMS, site
// message), by data-modifying WITH clauses, which SQLite does not have; the
// audit entry goes with its group's others (audit_batch.go).

// createCaseSQL numbers the case from the daily serial (the number made as
// createCase makes it: code, day, four digits), stores it with its first
// event, and returns the serial and the enabled webhook subscriptions
// (none: one row of NULLs). Past serial 9999 nothing is stored; the
// caller's error drops the serial's increment (its savepoint, or the
// group's rollback).
//
// createCaseClaimSQL is the same with the request's idempotency claim bound
// in it (bindClaim's upsert, its parameters after the event's), and the
// count of records it bound in the last column: not 1, the claim is lost.
var createCaseSQL, createCaseClaimSQL = func() (string, string) {
	// caseInsertArgs (caseCols, simulated, kind), the case number's place
	// ($2) holding the day; then eventArgs.
	cs := make([]string, strings.Count(caseCols, ",")+3)
	for i := range cs {
		cs[i] = "$" + strconv.Itoa(i+1)
	}
	cs[1] = `$4 || $2 || lpad(s.n::text, 4, '0')`
	es := make([]string, strings.Count(eventInsertCols, ",")+1)
	for i := range es {
		es[i] = "$" + strconv.Itoa(len(cs)+i+1)
	}
	base := `WITH s AS (
		INSERT INTO case_serials (code, day, n) VALUES ($4, $2, 1)
		ON CONFLICT (code, day) DO UPDATE SET n = case_serials.n + 1 RETURNING n),
	c AS (
		INSERT INTO cases (` + caseCols + `, simulated, kind)
		SELECT ` + strings.Join(cs, ", ") + ` FROM s WHERE s.n <= 9999 RETURNING id),
	e AS (
		INSERT INTO case_events (` + eventInsertCols + `)
		SELECT ` + strings.Join(es, ", ") + ` FROM c)`
	sel := `
	SELECT s.n, w.id, w.events, COALESCE(w.org_id, ''), %s
	FROM s LEFT JOIN webhook_subscriptions w ON w.enabled`
	// keyUpsert's parameters renumbered after the case's and the event's.
	n := len(cs) + len(es)
	claim := regexp.MustCompile(`\$(\d+)`).ReplaceAllStringFunc(keyUpsert+claimSet, func(p string) string {
		k, _ := strconv.Atoi(p[1:])
		return "$" + strconv.Itoa(n+k)
	})
	return base + fmt.Sprintf(sel, "1"),
		base + `,
	k AS (` + claim + ` RETURNING 1)` + fmt.Sprintf(sel, "(SELECT count(*) FROM k)")
}()

// createCasePG is createCase on PostgreSQL: the same rows, in two
// statements (createCaseSQL, then the notices in one) and the webhook
// deliveries between them when there are subscriptions. The audit entry is
// appended as on SQLite: inside a group, linked and stored with the
// group's others (audit_batch.go).
func (db *DB) createCasePG(ctx context.Context, tx *sql.Tx, nc casework.NewCase, caseArgs []any, claim *idempotency.Claim) (casework.Case, error) {
	query, args, err := casePGStatement(nc, caseArgs, claim)
	if err != nil {
		return nc.Case, err
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nc.Case, createCaseErr(err)
	}
	st, err := scanCasePG(rows)
	rows.Close()
	if err == nil {
		err = rows.Err()
	}
	if err != nil {
		return nc.Case, createCaseErr(err)
	}
	c, err := st.number(nc)
	if err != nil {
		return c, err
	}
	if claim != nil {
		claim.MarkBound()
	}
	if err := queueWebhookDeliveries(ctx, tx, st.subs, st.filtered, c, nc.Event); err != nil {
		return c, err
	}
	if q, a, err := db.noticePG(c, nc.Msg); err != nil {
		return c, err
	} else if q != "" {
		if _, err := tx.ExecContext(ctx, q, a...); err != nil {
			return c, fmt.Errorf("insert case notice: %w", err)
		}
	}
	return c, appendAudit(ctx, tx, caseAudit(c, nc))
}

// casePGStatement is createCaseSQL (createCaseClaimSQL with claim) and its
// arguments for nc, whose case row's are caseArgs.
func casePGStatement(nc casework.NewCase, caseArgs []any, claim *idempotency.Claim) (string, []any, error) {
	args := append(append(make([]any, 0, len(caseArgs)+22), caseArgs...), eventArgs(nc.Event)...)
	args[1] = nc.Day
	if claim == nil {
		return createCaseSQL, args, nil
	}
	if claim.Lost() {
		return "", nil, idempotency.ErrClaimLost()
	}
	return createCaseClaimSQL, append(args, keyArgs(*claim, nc.Case.ID, 0, "", nil)...), nil
}

// caseStored is what createCaseSQL answers: the serial, the enabled
// webhook subscriptions, and the count of idempotency records bound.
type caseStored struct {
	n, bound int64
	subs     []webhook.Subscription
	filtered bool // a subscription is limited to an org
}

// scanCasePG reads createCaseSQL's rows (not their error: the caller's).
func scanCasePG(rows interface {
	Next() bool
	Scan(...any) error
}) (caseStored, error) {
	var st caseStored
	for rows.Next() {
		var id, events sql.NullString
		var org string
		if err := rows.Scan(&st.n, &id, &events, &org, &st.bound); err != nil {
			return st, err
		}
		if id.Valid {
			st.subs = append(st.subs, webhook.Subscription{ID: id.String, Events: strings.Fields(events.String), OrgID: org, Enabled: true})
			st.filtered = st.filtered || org != ""
		}
	}
	return st, nil
}

// number is nc's case numbered from the serial stored, or the error of a
// serial past the day's limit or of a claim that was lost.
func (st caseStored) number(nc casework.NewCase) (casework.Case, error) {
	c := nc.Case
	if st.n > 9999 {
		return c, yiwang.Errorf(yiwang.ECONFLICT, "该事项今日办件已达上限，请明日再试")
	}
	if st.bound != 1 {
		return c, idempotency.ErrClaimLost()
	}
	if st.n < 1 {
		return c, errors.New("insert case: no serial returned")
	}
	c.No = fmt.Sprintf("%s%s%04d", c.EntryCode, nc.Day, st.n)
	return c, nil
}

// noticePG is the statement storing the notice msg of the new case c (its
// number in the text): the SMS, the message-box letter, or both in one;
// "" when msg is nil.
func (db *DB) noticePG(c casework.Case, msg *notify.Message) (string, []any, error) {
	if msg == nil {
		return "", nil, nil
	}
	m := *msg
	m.Body = strings.Replace(m.Body, "办件编号请登录查看", "办件编号"+c.No, 1)
	var a pgArgs
	var inserts []string
	if m.Channel == notify.ChannelSMS {
		inserts = append(inserts, `INSERT INTO notifications (`+notificationInsertCols+`)
			VALUES (`+a.add(db.notificationArgs(m)...)+`)`)
	}
	if m.AccountID != "" {
		inserts = append(inserts, `INSERT INTO messages (`+siteMessageInsertCols+`)
			VALUES (`+a.add(db.siteMessageArgs(m)...)+`)`)
	}
	switch len(inserts) {
	case 0:
		return "", nil, fmt.Errorf("notification %s: channel %q without an account to deliver to", m.ID, m.Channel)
	case 1:
		return inserts[0], a, nil
	default: // both, in one statement
		return `WITH sms AS (` + inserts[0] + `) ` + inserts[1], a, nil
	}
}

// caseAudit is the audit entry of the new case c: nc's, with the number.
func caseAudit(c casework.Case, nc casework.NewCase) audit.Entry {
	e := nc.Audit
	e.Detail = c.No + " " + e.Detail
	return e
}

// createCaseErr is createCaseSQL's error as createCase gives it: an event
// that already exists is a conflict.
func createCaseErr(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" && pg.TableName == "case_events" {
		return yiwang.Errorf(yiwang.ECONFLICT, "该办件已被他人处理，请刷新后重试")
	}
	return fmt.Errorf("insert case: %w", err)
}

// pgArgs collects the values of a statement built piece by piece.
type pgArgs []any

// add appends vs and returns their placeholders, comma-separated.
func (a *pgArgs) add(vs ...any) string {
	var b strings.Builder
	for i, v := range vs {
		*a = append(*a, v)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(len(*a)))
	}
	return b.String()
}
