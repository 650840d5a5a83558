package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/notify"
)

type caseBody struct {
	Materials    []casework.Material   `json:"materials"`
	Corrections  []casework.Correction `json:"corrections,omitempty"`
	Form         map[string]string     `json:"form,omitempty"`
	WaitingSince time.Time             `json:"waiting_since,omitzero"`
	Delivery     *casework.Delivery    `json:"delivery,omitempty"` // its address sealed
	Stage        int                   `json:"stage,omitempty"`
	Results      []casework.Material   `json:"results,omitempty"`
	Bundle       string                `json:"bundle,omitempty"`
	BundleName   string                `json:"bundle_name,omitempty"`
	Simulated    bool                  `json:"simulated,omitempty"`
	Kind         string                `json:"kind,omitempty"`
	Fees         []casework.Fee        `json:"fees,omitempty"`
}

const caseCols = `id, no, entry_id, entry_code, item_name, org_id, applicant_id, applicant, mobile_enc, idcard_enc,
	enterprise, channel, filed_by, filed_at, state, decision, body, submitted_at, accepted_at, deadline, decided_at, version, due`

func (db *DB) scanCase(sc interface{ Scan(...any) error }) (casework.Case, error) {
	var c casework.Case
	var mob, idc, body string
	var acc, dec sql.NullTime
	err := sc.Scan(&c.ID, &c.No, &c.EntryID, &c.EntryCode, &c.ItemName, &c.OrgID, &c.ApplicantID, &c.Applicant,
		&mob, &idc, &c.Enterprise, &c.Channel, &c.FiledBy, &c.FiledAt, &c.State, &c.Decision, &body,
		&c.SubmittedAt, &acc, &c.Deadline, &dec, &c.Version, &c.Due)
	if err != nil {
		return c, err
	}
	c.AcceptedAt, c.DecidedAt = acc.Time, dec.Time
	var b caseBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return c, fmt.Errorf("case %s body: %w", c.ID, err)
	}
	c.Materials, c.Corrections, c.Form, c.WaitingSince = b.Materials, b.Corrections, b.Form, b.WaitingSince
	c.Stage, c.Results, c.Bundle, c.BundleName, c.Simulated, c.Kind = b.Stage, b.Results, b.Bundle, b.BundleName, b.Simulated, b.Kind
	c.Fees = b.Fees
	if b.Delivery != nil {
		d := *b.Delivery
		if d.Address, err = db.pii.Open(d.Address); err != nil {
			return c, err
		}
		c.Delivery = &d
	}
	if c.Mobile, err = db.pii.Open(mob); err != nil {
		return c, err
	}
	c.IDCard, err = db.pii.Open(idc)
	return c, err
}

// caseInsertArgs are a new case's values in the order of caseCols, then
// simulated and kind.
func (db *DB) caseInsertArgs(c casework.Case) []any {
	return []any{c.ID, c.No, c.EntryID, c.EntryCode, c.ItemName, c.OrgID, c.ApplicantID, c.Applicant, db.pii.Seal(c.Mobile),
		db.pii.Seal(c.IDCard), c.Enterprise, c.Channel, c.FiledBy, c.FiledAt, c.State, c.Decision, db.caseBodyJSON(c),
		c.SubmittedAt, nullTime(c.AcceptedAt), c.Deadline, nullTime(c.DecidedAt), c.Version, dueOr(c.Due), c.Simulated, c.Kind}
}

func (db *DB) caseBodyJSON(c casework.Case) string {
	b := caseBody{Materials: c.Materials, Corrections: c.Corrections, Form: c.Form, WaitingSince: c.WaitingSince,
		Stage: c.Stage, Results: c.Results, Bundle: c.Bundle, BundleName: c.BundleName, Simulated: c.Simulated, Kind: c.Kind,
		Fees: c.Fees}
	if c.Delivery != nil {
		d := *c.Delivery
		d.Address = db.pii.Seal(d.Address)
		b.Delivery = &d
	}
	out, _ := json.Marshal(b)
	return string(out)
}

// eventInsertCols are the columns stored of a case event, in the order of
// eventArgs.
const eventInsertCols = `id, case_id, seq, at, actor_id, actor_name, kind, from_state, to_state, note, channel`

