package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang"
)

// SiteMessage is one message in an account's message box (站内信).
type SiteMessage struct {
	ID        string
	AccountID string
	Body      string // encrypted at rest
	Link      string // the page it is about, e.g. "/cases/{id}"; may be ""
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// Unread reports whether the owner has not opened the message yet.
func (m SiteMessage) Unread() bool { return m.ReadAt.IsZero() }

// BoxStore is what the message box needs from storage. Every method is
// scoped to one account: a message of another account is "not found".
type BoxStore interface {
	// SiteMessages returns a page of an account's messages, newest first,
	// and how many it has in all.
	SiteMessages(ctx context.Context, accountID string, limit, offset int) ([]SiteMessage, int, error)
	// SiteMessage returns one of the account's messages, or ENOTFOUND.
	SiteMessage(ctx context.Context, accountID, id string) (SiteMessage, error)
	UnreadSiteMessages(ctx context.Context, accountID string) (int, error)
	// MarkSiteMessagesRead marks the account's unread messages read at at:
	// the one with id, or all of them when id is "". It returns how many.
	MarkSiteMessagesRead(ctx context.Context, accountID, id string, at time.Time) (int, error)
}

// BoxPageSize is how many messages one page of the box shows.
const BoxPageSize = 20

// Box is the message box of the signed-in person.
type Box struct {
	Store BoxStore
	Clock yiwang.Clock
}

// BoxPage is one page of a message box.
type BoxPage struct {
	Messages []SiteMessage
	Page     int // from 1
	Pages    int // at least 1
	Total    int
}

func owner(actor yiwang.Actor) (string, error) {
	if actor.Anonymous() {
		return "", yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录后查看消息")
	}
	return actor.AccountID, nil
}

// List returns page (from 1) of the actor's messages, newest first. A page
// past the last is EINVALID. EUNAUTHORIZED when nobody is signed in.
func (b *Box) List(ctx context.Context, actor yiwang.Actor, page int) (BoxPage, error) {
	id, err := owner(actor)
	if err != nil {
		return BoxPage{}, err
	}
	page = max(page, 1)
	msgs, total, err := b.Store.SiteMessages(ctx, id, BoxPageSize, (page-1)*BoxPageSize)
	if err != nil {
		return BoxPage{}, fmt.Errorf("message box: %w", err)
	}
	pages := max((total+BoxPageSize-1)/BoxPageSize, 1)
	if page > pages {
		return BoxPage{}, yiwang.Invalid(map[string]string{"page": fmt.Sprintf("页码超出范围，共 %d 页", pages)})
	}
	return BoxPage{Messages: msgs, Page: page, Pages: pages, Total: total}, nil
}

// Unread returns how many of the actor's messages are unread (0 for nobody).
func (b *Box) Unread(ctx context.Context, actor yiwang.Actor) (int, error) {
	if actor.Anonymous() {
		return 0, nil
	}
	return b.Store.UnreadSiteMessages(ctx, actor.AccountID)
}

// Read opens one of the actor's messages and marks it read. A message of
// someone else is ENOTFOUND, exactly like one that does not exist.
func (b *Box) Read(ctx context.Context, actor yiwang.Actor, id string) (SiteMessage, error) {
	owner, err := owner(actor)
	if err != nil {
		return SiteMessage{}, err
	}
	m, err := b.Store.SiteMessage(ctx, owner, id)
	if err != nil {
		return SiteMessage{}, err
	}
	if m.Unread() {
		m.ReadAt = b.Clock.Now()
		if _, err := b.Store.MarkSiteMessagesRead(ctx, owner, id, m.ReadAt); err != nil {
			return SiteMessage{}, fmt.Errorf("mark message read: %w", err)
		}
	}
	return m, nil
}

// ReadAll marks every message of the actor read and returns how many were unread.
func (b *Box) ReadAll(ctx context.Context, actor yiwang.Actor) (int, error) {
	owner, err := owner(actor)
	if err != nil {
		return 0, err
	}
	return b.Store.MarkSiteMessagesRead(ctx, owner, "", b.Clock.Now())
}
