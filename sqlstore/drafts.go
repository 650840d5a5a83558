package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/yushan-gov/yiwang/casework"
)

type draftBody struct {
	Materials []casework.Material `json:"materials"`
	Fields    map[string]string   `json:"fields,omitempty"`
	Note      string              `json:"note,omitempty"`
}

// SaveDraft stores an application draft (one per applicant and item).
func (db *DB) SaveDraft(ctx context.Context, d casework.Draft) error {
	b, _ := json.Marshal(draftBody{Materials: d.Materials, Fields: d.Fields, Note: d.Note})
	err := db.group(ctx, func(ctx context.Context, q execer) error {
		_, err := q.ExecContext(ctx, `INSERT INTO case_drafts (applicant_id, entry_code, body, updated_at)
			VALUES ($1,$2,$3,$4) ON CONFLICT (applicant_id, entry_code) DO UPDATE SET body = excluded.body,
			updated_at = excluded.updated_at`, d.ApplicantID, d.EntryCode, string(b), d.UpdatedAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	return nil
}

// Draft returns an applicant's draft of an item, or ENOTFOUND.
func (db *DB) Draft(ctx context.Context, applicantID, entryCode string) (casework.Draft, error) {
	d := casework.Draft{ApplicantID: applicantID, EntryCode: entryCode}
	var body string
	err := db.point.QueryRowContext(lookup(ctx), `SELECT body, updated_at FROM case_drafts WHERE applicant_id = $1 AND entry_code = $2`,
		applicantID, entryCode).Scan(&body, &d.UpdatedAt)
	if err != nil {
		return d, notFound(err, "草稿")
	}
	var b draftBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return d, err
	}
	d.Materials, d.Fields, d.Note = b.Materials, b.Fields, b.Note
	return d, nil
}

// DeleteDraft removes a draft (after it was submitted).
func (db *DB) DeleteDraft(ctx context.Context, applicantID, entryCode string) error {
	return db.group(ctx, func(ctx context.Context, q execer) error {
		_, err := q.ExecContext(ctx, `DELETE FROM case_drafts WHERE applicant_id = $1 AND entry_code = $2`, applicantID, entryCode)
		return err
	})
}