func eventArgs(ev casework.Event) []any {
	return []any{ev.ID, ev.CaseID, ev.Seq, ev.At, ev.ActorID, ev.ActorName, ev.Kind, ev.From, ev.To, ev.Note, ev.Channel}
}

func insertEvent(ctx context.Context, tx *sql.Tx, ev casework.Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO case_events (`+eventInsertCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
		eventArgs(ev)...)
	if isUnique(err) {
		return yiwang.Errorf(yiwang.ECONFLICT, "该办件已被他人处理，请刷新后重试")
	}
	return err
}

// CreateCase numbers and stores a new case with its first event. The daily
// serial comes from one upsert, so concurrent submissions never share a number.
// An idempotency claim in ctx is bound to the case in the same transaction.
// Concurrent calls share one commit (group.go), each in its own
// savepoint; the answer comes after that commit.
func (db *DB) CreateCase(ctx context.Context, c casework.Case, ev casework.Event, day string, e audit.Entry, msg *notify.Message) (casework.Case, error) {
	var out casework.Case
	if err := db.commit.doWork(db.createCaseWork(ctx, casework.NewCase{Case: c, Event: ev, Day: day, Audit: e, Msg: msg}, &out)); err != nil {
		return c, err
	}
	return out, nil
}

// createCaseWork is CreateCase's share of a group: the claim bound, the
// case stored, the stored case in *out. The case row's values (sealed
// personal data, the body's JSON) are made here, by the caller, not by
// the committer that runs the group one work at a time. On PostgreSQL the
// work also carries the case, for the group to store it with the others
// (cases_pg.go).
func (db *DB) createCaseWork(ctx context.Context, nc casework.NewCase, out *casework.Case) *groupWork {
	args := db.caseInsertArgs(nc.Case)
	w := newWork(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var bind *idempotency.Claim
		if claim, ok := idempotency.ClaimFrom(ctx); ok && db.Engine == Postgres {
			bind = &claim // createCasePG binds it in its first statement
		} else if err := bindClaim(ctx, tx, nc.Case.ID); err != nil {
			return err
		}
		c, err := db.createCase(ctx, tx, nc, args, bind)
		if err == nil {
			*out = c
		}
		return err
	})
	if db.Engine == Postgres {
		w.newCase = &pgNewCase{nc: nc, args: args, out: out}
	}
	return w
}

// CreateCases stores the cases of one 一件事 application in one transaction.
func (db *DB) CreateCases(ctx context.Context, ncs []casework.NewCase) ([]casework.Case, error) {
	var out []casework.Case
	err := db.chained(ctx, func(ctx context.Context, tx *sql.Tx) error {
		out = out[:0]
		for _, nc := range ncs {
			c, err := db.createCase(ctx, tx, nc, db.caseInsertArgs(nc.Case), nil)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// createCase stores nc; args are caseInsertArgs(nc.Case), the number's
// place (args[1]) filled in here. On PostgreSQL the idempotency claim, if
// any, is bound here too (on SQLite the caller binds it).
func (db *DB) createCase(ctx context.Context, tx *sql.Tx, nc casework.NewCase, args []any, claim *idempotency.Claim) (casework.Case, error) {
	if db.Engine == Postgres {
		return db.createCasePG(ctx, tx, nc, args, claim)
	}
	c, day := nc.Case, nc.Day
	var n int
	if err := tx.QueryRowContext(ctx, `INSERT INTO case_serials (code, day, n) VALUES ($1, $2, 1)
		ON CONFLICT (code, day) DO UPDATE SET n = case_serials.n + 1 RETURNING n`, c.EntryCode, day).Scan(&n); err != nil {
		return c, fmt.Errorf("case serial: %w", err)
	}
	if n > 9999 {
		return c, yiwang.Errorf(yiwang.ECONFLICT, "该事项今日办件已达上限，请明日再试")
	}
	c.No = fmt.Sprintf("%s%s%04d", c.EntryCode, day, n)
	args[1] = c.No
	_, err := tx.ExecContext(ctx, `INSERT INTO cases (`+caseCols+`, simulated, kind) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,
		$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)`, args...)
	if err != nil {
		return c, fmt.Errorf("insert case: %w", err)
	}
	if err := insertEvent(ctx, tx, nc.Event); err != nil {
		return c, err
	}
	if err := insertWebhookDeliveries(ctx, tx, c, nc.Event); err != nil {
		return c, err
	}
	if nc.Msg != nil {
		m := *nc.Msg
		m.Body = strings.Replace(m.Body, "办件编号请登录查看", "办件编号"+c.No, 1)
		if err := insertMessage(ctx, tx, db, m); err != nil {
			return c, err
		}
	}
	return c, appendAudit(ctx, tx, caseAudit(c, nc))
}

// UpdateCase stores a case's new state with its event, if nobody changed it
// meanwhile; an idempotency claim in ctx is bound to the case in the same transaction.
func (db *DB) UpdateCase(ctx context.Context, c casework.Case, ev casework.Event, e audit.Entry, msg *notify.Message) error {
	return db.chained(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := bindClaim(ctx, tx, c.ID); err != nil {
			return err
		}
		// org_id moves when a letter is forwarded to another department (转办).
		res, err := tx.ExecContext(ctx, `UPDATE cases SET state=$1, decision=$2, body=$3, accepted_at=$4, deadline=$5,
			decided_at=$6, due=$7, org_id=$10, version=version+1 WHERE id=$8 AND version=$9`,
			c.State, c.Decision, db.caseBodyJSON(c), nullTime(c.AcceptedAt), c.Deadline, nullTime(c.DecidedAt), dueOr(c.Due), c.ID, c.Version,
			c.OrgID)
		if err != nil {
			return fmt.Errorf("update case: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ECONFLICT, "该办件已被他人处理，请刷新后重试")
		}
		if err := insertEvent(ctx, tx, ev); err != nil {
			return err
		}
		if err := saveTasks(ctx, tx, c); err != nil {
			return err
		}
		if err := insertWebhookDeliveries(ctx, tx, c, ev); err != nil {
			return err
		}
		if msg != nil {
			if err := insertMessage(ctx, tx, db, *msg); err != nil {
				return err
			}
		}
		if err := db.saveCaseExtras(ctx, tx, c); err != nil {
			return err
		}
		if err := saveCaseFees(ctx, tx, c, ev); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

// Case returns a case with its tasks.
func (db *DB) Case(ctx context.Context, id string) (casework.Case, error) {
	c, err := db.scanCase(db.read.QueryRowContext(ctx, `SELECT `+caseCols+` FROM cases WHERE id = $1`, id))
	if err != nil {
		return c, notFound(err, "办件")
	}
	c.Tasks, err = db.tasks(ctx, c.ID)
	return c, err
}

// CaseByNo returns a case by its number, with its tasks.
func (db *DB) CaseByNo(ctx context.Context, no string) (casework.Case, error) {
	c, err := db.scanCase(db.read.QueryRowContext(ctx, `SELECT `+caseCols+` FROM cases WHERE no = $1`, no))
	if err != nil {
		return c, notFound(err, "办件")
	}
	c.Tasks, err = db.tasks(ctx, c.ID)
	return c, err
}

// Events returns a case's timeline, oldest first.
func (db *DB) Events(ctx context.Context, caseID string) ([]casework.Event, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, case_id, seq, at, actor_id, actor_name, kind, from_state, to_state,
		note, channel FROM case_events WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []casework.Event
	for rows.Next() {
		var ev casework.Event
		if err := rows.Scan(&ev.ID, &ev.CaseID, &ev.Seq, &ev.At, &ev.ActorID, &ev.ActorName, &ev.Kind, &ev.From, &ev.To,
			&ev.Note, &ev.Channel); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

func (db *DB) cases(ctx context.Context, q string, args ...any) ([]casework.Case, error) {
	return db.caseRows(ctx, `SELECT `+caseCols+` FROM cases `+q, args...)
}

// caseRows runs a query that selects caseCols.
func (db *DB) caseRows(ctx context.Context, query string, args ...any) ([]casework.Case, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	var out []casework.Case
	for rows.Next() {
		c, err := db.scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CasesOf lists an applicant's cases, newest first.
func (db *DB) CasesOf(ctx context.Context, applicantID string) ([]casework.Case, error) {
	return db.cases(ctx, `WHERE applicant_id = $1 ORDER BY submitted_at DESC LIMIT 200`, applicantID)
}

// CasesFor lists a page of the cases some orgs must work, most urgent
// first: their own cases in some states, and other orgs' cases on which
// one of them holds an open task (joint tasks only: an org's tasks on its
// own cases are its own cases already). Each part is read from its index
// up to the end of the page and the database merges them, so only the
// page's rows are decoded.
func (db *DB) CasesFor(ctx context.Context, orgIDs, states []string, q string, limit, offset int) ([]casework.Case, error) {
	if len(orgIDs) == 0 || len(states) == 0 {
		return nil, nil
	}
	query, args, err := inboxQuery(orgIDs, states, q, limit, offset)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox cases: %w", err)
	}
	defer rows.Close()
	var out []casework.Case
	for rows.Next() {
		var joint int
		c, err := db.scanCase(withExtra{rows, []any{&joint}})
		if err != nil {
			return nil, err
		}
		c.Joint = joint == 1
		out = append(out, c)
	}
	return out, rows.Err()
}

// inboxStatesSQL is casework.InboxStates as an SQL list of literals: the
// condition of the index cases_inbox, which a query must state in these
// very words for the index to serve it.
var inboxStatesSQL = func() string {
	var q []string
	for _, s := range casework.InboxStates() {
		q = append(q, "'"+s+"'")
	}
	return strings.Join(q, ", ")
}()

// caseNoLike is what a case number looks like: an application's 43
// characters, a letter's 19 (12345TS…), all capital letters and digits.
var caseNoLike = regexp.MustCompile(`^[0-9A-Z]{15,}$`)

// inboxQuery returns CasesFor's statement and arguments: the cases of
// orgIDs in states, and those of other orgs with an open joint task of
// orgIDs, due first, then submitted first. Every state must be one of
// casework.InboxStates.
func inboxQuery(orgIDs, states []string, q string, limit, offset int) (string, []any, error) {
	for _, s := range states {
		if !slices.Contains(casework.InboxStates(), s) {
			return "", nil, fmt.Errorf("inbox cases: state %q is not an inbox state", s)
		}
	}
	var args []any
	groups := ownerBranches(&args, orgIDs)
	orgs := allOf(groups)
	in := placeholders(&args, states)
	// search is the condition of q on the columns of cases, named with
	// prefix (the joint branches join case_tasks).
	search := func(string) string { return "" }
	if no := strings.ToUpper(q); caseNoLike.MatchString(no) {
		// A case number (letters and digits, as no name of a person or an
		// item is) is looked up by its unique index, not by reading every
		// open case for names that cannot match it.
		args = append(args, no)
		p := len(args)
		search = func(c string) string { return fmt.Sprintf(` AND %[1]sno = $%[2]d`, c, p) }
	} else if q = strings.NewReplacer("%", "", "_", "").Replace(q); q != "" {
		args = append(args, q, "%"+q+"%")
		p := len(args)
		search = func(c string) string {
			return fmt.Sprintf(` AND (%[1]sno = $%[2]d OR %[1]sapplicant = $%[2]d OR %[1]sitem_name LIKE $%[3]d)`, c, p-1, p)
		}
	}
	args = append(args, limit+offset)
	n := fmt.Sprintf("$%d", len(args))
	// Each org's own cases are read from cases_inbox in the inbox's order
	// up to the end of the page, and the database merges them: a township
	// and its villages read a page's rows each, not all their open cases.
	// The branches carry only the keys; the page's cases are read whole
	// after the merge, not every branch's.
	var own []string
	for i, g := range groups {
		own = append(own, fmt.Sprintf(`SELECT * FROM (SELECT id, due, submitted_at, 0 AS joint FROM cases WHERE org_id IN (`+g+
			`) AND state IN (`+inboxStatesSQL+`) AND state IN (`+in+`)`+search("")+` ORDER BY due, submitted_at LIMIT `+n+`) own%d`, i))
	}
	// A joint case is due when its org's open joint task is (an org has
	// at most one open task on a case: a case's open tasks are those of
	// its current stage, one per org, casework's openStage). Each
	// org's are read from case_tasks_joint in due order, with their
	// case, up to the end of the page, as its own cases are; up to
	// boundedBranches orgs, only those due by the last of the page's own
	// cases if there is a page of them: a later one cannot be on the
	// page. A case that two of the orgs work on is due when the first of
	// them is.
	bound := ""
	if len(groups) <= boundedBranches {
		bound = ` AND t.due <= (SELECT CASE WHEN COUNT(*) = ` + n + ` THEN MAX(due) ELSE '9999-12-31' END FROM own)`
	}
	var joint []string
	for i, g := range groups {
		joint = append(joint, fmt.Sprintf(`SELECT * FROM (SELECT t.case_id AS id, t.due AS due, c.submitted_at AS submitted_at
			FROM case_tasks t JOIN cases c ON c.id = t.case_id WHERE t.org_id IN (`+g+`) AND t.joint = 1 AND t.state = 'open'`+
			bound+` AND c.org_id NOT IN (`+orgs+`) AND c.state IN (`+in+`)`+search("c.")+
			` ORDER BY t.due, c.submitted_at LIMIT `+n+`) joint%d`, i))
	}
	args = append(args, limit, offset)
	page := `SELECT * FROM own UNION ALL SELECT id, MIN(due) AS due, MIN(submitted_at) AS submitted_at, 1 AS joint FROM (` +
		strings.Join(joint, " UNION ALL ") + `) joint GROUP BY id` +
		fmt.Sprintf(` ORDER BY due, submitted_at LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	return `WITH own AS MATERIALIZED (` + strings.Join(own, " UNION ALL ") + ` ORDER BY due, submitted_at LIMIT ` + n +
		`) SELECT ` + inboxCols + `, k.joint FROM (` + page + `) k JOIN cases c ON c.id = k.id ORDER BY k.due, k.submitted_at`, args, nil
}

