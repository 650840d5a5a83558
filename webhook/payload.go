package webhook

import (
	"encoding/json"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
)

// Payload is the JSON body of a delivery. It names the case and what
// happened to it, never who applied: no name, ID number, phone, address,
// form answer or free-text note (notes may quote the applicant).
type Payload struct {
	ID        string `json:"id"`       // the delivery; the same on every retry
	Event     string `json:"event"`    // one of Kinds
	EventID   string `json:"event_id"` // the case event; the same for every subscription
	Seq       int    `json:"seq"`      // the event's number in the case's timeline, from 1
	CaseID    string `json:"case_id"`
	CaseNo    string `json:"case_no"`   // 办件编号, 43 characters
	ItemCode  string `json:"item_code"` // 实施编码, 31 characters
	ItemName  string `json:"item_name"`
	OrgID     string `json:"org_id"` // the implementing org
	FromState string `json:"from_state"`
	State     string `json:"state"`              // the case's state after the event
	Decision  string `json:"decision,omitempty"` // granted or denied, once decided
	Deadline  string `json:"deadline,omitempty"` // last working day, once accepted
	Channel   string `json:"channel"`            // where the event came from: web, api, window, agent …
	At        string `json:"at"`                 // when the event happened, RFC 3339 in UTC
}

// NewDeliveries makes one pending delivery of event ev on case c for each
// subscription that wants it; orgChain is the case's org and those above it.
// They are due at once.
func NewDeliveries(subs []Subscription, orgChain []string, c casework.Case, ev casework.Event) []Delivery {
	if c.Kind != "" {
		// A letter (投诉、咨询、建议) is no application: its item name is the
		// complainant's own subject, and its number and code are not the
		// format this payload promises (docs/webhooks.md).
		return nil
	}
	var out []Delivery
	for _, s := range subs {
		if !s.Wants(ev.Kind, orgChain) {
			continue
		}
		id := yiwang.NewID()
		body, _ := json.Marshal(Payload{ID: id, Event: ev.Kind, EventID: ev.ID, Seq: ev.Seq, CaseID: c.ID,
			CaseNo: c.No, ItemCode: c.EntryCode, ItemName: c.ItemName, OrgID: c.OrgID, FromState: ev.From,
			State: c.State, Decision: c.Decision, Deadline: c.Deadline, Channel: ev.Channel,
			At: ev.At.UTC().Format(time.RFC3339)})
		out = append(out, Delivery{ID: id, SubscriptionID: s.ID, Event: ev.Kind, CaseID: c.ID, Payload: string(body),
			Status: StatusPending, NextAttemptAt: ev.At, CreatedAt: ev.At})
	}
	return out
}
