package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/kpi"
	"github.com/yushan-gov/yiwang/review"
)

var _ kpi.Store = (*DB)(nil)

// depthHas is the SQL test that an entry's depth list ("1,2,3,4") holds d.
func depthHas(d int) string { return fmt.Sprintf("(',' || depth || ',') LIKE '%%,%d,%%'", d) }

// kpiCatalogCond are the SQL conditions of the catalog figures' numerators.
var kpiCatalogCond = map[string]string{
	"online":       depthHas(4),
	"fully_online": depthHas(4) + " AND " + depthHas(5) + " AND " + depthHas(6) + " AND visits = 0",
	"instant":      "kind = 1",
	"compression":  "legal_days > 0 AND promise_days < legal_days",
	"at_most_one":  "visits <= 1",
	"zero_visits":  "visits = 0",
}

func sumIf(cond string) string {
	return "CAST(SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END) AS BIGINT)"
}

// KPICatalog counts the published catalog by implementing org.
func (db *DB) KPICatalog(ctx context.Context) (map[string]kpi.Counts, error) {
	rows, err := db.read.wide().QueryContext(ctx, `SELECT org_id, COUNT(*), `+sumIf(kpiCatalogCond["online"])+`, `+
		sumIf(kpiCatalogCond["fully_online"])+`, `+sumIf(kpiCatalogCond["instant"])+`, `+sumIf(kpiCatalogCond["at_most_one"])+`, `+
		sumIf(kpiCatalogCond["zero_visits"])+`,
		CAST(SUM(CASE WHEN legal_days > 0 THEN legal_days ELSE 0 END) AS BIGINT),
		CAST(SUM(CASE WHEN legal_days > 0 THEN promise_days ELSE 0 END) AS BIGINT)
		FROM catalog_entries WHERE status = 'published' GROUP BY org_id`)
	if err != nil {
		return nil, fmt.Errorf("kpi catalog: %w", err)
	}
	defer rows.Close()
	out := map[string]kpi.Counts{}
	for rows.Next() {
		var id string
		var c kpi.Counts
		if err := rows.Scan(&id, &c.Items, &c.Online, &c.FullyOnline, &c.Instant, &c.AtMostOne, &c.ZeroVisits,
			&c.LegalDays, &c.PromiseDays); err != nil {
			return nil, fmt.Errorf("kpi catalog: %w", err)
		}
		out[id] = c
	}
	return out, rows.Err()
}

// decidedDay is the SQL for the Beijing date a case was decided on (times
// are stored in UTC; China keeps no summer time).
func (db *DB) decidedDay() string {
	if db.Engine == Postgres {
		return "to_char(decided_at + INTERVAL '8 hours', 'YYYY-MM-DD')"
	}
	return "date(decided_at, '+8 hours')"
}

// kpiCaseWhere selects the service cases decided in [$1, $2): no simulated
// case, no letter. The cases_kpi index covers it.
const kpiCaseWhere = `decided_at >= $1 AND decided_at < $2 AND simulated = $3 AND kind = ''`

// KPICases counts the cases decided in [from, to) by org.
func (db *DB) KPICases(ctx context.Context, from, to time.Time) (map[string]kpi.Counts, error) {
	rows, err := db.read.wide().QueryContext(ctx, `SELECT org_id, COUNT(*), `+sumIf(db.decidedDay()+" <= deadline")+`,
		`+sumIf("channel = 'web'")+` FROM cases WHERE `+kpiCaseWhere+` GROUP BY org_id`, from.UTC(), to.UTC(), false)
	if err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	defer rows.Close()
	out := map[string]kpi.Counts{}
	for rows.Next() {
		var id string
		var c kpi.Counts
		if err := rows.Scan(&id, &c.Decided, &c.OnTime, &c.Web); err != nil {
			return nil, fmt.Errorf("kpi cases: %w", err)
		}
		out[id] = c
	}
	return out, rows.Err()
}

// kpiReviewFrom leaves out the reviews of simulated cases and letters
// through the few such cases (the partial index cases_uncounted), so no
// review needs its case row read.
const kpiReviewFrom = `FROM reviews r LEFT JOIN review_rectifications x ON x.review_id = r.id
	WHERE r.created_at >= $1 AND r.created_at < $2 AND r.excluded = $3
	AND r.case_id NOT IN (SELECT id FROM cases WHERE simulated OR kind <> '')`