// boundedBranches is how many orgs an inbox may have for its joint
// branches to stop at the due date of the page's last own case: past 21
// such branches SQLite refuses the statement ("subqueries nested too
// deep"); a township or a street and its villages or communities fit.
// TestInboxOrder runs an inbox of this many orgs.
const boundedBranches = 16

// inboxCols are caseCols of the cases c of an inbox page k, whose due
// date is the page's: a joint case's is its task's.
var inboxCols = func() string {
	var cols []string
	for _, c := range strings.Split(caseCols, ",") {
		if c = strings.TrimSpace(c); c == "due" {
			cols = append(cols, "k.due")
		} else {
			cols = append(cols, "c."+c)
		}
	}
	return strings.Join(cols, ", ")
}()

// withExtra scans a row's columns after the case's into extra.
type withExtra struct {
	rows  *sql.Rows
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.extra...)...) }

// placeholders appends vs to args and returns their numbered placeholders
// ("$3,$4,…") for an IN list.
func placeholders(args *[]any, vs []string) string {
	p := make([]string, len(vs))
	for i, v := range vs {
		*args = append(*args, v)
		p[i] = fmt.Sprintf("$%d", len(*args))
	}
	return strings.Join(p, ",")
}

// andAll is conds each after AND.
func andAll(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " AND " + strings.Join(conds, " AND ")
}

