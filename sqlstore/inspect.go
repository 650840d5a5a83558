package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/inspect"
)

var _ inspect.Store = (*DB)(nil)

const exposureCols = `id, title, org_id, problem, correction, case_id, case_no, state, withdraw_reason, by_name,
	created_at, updated_at, published_at, corrected_at, withdrawn_at, rev`

func scanExposure(sc interface{ Scan(...any) error }) (inspect.Exposure, error) {
	var x inspect.Exposure
	var pub, cor, wd sql.NullTime
	err := sc.Scan(&x.ID, &x.Title, &x.OrgID, &x.Problem, &x.Correction, &x.CaseID, &x.CaseNo, &x.State, &x.WithdrawReason,
		&x.By, &x.CreatedAt, &x.UpdatedAt, &pub, &cor, &wd, &x.Rev)
	x.PublishedAt, x.CorrectedAt, x.WithdrawnAt = pub.Time, cor.Time, wd.Time
	return x, err
}

// CreateExposure stores a new exposure item.
func (db *DB) CreateExposure(ctx context.Context, x inspect.Exposure, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO exposures (`+exposureCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,
			$11,$12,$13,$14,$15,1)`, x.ID, x.Title, x.OrgID, x.Problem, x.Correction, x.CaseID, x.CaseNo, x.State,
			x.WithdrawReason, x.By, x.CreatedAt.UTC(), x.UpdatedAt.UTC(), nullTime(x.PublishedAt), nullTime(x.CorrectedAt),
			nullTime(x.WithdrawnAt)); err != nil {
			return fmt.Errorf("insert exposure: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// UpdateExposure stores x at its Rev.
func (db *DB) UpdateExposure(ctx context.Context, x inspect.Exposure, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE exposures SET title=$1, org_id=$2, problem=$3, correction=$4, case_id=$5,
			case_no=$6, state=$7, withdraw_reason=$8, updated_at=$9, published_at=$10, corrected_at=$11, withdrawn_at=$12,
			rev=rev+1 WHERE id=$13 AND rev=$14`, x.Title, x.OrgID, x.Problem, x.Correction, x.CaseID, x.CaseNo, x.State,
			x.WithdrawReason, x.UpdatedAt.UTC(), nullTime(x.PublishedAt), nullTime(x.CorrectedAt), nullTime(x.WithdrawnAt),
			x.ID, x.Rev)
		if err != nil {
			return fmt.Errorf("update exposure: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ECONFLICT, "该内容已被他人修改，请刷新后重试")
		}
		return appendAudit(ctx, tx, e)
	})
}

// Exposure returns one item.
func (db *DB) Exposure(ctx context.Context, id string) (inspect.Exposure, error) {
	x, err := scanExposure(db.read.QueryRowContext(ctx, `SELECT `+exposureCols+` FROM exposures WHERE id = $1`, id))
	return x, notFound(err, "曝光内容")
}

// Exposures lists items in a state ("" for all), newest first.
func (db *DB) Exposures(ctx context.Context, state string, limit int) ([]inspect.Exposure, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+exposureCols+` FROM exposures WHERE $1 = '' OR state = $1
		ORDER BY COALESCE(published_at, created_at) DESC, id LIMIT $2`, state, limit)
	if err != nil {
		return nil, fmt.Errorf("list exposures: %w", err)
	}
	defer rows.Close()
	var out []inspect.Exposure
	for rows.Next() {
		x, err := scanExposure(rows)
		if err != nil {
			return nil, fmt.Errorf("list exposures: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// DecidedCases lists the org's applications decided in [from, to) that a
// spot check may draw: decided or delivered, not simulated, not complaints.
func (db *DB) DecidedCases(ctx context.Context, orgID string, from, to time.Time) ([]inspect.CaseRef, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, no, item_name FROM cases WHERE org_id = $1 AND decided_at >= $2
		AND decided_at < $3 AND state IN ('decided', 'delivered') AND simulated = $4 AND kind = '' ORDER BY id`,
		orgID, from.UTC(), to.UTC(), false)
	if err != nil {
		return nil, fmt.Errorf("decided cases: %w", err)
	}
	defer rows.Close()
	var out []inspect.CaseRef
	for rows.Next() {
		var c inspect.CaseRef
		if err := rows.Scan(&c.ID, &c.No, &c.ItemName); err != nil {
			return nil, fmt.Errorf("decided cases: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateCheck stores a check and its items.
func (db *DB) CreateCheck(ctx context.Context, c inspect.Check, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO spot_checks (id, kind, org_id, period_from, period_to, requested, pool,
			seed, state, by_id, by_name, created_at, rev) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,1)`,
			c.ID, c.Kind, c.OrgID, c.From, c.To, c.Requested, c.Pool, strconv.FormatUint(c.Seed, 16), c.State, c.ByID, c.By,
			c.CreatedAt.UTC()); err != nil {
			return fmt.Errorf("insert check: %w", err)
		}
		for _, it := range c.Items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO spot_check_items (check_id, seq, case_id, case_no, item_name, result,
				note, by_name) VALUES ($1,$2,$3,$4,$5,'','','')`, c.ID, it.Seq, it.CaseID, it.CaseNo, it.ItemName); err != nil {
				return fmt.Errorf("insert check item: %w", err)
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

const checkCols = `id, kind, org_id, period_from, period_to, requested, pool, seed, state, by_id, by_name, created_at,
	closed_at, rev`

func scanCheck(sc interface{ Scan(...any) error }) (inspect.Check, error) {
	var c inspect.Check
	var seed string
	var closed sql.NullTime
	if err := sc.Scan(&c.ID, &c.Kind, &c.OrgID, &c.From, &c.To, &c.Requested, &c.Pool, &seed, &c.State, &c.ByID, &c.By,
		&c.CreatedAt, &closed, &c.Rev); err != nil {
		return c, err
	}
	c.ClosedAt = closed.Time
	if seed != "" {
		n, err := strconv.ParseUint(seed, 16, 64)
		if err != nil {
			return c, fmt.Errorf("check %s seed: %w", c.ID, err)
		}
		c.Seed = n
	}
	return c, nil
}

func (db *DB) checkItems(ctx context.Context, c *inspect.Check) error {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, case_id, case_no, item_name, result, note, by_name, at
		FROM spot_check_items WHERE check_id = $1 ORDER BY seq`, c.ID)
	if err != nil {
		return fmt.Errorf("check items: %w", err)
	}
	defer rows.Close()
	c.Items = nil
	for rows.Next() {
		var it inspect.Item
		var at sql.NullTime
		if err := rows.Scan(&it.Seq, &it.CaseID, &it.CaseNo, &it.ItemName, &it.Result, &it.Note, &it.By, &at); err != nil {
			return fmt.Errorf("check items: %w", err)
		}
		it.At = at.Time
		c.Items = append(c.Items, it)
	}
	return rows.Err()
}

// Check returns a check with its items.
func (db *DB) Check(ctx context.Context, id string) (inspect.Check, error) {
	c, err := scanCheck(db.read.QueryRowContext(ctx, `SELECT `+checkCols+` FROM spot_checks WHERE id = $1`, id))
	if err != nil {
		return c, notFound(err, "抽查")
	}
	return c, db.checkItems(ctx, &c)
}

// Checks lists checks with their items, open ones first, newest first.
func (db *DB) Checks(ctx context.Context, limit int) ([]inspect.Check, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+checkCols+` FROM spot_checks
		ORDER BY CASE state WHEN 'open' THEN 0 ELSE 1 END, created_at DESC, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list checks: %w", err)
	}
	var out []inspect.Check
	for rows.Next() {
		c, err := scanCheck(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list checks: %w", err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := db.checkItems(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RecordFinding stores one item's finding and the check's state at its Rev.
func (db *DB) RecordFinding(ctx context.Context, c inspect.Check, it inspect.Item, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE spot_checks SET state=$1, closed_at=$2, rev=rev+1 WHERE id=$3 AND rev=$4`,
			c.State, nullTime(c.ClosedAt), c.ID, c.Rev)
		if err != nil {
			return fmt.Errorf("update check: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ECONFLICT, "该检查已被他人更新，请刷新后重试")
		}
		res, err = tx.ExecContext(ctx, `UPDATE spot_check_items SET result=$1, note=$2, by_name=$3, at=$4
			WHERE check_id=$5 AND seq=$6 AND result = ''`, it.Result, it.Note, it.By, it.At.UTC(), c.ID, it.Seq)
		if err != nil {
			return fmt.Errorf("record finding: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ECONFLICT, "办件 %s 已记录检查结果", it.CaseNo)
		}
		return appendAudit(ctx, tx, e)
	})
}
