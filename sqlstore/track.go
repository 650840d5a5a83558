package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/yushan-gov/yiwang/casework"
)

// TrackCase reads in one query what the public tracker shows of the case
// numbered no, with its org's name and its entry version's kind, promised
// days and version. It opens the mobile number only (not the ID number)
// and decodes the body only for the delivery, whose address it drops.
// ENOTFOUND when there is no such case.
func (db *DB) TrackCase(ctx context.Context, no string) (casework.Tracked, error) {
	var t casework.Tracked
	c := &t.Case
	var mob, body string
	err := db.read.QueryRowContext(lookup(ctx), `SELECT c.id, c.no, c.entry_id, c.entry_code, c.item_name, c.org_id,
		c.applicant, c.mobile_enc, c.channel, c.state, c.decision, c.body, c.submitted_at, c.deadline, c.kind,
		o.name, e.kind, e.promise_days, e.version
		FROM cases c JOIN orgs o ON o.id = c.org_id JOIN catalog_entries e ON e.id = c.entry_id
		WHERE c.no = $1`, no).Scan(&c.ID, &c.No, &c.EntryID, &c.EntryCode, &c.ItemName, &c.OrgID, &c.Applicant, &mob,
		&c.Channel, &c.State, &c.Decision, &body, &c.SubmittedAt, &c.Deadline, &c.Kind,
		&t.OrgName, &t.EntryKind, &t.PromiseDays, &t.EntryVersion)
	if err != nil {
		return t, notFound(err, "办件")
	}
	if strings.Contains(body, `"delivery"`) {
		var b struct {
			Delivery *casework.Delivery `json:"delivery"`
		}
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			return t, fmt.Errorf("case %s body: %w", c.ID, err)
		}
		if b.Delivery != nil {
			b.Delivery.Address = "" // sealed, and the tracker never shows it
			c.Delivery = b.Delivery
		}
	}
	if c.Mobile, err = db.pii.Open(mob); err != nil {
		return t, fmt.Errorf("case %s mobile: %w", c.ID, err)
	}
	return t, nil
}

// TrackEvents returns a case's timeline for the public tracker, oldest
// first, with only the time, kind and note of each event: the actors'
// names are not even read.
func (db *DB) TrackEvents(ctx context.Context, caseID string) ([]casework.Event, error) {
	rows, err := db.read.QueryContext(lookup(ctx), `SELECT at, kind, note FROM case_events WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []casework.Event
	for rows.Next() {
		var ev casework.Event
		if err := rows.Scan(&ev.At, &ev.Kind, &ev.Note); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}