func dueOr(d string) string {
	if d == "" {
		return "9999-12-31"
	}
	return d
}

// AnalyzeCases refreshes PostgreSQL's planner statistics after a bulk load,
// as autovacuum would soon after; without them the planner guesses that an
// org has a hundred cases and sorts all of them. SQLite keeps no statistics
// unless asked and plans by its indexes alone, so it is left as it runs.
func (db *DB) AnalyzeCases(ctx context.Context) error {
	if db.Engine != Postgres {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, `ANALYZE cases`); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, `ANALYZE case_tasks`)
	return err
}

// BulkCases stores many cases with their tasks in batches, numbered already
// and without events or audit entries: for the benchmark harness only.
func (db *DB) BulkCases(ctx context.Context, cs []casework.Case) error {
	const batch = 5000
	for start := 0; start < len(cs); start += batch {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO cases (`+caseCols+`, simulated, kind) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,
				$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, c := range cs[start:min(start+batch, len(cs))] {
				if _, err := stmt.ExecContext(ctx, c.ID, c.No, c.EntryID, c.EntryCode, c.ItemName, c.OrgID, c.ApplicantID,
					c.Applicant, db.pii.Seal(c.Mobile), db.pii.Seal(c.IDCard), c.Enterprise, c.Channel, c.FiledBy, c.FiledAt,
					c.State, c.Decision, db.caseBodyJSON(c), c.SubmittedAt, nullTime(c.AcceptedAt), c.Deadline,
					nullTime(c.DecidedAt), c.Version, dueOr(c.Due), c.Simulated, c.Kind); err != nil {
					return err
				}
				if err := saveTasks(ctx, tx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("bulk cases: %w", err)
		}
	}
	return nil
}
