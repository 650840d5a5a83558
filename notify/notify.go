// Package notify tells people of things: by SMS through an outbox, and in
// their message box on the site (站内信). A message is stored in the same
// transaction as the change that caused it, and a dispatcher sends the SMS
// afterwards, so nothing is sent for a change that rolled back and nothing
// is lost when the process dies.
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

// Channels. Stored: never change a value.
const (
	// ChannelSMS goes to the Recipient's mobile by SMS and, when AccountID
	// is set, into that account's message box as well.
	ChannelSMS = "sms"
	// ChannelSite goes into the account's message box only: for people
	// with no mobile number on file. The SMS dispatcher never sees it.
	ChannelSite = "site"
)

// MaxAttempts is how often delivery is tried before a message is marked failed.
const MaxAttempts = 5

// Message is one outgoing message.
type Message struct {
	ID              string
	Channel         string // ChannelSMS or ChannelSite
	Recipient       string // full mobile number; encrypted at rest; "" for ChannelSite
	RecipientMasked string
	// AccountID is the account whose message box also gets the message;
	// "" when it is meant for a mobile number only (one-time codes, people
	// without an account).
	AccountID string
	// Link is the page the message is about, e.g. "/cases/{id}".
	Link          string
	Body          string // encrypted at rest (it may hold a one-time code or personal data)
	Status        string
	Attempts      int
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
	NextAttemptAt time.Time // a failed SMS is not retried before this
}

// Sender delivers one message, e.g. through an SMS gateway.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Store is what the dispatcher needs from storage.
type Store interface {
	// PendingMessages returns the oldest SMS messages not yet sent whose
	// next attempt is due at now.
	PendingMessages(ctx context.Context, now time.Time, limit int) ([]Message, error)
	// ClaimMessages reserves, until until, those of the messages ids that
	// are still pending and due at now and held by no other sender, in one
	// write, and returns their IDs.
	ClaimMessages(ctx context.Context, ids []string, now, until time.Time) ([]string, error)
	// MarkMessages stores the delivery attempts of claimed messages and
	// releases their claims, in one write.
	MarkMessages(ctx context.Context, ms []Message) error
	RecentMessages(ctx context.Context, limit int) ([]Message, error)
}
