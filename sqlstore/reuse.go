package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yushan-gov/yiwang/casework"
)

var _ casework.ReuseStore = (*DB)(nil)

// saveCaseExtras stores what a case change carries besides the case: the
// e-license its decision issued and the materials a clerk verified.
func (db *DB) saveCaseExtras(ctx context.Context, tx *sql.Tx, c casework.Case) error {
	for _, iss := range c.Issued {
		if err := db.insertLicense(ctx, tx, iss.License, iss.Event); err != nil {
			return err
		}
		if c.Simulated {
			// 模拟办事: the test identity may be a real person's ID number. The
			// license is made as for any case (the org must not tell), but no
			// holder's wallet finds it, so it is never shown or reused.
			if _, err := tx.ExecContext(ctx, `UPDATE licenses SET holder_hash = $1 WHERE id = $2`,
				db.holderHash("simulated", c.ID), iss.License.ID); err != nil {
				return fmt.Errorf("simulated license: %w", err)
			}
		}
		if err := appendAudit(ctx, tx, iss.Audit); err != nil {
			return err
		}
	}
	for _, r := range c.Verified {
		// A later verification of the same material replaces the earlier.
		if _, err := tx.ExecContext(ctx, `DELETE FROM holder_materials WHERE holder_hash = $1 AND name = $2`,
			db.pii.Hash("material_holder", r.Holder), r.Name); err != nil {
			return fmt.Errorf("replace verified material: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO holder_materials (holder_hash, name, file_id, case_id, verified_by,
			verified_at) VALUES ($1,$2,$3,$4,$5,$6)`, db.pii.Hash("material_holder", r.Holder), r.Name, r.FileID, r.CaseID,
			r.VerifiedBy, r.VerifiedAt.UTC()); err != nil {
			return fmt.Errorf("save verified material: %w", err)
		}
	}
	return nil
}

// ReusableMaterials returns a holder's verified materials by name.
func (db *DB) ReusableMaterials(ctx context.Context, holder string) (map[string]casework.Reusable, error) {
	rows, err := db.point.QueryContext(lookup(ctx), `SELECT name, file_id, case_id, verified_by, verified_at FROM holder_materials
		WHERE holder_hash = $1`, db.pii.Hash("material_holder", holder))
	if err != nil {
		return nil, fmt.Errorf("reusable materials: %w", err)
	}
	defer rows.Close()
	out := map[string]casework.Reusable{}
	for rows.Next() {
		r := casework.Reusable{Holder: holder}
		if err := rows.Scan(&r.Name, &r.FileID, &r.CaseID, &r.VerifiedBy, &r.VerifiedAt); err != nil {
			return nil, fmt.Errorf("reusable materials: %w", err)
		}
		out[r.Name] = r
	}
	return out, rows.Err()
}
