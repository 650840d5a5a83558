package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/supervision"
)

var _ supervision.Store = (*DB)(nil)

// TryLease takes the lease of job name for holder until until when it is
// free, expired, or holder's own (a renewal). One statement: the unique
// name makes two instances' attempts serialise, and the WHERE of the
// upsert lets only one of them through.
func (db *DB) TryLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, `INSERT INTO job_leases (name, holder, until) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
		WHERE job_leases.holder = excluded.holder OR job_leases.until < $4`, name, holder, until.UTC(), now.UTC())
	if err != nil {
		return false, fmt.Errorf("lease %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReleaseLease ends holder's lease of job name.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM job_leases WHERE name = $1 AND holder = $2`, name, holder)
	return err
}

// PromiseLimits lists the distinct committed limits of the catalog's entries.
func (db *DB) PromiseLimits(ctx context.Context) ([]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT promise_days FROM catalog_entries`)
	if err != nil {
		return nil, fmt.Errorf("promise limits: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// indexedBy names the index SQLite must use where its planner prefers a
// unique index that is not covering (and so reads each row of a big
// table); PostgreSQL plans by cost and gets no hint.
func (db *DB) indexedBy(index string) string {
	if db.Engine == SQLite {
		return " INDEXED BY " + index
	}
	return ""
}

// caseRule is the rule that watches a case in each open state, in SQL.
var caseRule = fmt.Sprintf(`CASE c.state WHEN 'submitted' THEN '%s' WHEN 'accepted' THEN '%s' ELSE '%s' END`,
	supervision.RuleArt32, supervision.RuleDeadline, supervision.RuleDelivery)

// scanQuery runs one of the scan's queries, each row given to each.
func (db *DB) scanQuery(ctx context.Context, q string, args []any, each func(*sql.Rows) error) error {
	rows, err := db.read.wide().QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DueCases finds the cases whose alert is missing or out of date. The
// range due <= the latest cutoff walks cases_watch (due, state, entry_id);
// each state's own cutoff (for accepted cases, the entry's limit's) narrows
// it before a case row is read, and the open alert of the case's rule is
// found through supervision_alerts_open. Cases whose alert is up to date
// never leave the database.
func (db *DB) DueCases(ctx context.Context, cut supervision.Cutoffs) ([]supervision.Candidate, error) {
	args := []any{cut.Today, cut.Submitted, cut.Decided, cut.Default}
	top := max(cut.Submitted, cut.Decided, cut.Default)
	ps := make([]int, 0, len(cut.Accepted))
	for p := range cut.Accepted {
		ps = append(ps, p)
	}
	sort.Ints(ps)
	var when strings.Builder
	for _, p := range ps {
		args = append(args, p, cut.Accepted[p])
		fmt.Fprintf(&when, ` WHEN $%d THEN $%d`, len(args)-1, len(args))
		top = max(top, cut.Accepted[p])
	}
	args = append(args, top)
	q := fmt.Sprintf(`SELECT c.id, c.no, c.item_name, c.org_id, c.state, c.due, c.kind, COALESCE(e.promise_days, 0),
		COALESCE(a.id, ''), COALESCE(a.level, ''), COALESCE(a.due, ''), COALESCE(a.org_id, '')
		FROM cases c LEFT JOIN catalog_entries e%s ON e.id = c.entry_id
		LEFT JOIN supervision_alerts a%s ON a.case_id = c.id AND a.cleared_at IS NULL AND a.rule = %s
		WHERE c.due <= $%d AND c.state IN ('submitted', 'accepted', 'decided')
		AND ((c.state = 'submitted' AND c.due <= $2) OR (c.state = 'decided' AND c.due <= $3)
			OR (c.state = 'accepted' AND c.due <= CASE COALESCE(e.promise_days, 0)%s ELSE $4 END))
		AND (a.id IS NULL OR a.due <> c.due OR a.org_id <> c.org_id OR (a.level = '%s' AND c.due < $1))`,
		db.indexedBy("catalog_entries_promise"), db.indexedBy("supervision_alerts_watch"), caseRule, len(args), when.String(), supervision.Yellow)
	var out []supervision.Candidate
	err := db.scanQuery(ctx, q, args, func(rows *sql.Rows) error {
		var c supervision.Candidate
		err := rows.Scan(&c.CaseID, &c.CaseNo, &c.ItemName, &c.OrgID, &c.State, &c.Due, &c.Kind, &c.PromiseDays,
			&c.AlertID, &c.AlertLevel, &c.AlertDue, &c.AlertOrg)
		out = append(out, c)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("due cases: %w", err)
	}
	return out, nil
}

// StaleAlerts finds open alerts whose case moved on: for the case rules no
// case stands at the alert's due date in the rule's state for its org,
// which cases_watch (due, state, id, org_id, …) answers without reading a
// case row; for the step rule no open task of the org is due that day,
// looked up by the case (case_tasks_case: a case has a few tasks, while an
// org has thousands due on one day).
func (db *DB) StaleAlerts(ctx context.Context) ([]string, error) {
	var out []string
	err := db.scanQuery(ctx, fmt.Sprintf(`SELECT a.id FROM supervision_alerts a%[5]s
		WHERE a.cleared_at IS NULL AND a.rule IN ('%[1]s', '%[2]s', '%[3]s')
		AND NOT EXISTS (SELECT 1 FROM cases c%[6]s WHERE c.due = a.due AND c.state = CASE a.rule WHEN '%[1]s' THEN 'submitted'
			WHEN '%[2]s' THEN 'accepted' ELSE 'decided' END AND c.id = a.case_id AND c.org_id = a.org_id)
		UNION ALL
		SELECT a.id FROM supervision_alerts a WHERE a.cleared_at IS NULL AND a.rule = '%[4]s'
		AND NOT EXISTS (SELECT 1 FROM case_tasks t%[7]s WHERE t.case_id = a.case_id AND t.org_id = a.org_id AND t.state = 'open'
			AND t.due = a.due)`,
		supervision.RuleArt32, supervision.RuleDeadline, supervision.RuleDelivery, supervision.RuleTask,
		db.indexedBy("supervision_alerts_watch"), db.indexedBy("cases_watch"), db.indexedBy("case_tasks_case")), nil,
		func(rows *sql.Rows) error {
			var id string
			err := rows.Scan(&id)
			out = append(out, id)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("stale alerts: %w", err)
	}
	return out, nil
}

// OverdueTasks finds the open review and decision tasks past their due
// date (case_tasks_state_due) whose step alert is missing or out of date,
// leaving out the case's own org's tasks due on the date of its open
// deadline alert. Both checks read only supervision_alerts_watch, so that
// a case row is read only for a task returned.
func (db *DB) OverdueTasks(ctx context.Context, day string) ([]supervision.TaskCandidate, error) {
	var out []supervision.TaskCandidate
	err := db.scanQuery(ctx, fmt.Sprintf(`SELECT t.case_id, c.no, c.item_name, t.org_id, t.name, t.due, t.joint,
		COALESCE(a.id, ''), COALESCE(a.due, '')
		FROM case_tasks t JOIN cases c ON c.id = t.case_id
		LEFT JOIN supervision_alerts a ON a.case_id = t.case_id AND a.rule = '%[1]s' AND a.org_id = t.org_id AND a.cleared_at IS NULL
		WHERE t.state = 'open' AND t.due <> '' AND t.due < $1 AND t.kind IN ('%[3]s', '%[4]s')
		AND (a.id IS NULL OR a.due <> t.due)
		AND (t.joint = 1 OR NOT EXISTS (SELECT 1 FROM supervision_alerts d WHERE d.case_id = t.case_id AND d.rule = '%[2]s'
			AND d.org_id = t.org_id AND d.due = t.due AND d.cleared_at IS NULL))`,
		supervision.RuleTask, supervision.RuleDeadline, catalog.StepReview, catalog.StepDecide), []any{day},
		func(rows *sql.Rows) error {
			var t supervision.TaskCandidate
			var joint int
			err := rows.Scan(&t.CaseID, &t.CaseNo, &t.ItemName, &t.OrgID, &t.TaskName, &t.Due, &joint, &t.AlertID, &t.AlertDue)
			t.Joint = joint == 1
			out = append(out, t)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("overdue tasks: %w", err)
	}
	return out, nil
}

// Refusals lists the refusal events since a time that may lack reasons
// (case_events_kind: two ranges of (kind, at)): refusals without a reason
// after "理由：", denials with nothing after "办结：不予".
// supervision.Unreasoned decides.
func (db *DB) Refusals(ctx context.Context, since time.Time) ([]supervision.RefusalEvent, error) {
	rows, err := db.read.wide().QueryContext(ctx, `SELECT v.case_id, c.no, c.item_name, c.org_id, v.kind, v.note, v.at
		FROM case_events v JOIN cases c ON c.id = v.case_id
		WHERE v.kind IN ('refuse', 'decide') AND v.at >= $1
		AND ((v.kind = 'refuse' AND (v.note NOT LIKE '%理由：__%' OR v.note LIKE '%理由：；%' OR v.note LIKE '%理由：_；%'))
		OR (v.kind = 'decide' AND (v.note = '办结：不予' OR v.note = '办结：不予。' OR v.note LIKE '办结：不予。_')))`, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("refusals: %w", err)
	}
	defer rows.Close()
	var out []supervision.RefusalEvent
	for rows.Next() {
		var r supervision.RefusalEvent
		if err := rows.Scan(&r.CaseID, &r.CaseNo, &r.ItemName, &r.OrgID, &r.Kind, &r.Note, &r.At); err != nil {
			return nil, fmt.Errorf("refusals: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OpenAlerts lists the open alerts of some rules, their keys and levels.
func (db *DB) OpenAlerts(ctx context.Context, rules []string) ([]supervision.OpenAlert, error) {
	if len(rules) == 0 {
		return nil, nil
	}
	var args []any
	rows, err := db.read.wide().QueryContext(ctx, `SELECT id, case_id, rule, org_id, level, due FROM supervision_alerts
		WHERE cleared_at IS NULL AND rule IN (`+placeholders(&args, rules)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	defer rows.Close()
	var out []supervision.OpenAlert
	for rows.Next() {
		var a supervision.OpenAlert
		if err := rows.Scan(&a.ID, &a.CaseID, &a.Rule, &a.OrgID, &a.Level, &a.Due); err != nil {
			return nil, fmt.Errorf("open alerts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Recipients finds the active case officers and heads of some orgs and
// every active supervisor.
func (db *DB) Recipients(ctx context.Context, orgIDs []string) (map[string][]string, []string, error) {
	byOrg := map[string][]string{}
	var sup []string
	args := []any{string(yiwang.RoleSupervisor), string(yiwang.RoleCaseOfficer), string(yiwang.RoleDeptHead)}
	orgCond := "1=0"
	if len(orgIDs) > 0 {
		orgCond = "a.org_id IN (" + placeholders(&args, orgIDs) + ")"
	}
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT a.id, a.org_id, r.role FROM accounts a
		JOIN account_roles r ON r.account_id = a.id
		WHERE a.kind = 'staff' AND a.status = 'active' AND (r.role = $1 OR (r.role IN ($2, $3) AND `+orgCond+`))
		ORDER BY a.id`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("recipients: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, org, role string
		if err := rows.Scan(&id, &org, &role); err != nil {
			return nil, nil, err
		}
		if role == string(yiwang.RoleSupervisor) {
			sup = append(sup, id)
		} else if len(byOrg[org]) == 0 || byOrg[org][len(byOrg[org])-1] != id {
			byOrg[org] = append(byOrg[org], id)
		}
	}
	return byOrg, sup, rows.Err()
}

// scanBatch is how many rows one multi-row statement of a scan writes on
// SQLite. Its parameters are "?", found by their position: SQLite looks a
// "$N" up by a linear search of the statement's parameter names, which at
// 32 rows a statement took a quarter of the writing.
const scanBatch = 500

// pgScanBatch is how many rows one statement of a scan writes on
// PostgreSQL: one array a column, unnested by the server.
const pgScanBatch = 20000

// ApplyScan stores a scan's changes, its messages and its audit entry, in
// one transaction that first renews the fence's lease: an instance whose
// lease another took over stores nothing.
func (db *DB) ApplyScan(ctx context.Context, f supervision.Fence, ch supervision.Changes, msgs []notify.Message, e audit.Entry) error {
	// Tens of thousands of alerts go into five indexes: on SQLite the
	// writer's page cache (2 MB, the default) would thrash, so a big
	// scan's transaction gets 64 MB, given back after the commit (the
	// writer is one connection).
	big := db.Engine == SQLite && len(ch.Raise)+len(ch.Escalate)+len(ch.Clear) > 1000
	if big {
		defer db.write.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000`)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if big {
			if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
				return err
			}
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM job_leases WHERE name = $1 AND holder = $2 AND until >= $3`,
			f.Name, f.Holder, ch.ClearedAt.UTC()).Scan(&held); err != nil {
			return fmt.Errorf("check lease: %w", err)
		}
		if held != 1 {
			return yiwang.Errorf(yiwang.ECONFLICT, "电子监察扫描的租约已被其他实例接管")
		}
		// Clearing comes first: a case's new alert under the same rule may
		// replace its old one in the open-alert index.
		var err error
		if db.Engine == Postgres {
			err = applyScanPostgres(ctx, tx, ch)
		} else {
			err = applyScanSQLite(ctx, tx, ch)
		}
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := insertMessage(ctx, tx, db, m); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

// marks returns n groups of k "?" separated by commas: "(?,?),(?,?)".
func marks(n, k int) string {
	one := "(" + strings.Repeat("?,", k-1) + "?)"
	return strings.Repeat(one+",", n-1) + one
}

// byID returns the alerts in the order of their IDs (time-ordered, so
// mostly the order they were stored in), so that turning them red walks
// the key and the table once, not at random.
func byID(as []supervision.Alert) []supervision.Alert {
	as = slices.Clone(as)
	slices.SortFunc(as, func(a, b supervision.Alert) int { return strings.Compare(a.ID, b.ID) })
	return as
}

// applyScanSQLite writes a scan's changes in multi-row statements of
// scanBatch rows. Each is OR ROLLBACK: a constraint it breaks rolls the
// whole transaction back (as the caller would: nothing runs after an
// error), so SQLite keeps no statement journal to undo the one statement
// alone. It kept one, in memory, of every page each statement changed:
// over a first scan's 190,770 alerts in seven indexes, a third of the
// scan's time, most of it allocating (docs/benchmarks.md).
func applyScanSQLite(ctx context.Context, tx *sql.Tx, ch supervision.Changes) error {
	cleared := ch.ClearedAt.UTC()
	args := make([]any, 0, scanBatch*11+2)
	clear := slices.Sorted(slices.Values(ch.Clear))
	for start := 0; start < len(clear); start += scanBatch {
		ids := clear[start:min(start+scanBatch, len(clear))]
		args = append(args[:0], cleared)
		for _, id := range ids {
			args = append(args, id)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE OR ROLLBACK supervision_alerts SET cleared_at = ? WHERE cleared_at IS NULL AND id IN `+
			marks(1, len(ids)), args...); err != nil {
			return fmt.Errorf("clear alerts: %w", err)
		}
	}
	for start := 0; start < len(ch.Raise); start += scanBatch {
		part := ch.Raise[start:min(start+scanBatch, len(ch.Raise))]
		args = args[:0]
		for _, a := range part {
			args = append(args, a.ID, a.CaseID, a.CaseNo, a.ItemName, a.OrgID, a.Rule, a.Level, a.Detail, a.Due,
				a.RaisedAt.UTC(), nullTime(a.RedAt.UTC()))
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR ROLLBACK INTO supervision_alerts (id, case_id, case_no, item_name, org_id, rule,
			level, detail, due, raised_at, red_at) VALUES `+marks(len(part), 11), args...); err != nil {
			return fmt.Errorf("raise alerts: %w", err)
		}
	}
	// Yellow alerts turned red: UPDATE … FROM (VALUES (id, detail), …),
	// whose columns SQLite names column1, column2.
	esc := byID(ch.Escalate)
	for start := 0; start < len(esc); start += scanBatch {
		part := esc[start:min(start+scanBatch, len(esc))]
		args = append(args[:0], supervision.Red, cleared)
		for _, a := range part {
			args = append(args, a.ID, a.Detail)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE OR ROLLBACK supervision_alerts SET level = ?, red_at = ?, detail = v.column2
			FROM (VALUES `+marks(len(part), 2)+`) AS v WHERE supervision_alerts.id = v.column1 AND supervision_alerts.cleared_at IS NULL`,
			args...); err != nil {
			return fmt.Errorf("escalate alerts: %w", err)
		}
	}
	return nil
}

// applyScanPostgres writes a scan's changes a column array per
// parameter, pgScanBatch rows a statement: the server unnests them, so
// that the rows cost neither a statement nor a parameter each.
func applyScanPostgres(ctx context.Context, tx *sql.Tx, ch supervision.Changes) error {
	cleared := ch.ClearedAt.UTC()
	clear := slices.Sorted(slices.Values(ch.Clear))
	for start := 0; start < len(clear); start += pgScanBatch {
		ids := clear[start:min(start+pgScanBatch, len(clear))]
		if _, err := tx.ExecContext(ctx, `UPDATE supervision_alerts SET cleared_at = $1 WHERE cleared_at IS NULL
			AND id = ANY($2::text[])`, cleared, ids); err != nil {
			return fmt.Errorf("clear alerts: %w", err)
		}
	}
	for start := 0; start < len(ch.Raise); start += pgScanBatch {
		part := ch.Raise[start:min(start+pgScanBatch, len(ch.Raise))]
		var cols [9][]string
		for i := range cols {
			cols[i] = make([]string, len(part))
		}
		raised := make([]time.Time, len(part))
		red := make([]*time.Time, len(part))
		for i, a := range part {
			cols[0][i], cols[1][i], cols[2][i], cols[3][i], cols[4][i] = a.ID, a.CaseID, a.CaseNo, a.ItemName, a.OrgID
			cols[5][i], cols[6][i], cols[7][i], cols[8][i] = a.Rule, a.Level, a.Detail, a.Due
			raised[i] = a.RaisedAt.UTC()
			if !a.RedAt.IsZero() {
				t := a.RedAt.UTC()
				red[i] = &t
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO supervision_alerts (id, case_id, case_no, item_name, org_id, rule,
			level, detail, due, raised_at, red_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
			$5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamp[], $11::timestamp[])`,
			cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], raised, red); err != nil {
			return fmt.Errorf("raise alerts: %w", err)
		}
	}
	esc := byID(ch.Escalate)
	for start := 0; start < len(esc); start += pgScanBatch {
		part := esc[start:min(start+pgScanBatch, len(esc))]
		ids, details := make([]string, len(part)), make([]string, len(part))
		for i, a := range part {
			ids[i], details[i] = a.ID, a.Detail
		}
		if _, err := tx.ExecContext(ctx, `UPDATE supervision_alerts SET level = $1, red_at = $2, detail = v.detail
			FROM unnest($3::text[], $4::text[]) AS v (id, detail)
			WHERE supervision_alerts.id = v.id AND supervision_alerts.cleared_at IS NULL`,
			supervision.Red, cleared, ids, details); err != nil {
			return fmt.Errorf("escalate alerts: %w", err)
		}
	}
	return nil
}

const alertCols = `id, case_id, case_no, item_name, org_id, rule, level, detail, due, raised_at, red_at, cleared_at`

func scanAlert(sc interface{ Scan(...any) error }) (supervision.Alert, error) {
	var a supervision.Alert
	var red, cleared sql.NullTime
	err := sc.Scan(&a.ID, &a.CaseID, &a.CaseNo, &a.ItemName, &a.OrgID, &a.Rule, &a.Level, &a.Detail, &a.Due, &a.RaisedAt,
		&red, &cleared)
	a.RedAt, a.ClearedAt = red.Time, cleared.Time
	return a, err
}

func (db *DB) alerts(ctx context.Context, where string, args ...any) ([]supervision.Alert, error) {
	return db.readAlerts(ctx, `SELECT `+alertCols+` FROM supervision_alerts WHERE `+where, args...)
}

// readAlerts runs query, which selects alertCols.
func (db *DB) readAlerts(ctx context.Context, query string, args ...any) ([]supervision.Alert, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list alerts: %w", err)
	}
	defer rows.Close()
	var out []supervision.Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("list alerts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Alerts lists alerts, red ones first, then the earliest due.
func (db *DB) Alerts(ctx context.Context, f supervision.AlertFilter) ([]supervision.Alert, error) {
	if f.OrgIDs != nil && len(f.OrgIDs) == 0 {
		return nil, nil
	}
	q, args := alertsQuery(f)
	return db.readAlerts(ctx, q, args...)
}

// redFirst is the first key of the list of open alerts, written as the
// indexes supervision_alerts_list and supervision_alerts_org_list have it
// (migration 00028): a query must write it so for them to serve it.
const redFirst = `(CASE level WHEN 'red' THEN 0 ELSE 1 END)`

// alertsQuery returns Alerts' statement and arguments. Open alerts are read
// in the list's order from an index up to the limit: the district's from
// supervision_alerts_list, each org's from supervision_alerts_org_list
// (one branch an org, merged by the database).
func alertsQuery(f supervision.AlertFilter) (string, []any) {
	var args []any
	var conds []string
	if f.Level != "" {
		args = append(args, f.Level)
		conds = append(conds, fmt.Sprintf("level = $%d", len(args)))
	}
	if f.Rule != "" {
		args = append(args, f.Rule)
		conds = append(conds, fmt.Sprintf("rule = $%d", len(args)))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	if !f.Open {
		if f.OrgIDs != nil {
			conds = append(conds, "org_id IN ("+placeholders(&args, f.OrgIDs)+")")
		}
		args = append(args, limit)
		return `SELECT ` + alertCols + ` FROM supervision_alerts WHERE 1=1` + andAll(conds) +
			fmt.Sprintf(` ORDER BY CASE WHEN cleared_at IS NULL THEN 0 ELSE 1 END, `+redFirst+`, due, case_no, id LIMIT $%d`, len(args)), args
	}
	conds = append(conds, "cleared_at IS NULL")
	order := redFirst + `, due, case_no, id`
	args = append(args, limit)
	n := len(args)
	if f.OrgIDs == nil {
		return `SELECT ` + alertCols + ` FROM supervision_alerts WHERE ` + strings.Join(conds, " AND ") +
			fmt.Sprintf(` ORDER BY %s LIMIT $%d`, order, n), args
	}
	var parts []string
	for i, g := range ownerBranches(&args, f.OrgIDs) {
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT `+alertCols+`, `+redFirst+` AS red_first FROM supervision_alerts
			WHERE org_id IN (`+g+`) AND `+strings.Join(conds, " AND ")+` ORDER BY %s LIMIT $%d) o%d`, order, n, i))
	}
	return `SELECT ` + alertCols + ` FROM (` + strings.Join(parts, " UNION ALL ") +
		fmt.Sprintf(` ORDER BY red_first, due, case_no, id LIMIT $%d) a ORDER BY red_first, due, case_no, id`, n), args
}

// alertCountsQuery returns AlertCounts' statement and arguments: grouped
// by the list's first key, the counts are read from the index
// supervision_alerts_org_list alone (0 is red, 1 yellow).
func alertCountsQuery(orgIDs []string) (string, []any) {
	var args []any
	where := "cleared_at IS NULL"
	if orgIDs != nil {
		where += " AND org_id IN (" + placeholders(&args, orgIDs) + ")"
	}
	return `SELECT org_id, ` + redFirst + `, COUNT(*) FROM supervision_alerts WHERE ` + where +
		` GROUP BY org_id, ` + redFirst + ` ORDER BY org_id, ` + redFirst, args
}

// AlertCounts counts open alerts by org and level (supervision_alerts_org_list).
func (db *DB) AlertCounts(ctx context.Context, orgIDs []string) ([]supervision.AlertCount, error) {
	if orgIDs != nil && len(orgIDs) == 0 {
		return nil, nil
	}
	q, args := alertCountsQuery(orgIDs)
	rows, err := db.read.wide().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("alert counts: %w", err)
	}
	defer rows.Close()
	var out []supervision.AlertCount
	for rows.Next() {
		var c supervision.AlertCount
		var yellow int
		if err := rows.Scan(&c.OrgID, &yellow, &c.N); err != nil {
			return nil, err
		}
		c.Level = supervision.Red
		if yellow == 1 {
			c.Level = supervision.Yellow
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AlertsOfCase lists a case's alerts, open ones first, newest first.
func (db *DB) AlertsOfCase(ctx context.Context, caseID string) ([]supervision.Alert, error) {
	return db.alerts(ctx, `case_id = $1 ORDER BY CASE WHEN cleared_at IS NULL THEN 0 ELSE 1 END, raised_at DESC, id`, caseID)
}

// Alert returns one alert.
func (db *DB) Alert(ctx context.Context, id string) (supervision.Alert, error) {
	a, err := scanAlert(db.read.QueryRowContext(ctx, `SELECT `+alertCols+` FROM supervision_alerts WHERE id = $1`, id))
	return a, notFound(err, "预警")
}

const noticeCols = `id, alert_id, case_id, case_no, item_name, org_id, body, issued_by, issuer_name, issued_at, answer_due,
	answer, answered_by, answerer, answered_at, rev`

func scanNotice(sc interface{ Scan(...any) error }) (supervision.Notice, error) {
	var n supervision.Notice
	var answered sql.NullTime
	err := sc.Scan(&n.ID, &n.AlertID, &n.CaseID, &n.CaseNo, &n.ItemName, &n.OrgID, &n.Text, &n.IssuedBy, &n.IssuerName,
		&n.IssuedAt, &n.AnswerDue, &n.Answer, &n.AnsweredBy, &n.Answerer, &answered, &n.Rev)
	n.AnsweredAt = answered.Time
	return n, err
}

// AddNotice stores a notice with the messages to the org.
func (db *DB) AddNotice(ctx context.Context, n supervision.Notice, msgs []notify.Message, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO supervision_notices (id, alert_id, case_id, case_no, item_name, org_id,
			body, issued_by, issuer_name, issued_at, answer_due, rev) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,1)`,
			n.ID, n.AlertID, n.CaseID, n.CaseNo, n.ItemName, n.OrgID, n.Text, n.IssuedBy, n.IssuerName, n.IssuedAt.UTC(),
			n.AnswerDue); err != nil {
			return fmt.Errorf("insert notice: %w", err)
		}
		for _, m := range msgs {
			if err := insertMessage(ctx, tx, db, m); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

// AnswerNotice stores the answer once, at n.Rev.
func (db *DB) AnswerNotice(ctx context.Context, n supervision.Notice, msgs []notify.Message, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE supervision_notices SET answer = $1, answered_by = $2, answerer = $3,
			answered_at = $4, rev = rev + 1 WHERE id = $5 AND rev = $6 AND answered_at IS NULL`,
			n.Answer, n.AnsweredBy, n.Answerer, n.AnsweredAt.UTC(), n.ID, n.Rev)
		if err != nil {
			return fmt.Errorf("answer notice: %w", err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return yiwang.Errorf(yiwang.ECONFLICT, "该督办已被答复，请刷新后查看")
		}
		for _, m := range msgs {
			if err := insertMessage(ctx, tx, db, m); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

// Notice returns one notice.
func (db *DB) Notice(ctx context.Context, id string) (supervision.Notice, error) {
	n, err := scanNotice(db.read.QueryRowContext(ctx, `SELECT `+noticeCols+` FROM supervision_notices WHERE id = $1`, id))
	return n, notFound(err, "督办")
}

// Notices lists notices, unanswered first, then the earliest answer date.
func (db *DB) Notices(ctx context.Context, f supervision.NoticeFilter) ([]supervision.Notice, error) {
	var args []any
	conds := []string{"1=1"}
	if f.OrgIDs != nil {
		if len(f.OrgIDs) == 0 {
			return nil, nil
		}
		conds = append(conds, "org_id IN ("+placeholders(&args, f.OrgIDs)+")")
	}
	if f.CaseID != "" {
		args = append(args, f.CaseID)
		conds = append(conds, fmt.Sprintf("case_id = $%d", len(args)))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	args = append(args, limit)
	rows, err := db.read.QueryContext(ctx, `SELECT `+noticeCols+` FROM supervision_notices WHERE `+strings.Join(conds, " AND ")+
		fmt.Sprintf(` ORDER BY CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END, answer_due, issued_at DESC, id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	defer rows.Close()
	var out []supervision.Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, fmt.Errorf("list notices: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
