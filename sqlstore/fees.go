package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/supervision"
)

// saveCaseFees stores the fees a decision recorded (收费) in case_fees, one
// row per line, in the decision's transaction; other changes of the case
// leave the rows alone. The case body keeps them too: the rows are for the
// supervision scan, which then reads only the cases that charged something.
func saveCaseFees(ctx context.Context, tx *sql.Tx, c casework.Case, ev casework.Event) error {
	if ev.Kind != "decide" || len(c.Fees) == 0 {
		return nil
	}
	for i, f := range c.Fees {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_fees (case_id, line, name, fen, at) VALUES ($1,$2,$3,$4,$5)`,
			c.ID, i, f.Name, f.Fen, ev.At.UTC()); err != nil {
			return fmt.Errorf("save fees: %w", err)
		}
	}
	return nil
}

// ChargedFees lists the fee lines recorded since a time that charge
// something (case_fees_at), with their cases, in case and line order.
func (db *DB) ChargedFees(ctx context.Context, since time.Time) ([]supervision.FeeCharge, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT f.case_id, c.no, c.item_name, c.org_id, c.entry_id, f.name, f.fen, f.at
		FROM case_fees f JOIN cases c ON c.id = f.case_id
		WHERE f.at >= $1 AND f.fen > 0 ORDER BY f.case_id, f.line`, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("charged fees: %w", err)
	}
	defer rows.Close()
	var out []supervision.FeeCharge
	for rows.Next() {
		var f supervision.FeeCharge
		if err := rows.Scan(&f.CaseID, &f.CaseNo, &f.ItemName, &f.OrgID, &f.EntryID, &f.Name, &f.Fen, &f.At); err != nil {
			return nil, fmt.Errorf("charged fees: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// GuideFees returns the fee items of the guides of some entry versions.
func (db *DB) GuideFees(ctx context.Context, entryIDs []string) (map[string][]catalog.Fee, error) {
	out := map[string][]catalog.Fee{}
	for start := 0; start < len(entryIDs); start += 500 {
		var args []any
		rows, err := db.read.QueryContext(ctx, `SELECT id, guide FROM catalog_entries WHERE id IN (`+
			placeholders(&args, entryIDs[start:min(start+500, len(entryIDs))])+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("guide fees: %w", err)
		}
		for rows.Next() {
			var id, guide string
			if err := rows.Scan(&id, &guide); err != nil {
				rows.Close()
				return nil, fmt.Errorf("guide fees: %w", err)
			}
			var g struct {
				Fees []catalog.Fee `json:"fees"`
			}
			if err := json.Unmarshal([]byte(guide), &g); err != nil {
				rows.Close()
				return nil, fmt.Errorf("entry %s guide: %w", id, err)
			}
			out[id] = g.Fees
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