// KPIReviews counts the reviews given in [from, to) by org.
func (db *DB) KPIReviews(ctx context.Context, from, to time.Time) (map[string]kpi.Counts, error) {
	rows, err := db.read.wide().QueryContext(ctx, `SELECT r.org_id, COUNT(*), `+sumIf("r.overall <= 3")+`, `+sumIf("r.overall >= 4")+`,
		`+sumIf("r.overall >= 4 AND x.state = 'replied'")+` `+kpiReviewFrom+` GROUP BY r.org_id`, from.UTC(), to.UTC(), false)
	if err != nil {
		return nil, fmt.Errorf("kpi reviews: %w", err)
	}
	defer rows.Close()
	out := map[string]kpi.Counts{}
	for rows.Next() {
		var id string
		var c kpi.Counts
		if err := rows.Scan(&id, &c.Reviews, &c.Good, &c.Bad, &c.Rectified); err != nil {
			return nil, fmt.Errorf("kpi reviews: %w", err)
		}
		out[id] = c
	}
	return out, rows.Err()
}

// KPIList lists what figure key counts, its numerator first.
func (db *DB) KPIList(ctx context.Context, key string, q kpi.ListQuery) ([]kpi.Item, error) {
	var query, in, orgCol string
	args := []any{}
	switch q.Source {
	case kpi.SourceCatalog:
		cond, ok := kpiCatalogCond[key]
		if !ok {
			return nil, fmt.Errorf("kpi list: no figure %q", key)
		}
		if key == "compression" {
			// the denominator is the entries with a legal limit
			query = `SELECT code, code, name, org_id, published_at, '', visits, legal_days, promise_days, depth, kind,
				CASE WHEN ` + cond + ` THEN 1 ELSE 0 END AS num FROM catalog_entries WHERE status = 'published' AND legal_days > 0`
		} else {
			query = `SELECT code, code, name, org_id, published_at, '', visits, legal_days, promise_days, depth, kind,
				CASE WHEN ` + cond + ` THEN 1 ELSE 0 END AS num FROM catalog_entries WHERE status = 'published'`
		}
		orgCol = "org_id"
	case kpi.SourceCases:
		cond := db.decidedDay() + " <= deadline"
		if key == "web" {
			cond = "channel = 'web'"
		}
		args = append(args, q.From.UTC(), q.To.UTC(), false)
		query = `SELECT id, no, item_name, org_id, decided_at, deadline, channel, 0, 0, '', 0,
			CASE WHEN ` + cond + ` THEN 1 ELSE 0 END AS num FROM cases WHERE ` + kpiCaseWhere
		orgCol = "org_id"
	case kpi.SourceReviews:
		cond := map[string]string{"good": "r.overall <= 3", "bad": "r.overall >= 4", "rectify": "x.state = 'replied'"}[key]
		args = append(args, q.From.UTC(), q.To.UTC(), false)
		query = `SELECT r.case_id, r.case_no, r.item_name, r.org_id, r.created_at, COALESCE(x.state, ''), r.channel, r.overall, 0, '', 0,
			CASE WHEN ` + cond + ` THEN 1 ELSE 0 END AS num ` + kpiReviewFrom
		if key == "rectify" {
			query += " AND r.overall >= 4"
		}
		orgCol = "r.org_id"
	default:
		return nil, fmt.Errorf("kpi list: no source %q", q.Source)
	}
	if q.OrgIDs != nil {
		if len(q.OrgIDs) == 0 {
			return nil, nil
		}
		in = placeholders(&args, q.OrgIDs)
		query += " AND " + orgCol + " IN (" + in + ")"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = kpi.ListLimit
	}
	query += fmt.Sprintf(" ORDER BY num DESC, 5 DESC LIMIT %d", limit)
	rows, err := db.read.wide().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("kpi list: %w", err)
	}
	defer rows.Close()
	var out []kpi.Item
	for rows.Next() {
		var it kpi.Item
		var at sql.NullTime
		var a, b, kind, num int
		var depth string
		if err := rows.Scan(&it.ID, &it.No, &it.Name, &it.OrgID, &at, &it.Deadline, &it.Channel, &a, &b, &depth, &kind, &num); err != nil {
			return nil, fmt.Errorf("kpi list: %w", err)
		}
		it.At, it.In = at.Time, num == 1
		switch q.Source {
		case kpi.SourceCatalog:
			it.Note = fmt.Sprintf("网办深度 %s；到现场 %s 次；法定 %d / 承诺 %d 个工作日；%s", depth, it.Channel, a, b,
				map[int]string{1: "即办件", 2: "承诺件"}[kind])
			it.Channel = ""
		case kpi.SourceCases:
			it.Note = casework.ChannelName(it.Channel)
		case kpi.SourceReviews:
			it.Note = review.LevelName(a)
			if it.Deadline != "" {
				it.Note += "；整改：" + review.RectName(it.Deadline)
			}
			it.Deadline, it.Channel = "", review.ChannelName(it.Channel)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// KPIWeights returns the saved weights.
func (db *DB) KPIWeights(ctx context.Context) (kpi.Weights, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT figure, weight FROM kpi_weights`)
	if err != nil {
		return nil, fmt.Errorf("kpi weights: %w", err)
	}
	defer rows.Close()
	w := kpi.Weights{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		w[k] = n
	}
	return w, rows.Err()
}

// SaveKPIWeights replaces the weights, with its audit entry.
func (db *DB) SaveKPIWeights(ctx context.Context, w kpi.Weights, by string, at time.Time, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM kpi_weights`); err != nil {
			return fmt.Errorf("kpi weights: %w", err)
		}
		for _, f := range kpi.Figures {
			if _, err := tx.ExecContext(ctx, `INSERT INTO kpi_weights (figure, weight, updated_by, updated_at) VALUES ($1,$2,$3,$4)`,
				f.Key, w[f.Key], by, at.UTC()); err != nil {
				return fmt.Errorf("kpi weights: %w", err)
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

// ImportHistory stores past cases with their events, numbered as of their
// submission day, and reviews of them with their rectifications, in one
// transaction with one audit entry: the demo's months of history, which
// the engine (whose clock runs forward) cannot file. A review of a case
// not among cs keeps its CaseNo (the benchmark harness stores its cases
// with BulkCases first).
func (db *DB) ImportHistory(ctx context.Context, cs []casework.Case, evs []casework.Event, rs []review.Review,
	rects []review.Rectification, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		nos := map[string]string{}
		for _, c := range cs {
			day := c.SubmittedAt.In(yiwang.Shanghai).Format("20060102")
			var n int
			if err := tx.QueryRowContext(ctx, `INSERT INTO case_serials (code, day, n) VALUES ($1, $2, 1)
				ON CONFLICT (code, day) DO UPDATE SET n = case_serials.n + 1 RETURNING n`, c.EntryCode, day).Scan(&n); err != nil {
				return fmt.Errorf("history serial: %w", err)
			}
			c.No = fmt.Sprintf("%s%s%04d", c.EntryCode, day, n)
			nos[c.ID] = c.No
			if _, err := tx.ExecContext(ctx, `INSERT INTO cases (`+caseCols+`, simulated, kind) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,
				$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)`,
				c.ID, c.No, c.EntryID, c.EntryCode, c.ItemName, c.OrgID, c.ApplicantID, c.Applicant, db.pii.Seal(c.Mobile),
				db.pii.Seal(c.IDCard), c.Enterprise, c.Channel, c.FiledBy, c.FiledAt, c.State, c.Decision, db.caseBodyJSON(c),
				c.SubmittedAt.UTC(), nullTime(c.AcceptedAt), c.Deadline, nullTime(c.DecidedAt), c.Version, dueOr(c.Due),
				c.Simulated, c.Kind); err != nil {
				return fmt.Errorf("history case: %w", err)
			}
		}
		for _, ev := range evs {
			if err := insertEvent(ctx, tx, ev); err != nil {
				return err
			}
		}
		for _, r := range rs {
			scores, _ := json.Marshal(r.Scores)
			no, ok := nos[r.CaseID]
			if !ok { // a review of a case stored before (the harness's bulk cases)
				no = r.CaseNo
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO reviews (id, case_id, case_no, org_id, entry_code, item_name, reviewer_id,
				is_window, visit, channel, scores, overall, body, follow_up, excluded, created_at)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
				r.ID, r.CaseID, no, r.OrgID, r.EntryCode, r.ItemName, r.ReviewerID, r.Window, r.Visit, r.Channel,
				string(scores), r.Overall(), r.Text, r.FollowUp, false, r.CreatedAt.UTC()); err != nil {
				return fmt.Errorf("history review: %w", err)
			}
		}
		for _, x := range rects {
			if _, err := tx.ExecContext(ctx, `INSERT INTO review_rectifications (id, review_id, org_id, state, revisit_due,
				reply_due, revisited_at, revisit_note, replied_at, reply, rev) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,1)`,
				x.ID, x.ReviewID, x.OrgID, x.State, x.RevisitDue, x.ReplyDue, nullTime(x.RevisitedAt), x.RevisitNote,
				nullTime(x.RepliedAt), x.Reply); err != nil {
				return fmt.Errorf("history rectification: %w", err)
			}
		}
		return appendAudit(ctx, tx, e)
	})
}
