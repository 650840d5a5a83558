package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
)

// LetterEntry returns the hidden catalog entry letters of one kind are filed
// under (casework.StatusLetter: never published, so no list, search or
// figure of the catalog shows it), storing en with its audit entry when the
// code has none yet. Two first letters at once store it once.
func (db *DB) LetterEntry(ctx context.Context, en catalog.Entry, e audit.Entry) (catalog.Entry, error) {
	if got, err := scanEntry(db.read.QueryRowContext(ctx, `SELECT `+entryCols+` FROM catalog_entries
		WHERE code = $1 AND version = $2`, en.Code, en.Version)); err == nil {
		return got, nil
	} else if err != sql.ErrNoRows {
		return catalog.Entry{}, fmt.Errorf("letter entry: %w", err)
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO catalog_entries (`+entryCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,
			$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25) ON CONFLICT (code, version) DO NOTHING`,
			en.ID, en.Code, en.Version, en.Status, en.Base.Code, en.Base.Name, en.Base.Type, baseJSON(en.Base), en.OrgID,
			en.Level, en.Kind, en.LegalDays, en.PromiseDays, ints(en.Depth), ints(en.Forms), en.Visits, guideJSON(en.Guide),
			en.CreatedBy, en.CreatedAt, en.SubmittedBy, nullTime(en.SubmittedAt), en.ApprovedBy, nullTime(en.PublishedAt),
			nullTime(en.RetiredAt), en.ReviewNote)
		if err != nil {
			return fmt.Errorf("insert letter entry: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // someone stored it meanwhile
		}
		return appendAudit(ctx, tx, e)
	})
	if err != nil {
		return catalog.Entry{}, err
	}
	got, err := scanEntry(db.write.QueryRowContext(ctx, `SELECT `+entryCols+` FROM catalog_entries
		WHERE code = $1 AND version = $2`, en.Code, en.Version))
	return got, notFound(err, "事项版本")
}

// LettersFiledBy lists the letters a staff member typed in, newest first.
func (db *DB) LettersFiledBy(ctx context.Context, accountID string, limit int) ([]casework.Case, error) {
	if accountID == "" {
		return nil, nil
	}
	// filed_by <> '' lets both engines use the partial index cases_filed_by.
	return db.cases(ctx, `WHERE filed_by = $1 AND filed_by <> '' AND kind <> '' ORDER BY submitted_at DESC, id DESC LIMIT $2`, accountID, limit)
}

var _ casework.LetterStore = (*DB)(nil)
