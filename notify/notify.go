// Package notify sends messages to people (SMS for now) through an outbox:
// a message is stored in the same transaction as the change that caused it,
// and a dispatcher delivers it afterwards, so nothing is sent for a change
// that rolled back and nothing is lost when the process dies.
package notify

import (
	"context"
	"time"
)

// Message statuses. Stored: never change a value.
const (
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed" // gave up after MaxAttempts
)

// MaxAttempts is how often delivery is tried before a message is marked failed.
const MaxAttempts = 5

// Message is one outgoing message.
type Message struct {
	ID              string
	Channel         string // "sms"
	Recipient       string // full mobile number; encrypted at rest
	RecipientMasked string
	Body            string // encrypted at rest (it may hold a one-time code)
	Status          string
	Attempts        int
	LastError       string
	CreatedAt       time.Time
	SentAt          time.Time
}

// Sender delivers one message, e.g. through an SMS gateway.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Store is what the dispatcher needs from storage.
type Store interface {
	PendingMessages(ctx context.Context, limit int) ([]Message, error)
	// ClaimMessage reserves a pending message until until; false when another
	// sender holds it or it is no longer pending.
	ClaimMessage(ctx context.Context, id string, now, until time.Time) (bool, error)
	MarkMessage(ctx context.Context, m Message) error
	RecentMessages(ctx context.Context, limit int) ([]Message, error)
}
