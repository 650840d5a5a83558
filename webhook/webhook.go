// Package webhook pushes case events to other government systems that
// subscribe to them: a delivery row is stored in the same transaction as the
// event, and a dispatcher POSTs it, signed with HMAC-SM3, retrying with
// backoff. The body carries no personal data. docs/webhooks.md is the
// receiver's description of the format.
package webhook

import (
	"context"
	"slices"
	"time"

	"github.com/yushan-gov/yiwang/audit"
)

// Kinds lists the event kinds a subscription may ask for, in display order:
// every kind of case event casework stores.
var Kinds = []string{"submit", "correct_notice", "resubmit", "accept", "refuse", "decide", "deliver",
	"withdraw", "special_start", "special_end", "task"}

var kindNames = map[string]string{"submit": "提交申请", "correct_notice": "一次性告知补正", "resubmit": "提交补正材料",
	"accept": "受理", "refuse": "不予受理", "decide": "办结", "deliver": "送达", "withdraw": "撤回",
	"special_start": "启动特别程序", "special_end": "特别程序结束", "task": "部门办理环节完成"}

// KindName returns an event kind in words.
func KindName(k string) string { return kindNames[k] }

// Delivery statuses. Stored: never change a value.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed" // gave up after MaxAttempts
)

// StatusName returns a delivery status in words.
func StatusName(s string) string {
	return map[string]string{StatusPending: "待推送", StatusDelivered: "已送达", StatusFailed: "已放弃"}[s]
}

// MaxAttempts is how often a delivery is tried before it is marked failed.
// With yiwang.Backoff the ten attempts span about three hours (3 h 3.5 min
// without jitter, at most 3 h 40 min with it).
const MaxAttempts = 10

// Timeout is how long a receiver has to answer one delivery.
const Timeout = 10 * time.Second

// claimFor is how long a dispatcher holds a delivery it is sending: well
// over Timeout, so a claim never lapses while its request is under way.
const claimFor = time.Minute

// Subscription is one receiving system.
type Subscription struct {
	ID  string
	URL string // http or https
	// Secret is the HMAC-SM3 key. Shown to the admin once, when made;
	// encrypted at rest because it is needed to sign; empty in listings.
	Secret    string
	Events    []string // kinds from Kinds
	OrgID     string   // "" for every org; else cases of this org and those below it
	Enabled   bool
	CreatedBy string
	CreatedAt time.Time
}

// Wants reports whether the subscription takes an event of kind about a
// case of the org whose chain (the org, its parent, … up to the root) is
// orgChain.
func (s Subscription) Wants(kind string, orgChain []string) bool {
	if !s.Enabled || !slices.Contains(s.Events, kind) {
		return false
	}
	return s.OrgID == "" || slices.Contains(orgChain, s.OrgID)
}

// Delivery is one event on its way to one subscription.
type Delivery struct {
	ID             string // also the body's "id" and the X-Yiwang-Delivery header
	SubscriptionID string
	Event          string
	CaseID         string
	Payload        string // the JSON body, exactly as signed and sent
	Status         string
	Attempts       int
	LastStatus     int // HTTP status of the last answer, 0 if there was none
	LastError      string
	NextAttemptAt  time.Time
	CreatedAt      time.Time
	DeliveredAt    time.Time
	URL            string // the subscription's, filled in for the log
}

// Store is what webhooks need from storage.
type Store interface {
	CreateSubscription(ctx context.Context, s Subscription, e audit.Entry) error
	// Subscriptions lists every subscription, oldest first, without secrets.
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// Subscription returns one subscription with its secret, or ENOTFOUND.
	Subscription(ctx context.Context, id string) (Subscription, error)
	SetSubscriptionEnabled(ctx context.Context, id string, enabled bool, e audit.Entry) error
	// DeleteSubscription deletes a subscription and its deliveries.
	DeleteSubscription(ctx context.Context, id string, e audit.Entry) error
	// Deliveries lists the newest deliveries, of one subscription or of all
	// when subscriptionID is "".
	Deliveries(ctx context.Context, subscriptionID string, limit int) ([]Delivery, error)
	// DueDeliveries lists pending deliveries of enabled subscriptions whose
	// next attempt is due at now and that nobody holds.
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]Delivery, error)
	// ClaimDelivery reserves a due pending delivery until until; false when
	// another dispatcher holds it or it is no longer due.
	ClaimDelivery(ctx context.Context, id string, now, until time.Time) (bool, error)
	// MarkDelivery stores the outcome of an attempt and releases the claim.
	MarkDelivery(ctx context.Context, d Delivery) error
}
