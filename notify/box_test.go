package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestBox: a page of 20, newest first; one person can neither read nor
// mark another's messages; marking is scoped to the owner.
func TestBox(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			clk := yiwangtest.NewClock(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
			box := &notify.Box{Store: db, Clock: clk}
			seal := yiwangtest.Protector(t)
			a := yiwang.Actor{AccountID: "account-a", Kind: yiwang.KindCitizen}
			b := yiwang.Actor{AccountID: "account-b", Kind: yiwang.KindCitizen}
			put := func(owner, body string, at time.Time) string {
				id := yiwang.NewID()
				if _, err := db.SQL().Exec(`INSERT INTO messages (id, account_id, body_enc, link, created_at) VALUES ($1,$2,$3,$4,$5)`,
					id, owner, seal.Seal(body), "/cases/"+id, at); err != nil {
					t.Fatal(err)
				}
				return id
			}
			var ids []string
			for i := range 45 {
				ids = append(ids, put(a.AccountID, fmt.Sprintf("消息%02d", i), clk.Now().Add(time.Duration(i)*time.Minute)))
			}
			bID := put(b.AccountID, "王五的消息", clk.Now())

			p1, err := box.List(ctx, a, 1)
			if err != nil || len(p1.Messages) != notify.BoxPageSize || p1.Pages != 3 || p1.Total != 45 {
				t.Fatalf("page 1: %d messages, %d pages, total %d, %v", len(p1.Messages), p1.Pages, p1.Total, err)
			}
			if p1.Messages[0].Body != "消息44" || p1.Messages[19].Body != "消息25" {
				t.Fatalf("order: first %q, last %q", p1.Messages[0].Body, p1.Messages[19].Body)
			}
			if p3, err := box.List(ctx, a, 3); err != nil || len(p3.Messages) != 5 || p3.Messages[4].Body != "消息00" {
				t.Fatalf("page 3: %+v %v", p3, err)
			}
			if _, err := box.List(ctx, a, 4); yiwang.ErrorCode(err) != yiwang.EINVALID {
				t.Fatalf("page past the last: %v", err)
			}
			if _, err := box.List(ctx, yiwang.Actor{}, 1); yiwang.ErrorCode(err) != yiwang.EUNAUTHORIZED {
				t.Fatalf("anonymous: %v", err)
			}
			for _, m := range p1.Messages {
				if m.AccountID != a.AccountID {
					t.Fatalf("A's list holds %s's message", m.AccountID)
				}
			}

			// B cannot open A's message, and trying leaves it unread.
			if _, err := box.Read(ctx, b, ids[0]); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("B reads A's message: %v", err)
			}
			if n, _ := box.Unread(ctx, a); n != 45 {
				t.Fatalf("A's unread after B's attempt: %d", n)
			}
			clk.Advance(time.Hour)
			m, err := box.Read(ctx, a, ids[0])
			if err != nil || m.Unread() || !m.ReadAt.Equal(clk.Now()) || m.Link != "/cases/"+ids[0] {
				t.Fatalf("read: %+v %v", m, err)
			}
			clk.Advance(time.Hour)
			if again, _ := box.Read(ctx, a, ids[0]); !again.ReadAt.Equal(m.ReadAt) {
				t.Fatal("reading again moved the read time")
			}
			if n, _ := box.Unread(ctx, a); n != 44 {
				t.Fatalf("unread after one read: %d", n)
			}
			// Marking all read is B's alone.
			if n, err := box.ReadAll(ctx, b); n != 1 || err != nil {
				t.Fatalf("B read all: %d %v", n, err)
			}
			if n, _ := box.Unread(ctx, a); n != 44 {
				t.Fatalf("B's read-all touched A's messages: %d unread", n)
			}
			if n, _ := box.ReadAll(ctx, a); n != 44 {
				t.Fatalf("A read all: %d", n)
			}
			if got, err := box.Read(ctx, b, bID); err != nil || got.Unread() {
				t.Fatalf("B's own message: %+v %v", got, err)
			}
		})
	}
}
