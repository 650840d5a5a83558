package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/review"
)

var _ review.Store = (*DB)(nil)

const reviewCols = `id, case_id, case_no, org_id, entry_code, item_name, reviewer_id, is_window, visit, channel, scores,
	body, follow_up, excluded, created_at`

func scanReview(sc interface{ Scan(...any) error }) (review.Review, error) {
	var r review.Review
	var scores string
	if err := sc.Scan(&r.ID, &r.CaseID, &r.CaseNo, &r.OrgID, &r.EntryCode, &r.ItemName, &r.ReviewerID, &r.Window,
		&r.Visit, &r.Channel, &scores, &r.Text, &r.FollowUp, &r.Excluded, &r.CreatedAt); err != nil {
		return r, err
	}
	return r, json.Unmarshal([]byte(scores), &r.Scores)
}

// AddReview stores a review and, for a bad one, its rectification.
func (db *DB) AddReview(ctx context.Context, r review.Review, rect *review.Rectification, e audit.Entry) error {
	scores, _ := json.Marshal(r.Scores)
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO reviews (id, case_id, case_no, org_id, entry_code, item_name, reviewer_id,
			is_window, visit, channel, scores, overall, body, follow_up, excluded, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
			r.ID, r.CaseID, r.CaseNo, r.OrgID, r.EntryCode, r.ItemName, r.ReviewerID, r.Window, r.Visit, r.Channel, string(scores),
			r.Overall(), r.Text, r.FollowUp, false, r.CreatedAt.UTC())
		if isUnique(err) && r.Visit {
			return yiwang.Errorf(yiwang.ECONFLICT, "本次窗口服务已经评价过了")
		}
		if isUnique(err) {
			return yiwang.Errorf(yiwang.ECONFLICT, "每件办件可评价一次、追评一次，您已评价过了")
		}
		if err != nil {
			return fmt.Errorf("insert review: %w", err)
		}
		if rect != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO review_rectifications (id, review_id, org_id, state, revisit_due,
				reply_due, revisit_note, reply, rev) VALUES ($1,$2,$3,$4,$5,$6,'','',1)`,
				rect.ID, rect.ReviewID, rect.OrgID, rect.State, rect.RevisitDue, rect.ReplyDue); err != nil {
				return fmt.Errorf("insert rectification: %w", err)
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

func (db *DB) reviews(ctx context.Context, where string, args ...any) ([]review.Review, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+reviewCols+` FROM reviews WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	defer rows.Close()
	var out []review.Review
	for rows.Next() {
		r, err := scanReview(rows)
		if err != nil {
			return nil, fmt.Errorf("list reviews: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReviewsOfCase lists a case's reviews (the visit's too), oldest first.
func (db *DB) ReviewsOfCase(ctx context.Context, caseID string) ([]review.Review, error) {
	return db.reviews(ctx, `case_id = $1 ORDER BY created_at, follow_up`, caseID)
}

// Review returns one review.
func (db *DB) Review(ctx context.Context, id string) (review.Review, error) {
	r, err := scanReview(db.read.QueryRowContext(ctx, `SELECT `+reviewCols+` FROM reviews WHERE id = $1`, id))
	return r, notFound(err, "评价")
}

// RecentReviews lists the newest reviews, leaving out those of simulated
// cases (模拟办事): a test is nobody's opinion.
func (db *DB) RecentReviews(ctx context.Context, limit int) ([]review.Review, error) {
	return db.reviews(ctx, `NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = reviews.case_id AND c.simulated = $2)
		ORDER BY created_at DESC, id LIMIT $1`, limit, true)
}

const rectCols = `id, review_id, org_id, state, revisit_due, reply_due, revisited_at, revisit_note, replied_at, reply,
	escalated_at, rev`

func scanRect(sc interface{ Scan(...any) error }) (review.Rectification, error) {
	var x review.Rectification
	var revisited, replied, escalated sql.NullTime
	err := sc.Scan(&x.ID, &x.ReviewID, &x.OrgID, &x.State, &x.RevisitDue, &x.ReplyDue, &revisited, &x.RevisitNote,
		&replied, &x.Reply, &escalated, &x.Rev)
	x.RevisitedAt, x.RepliedAt, x.EscalatedAt = revisited.Time, replied.Time, escalated.Time
	return x, err
}

func (db *DB) rects(ctx context.Context, where string, args ...any) ([]review.Rectification, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+rectCols+` FROM review_rectifications WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list rectifications: %w", err)
	}
	defer rows.Close()
	var out []review.Rectification
	for rows.Next() {
		x, err := scanRect(rows)
		if err != nil {
			return nil, fmt.Errorf("list rectifications: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Rectifications lists the rectifications of some orgs, open ones first.
func (db *DB) Rectifications(ctx context.Context, orgIDs []string, limit int) ([]review.Rectification, error) {
	var args []any
	where := "1=1"
	if orgIDs != nil {
		if len(orgIDs) == 0 {
			return nil, nil
		}
		where = "org_id IN (" + placeholders(&args, orgIDs) + ")"
	}
	args = append(args, limit)
	return db.rects(ctx, where+fmt.Sprintf(` ORDER BY CASE state WHEN 'replied' THEN 1 ELSE 0 END, reply_due, id LIMIT $%d`, len(args)), args...)
}

// Rectification returns one.
func (db *DB) Rectification(ctx context.Context, id string) (review.Rectification, error) {
	x, err := scanRect(db.read.QueryRowContext(ctx, `SELECT `+rectCols+` FROM review_rectifications WHERE id = $1`, id))
	return x, notFound(err, "整改")
}

// UpdateRectification stores x at its Rev.
func (db *DB) UpdateRectification(ctx context.Context, x review.Rectification, e audit.Entry, msg *notify.Message) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE review_rectifications SET state=$1, revisited_at=$2, revisit_note=$3,
			replied_at=$4, reply=$5, escalated_at=$6, rev=rev+1 WHERE id=$7 AND rev=$8`,
			x.State, nullTime(x.RevisitedAt), x.RevisitNote, nullTime(x.RepliedAt), x.Reply, nullTime(x.EscalatedAt), x.ID, x.Rev)
		if err != nil {
			return fmt.Errorf("update rectification: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ECONFLICT, "该整改已被他人处理，请刷新后重试")
		}
		if msg != nil {
			if err := insertMessage(ctx, tx, db, *msg); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

// OverdueRectifications lists unescalated rectifications past a due date.
func (db *DB) OverdueRectifications(ctx context.Context, day string) ([]review.Rectification, error) {
	return db.rects(ctx, `escalated_at IS NULL AND ((state = 'open' AND revisit_due < $1) OR
		(state <> 'replied' AND reply_due < $1)) ORDER BY reply_due, id`, day)
}

const appealCols = `id, review_id, org_id, by_name, reason, at, state, decided_by, decided_at, decision, rev`

func scanAppeal(sc interface{ Scan(...any) error }) (review.Appeal, error) {
	var a review.Appeal
	var decided sql.NullTime
	err := sc.Scan(&a.ID, &a.ReviewID, &a.OrgID, &a.By, &a.Reason, &a.At, &a.State, &a.DecidedBy, &decided, &a.Decision, &a.Rev)
	a.DecidedAt = decided.Time
	return a, err
}

// AddAppeal stores an appeal; a review has at most one.
func (db *DB) AddAppeal(ctx context.Context, a review.Appeal, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO review_appeals (id, review_id, org_id, by_name, reason, at, state,
			decided_by, decision, rev) VALUES ($1,$2,$3,$4,$5,$6,$7,'','',1)`, a.ID, a.ReviewID, a.OrgID, a.By, a.Reason, a.At.UTC(), a.State)
		if isUnique(err) {
			return yiwang.Errorf(yiwang.ECONFLICT, "该评价已提出过申诉")
		}
		if err != nil {
			return fmt.Errorf("insert appeal: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// Appeals lists appeals in a state ("" for all), oldest first.
func (db *DB) Appeals(ctx context.Context, state string, limit int) ([]review.Appeal, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+appealCols+` FROM review_appeals WHERE $1 = '' OR state = $1
		ORDER BY at, id LIMIT $2`, state, limit)
	if err != nil {
		return nil, fmt.Errorf("list appeals: %w", err)
	}
	defer rows.Close()
	var out []review.Appeal
	for rows.Next() {
		a, err := scanAppeal(rows)
		if err != nil {
			return nil, fmt.Errorf("list appeals: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Appeal returns one appeal.
func (db *DB) Appeal(ctx context.Context, id string) (review.Appeal, error) {
	a, err := scanAppeal(db.read.QueryRowContext(ctx, `SELECT `+appealCols+` FROM review_appeals WHERE id = $1`, id))
	return a, notFound(err, "申诉")
}

// DecideAppeal stores the decision; an upheld one excludes the review.
func (db *DB) DecideAppeal(ctx context.Context, a review.Appeal, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE review_appeals SET state=$1, decided_by=$2, decided_at=$3, decision=$4,
			rev=rev+1 WHERE id=$5 AND rev=$6`, a.State, a.DecidedBy, a.DecidedAt.UTC(), a.Decision, a.ID, a.Rev)
		if err != nil {
			return fmt.Errorf("decide appeal: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ECONFLICT, "该申诉已被他人审核，请刷新后重试")
		}
		if a.State == review.AppealUpheld {
			if _, err := tx.ExecContext(ctx, `UPDATE reviews SET excluded = $1 WHERE id = $2`, true, a.ReviewID); err != nil {
				return fmt.Errorf("exclude review: %w", err)
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

// Figures counts the non-excluded reviews by item or org, most first;
// reviews of simulated cases (模拟办事) count nowhere.
func (db *DB) Figures(ctx context.Context, by string) ([]review.Figures, error) {
	key, name := "r.entry_code", "MAX(r.item_name)"
	if by == "org" {
		key, name = "r.org_id", "MAX(o.name)"
	}
	rows, err := db.read.wide().QueryContext(ctx, `SELECT `+key+`, `+name+`, COUNT(*),
		SUM(CASE WHEN r.overall <= 3 THEN 1 ELSE 0 END), SUM(CASE WHEN r.overall >= 4 THEN 1 ELSE 0 END),
		SUM(CASE WHEN x.state = 'replied' THEN 1 ELSE 0 END)
		FROM reviews r JOIN orgs o ON o.id = r.org_id JOIN cases c ON c.id = r.case_id
		LEFT JOIN review_rectifications x ON x.review_id = r.id
		WHERE r.excluded = $1 AND c.simulated = $1 GROUP BY `+key+` ORDER BY COUNT(*) DESC, `+key, false)
	if err != nil {
		return nil, fmt.Errorf("review figures: %w", err)
	}
	defer rows.Close()
	var out []review.Figures
	for rows.Next() {
		var f review.Figures
		if err := rows.Scan(&f.Key, &f.Name, &f.Reviews, &f.Good, &f.BadCount, &f.Rectified); err != nil {
			return nil, fmt.Errorf("review figures: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
