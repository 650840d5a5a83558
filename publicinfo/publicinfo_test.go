package publicinfo_test

import (
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/publicinfo"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func TestPublishing(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			clk := yiwangtest.NewClock(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
			if _, err := demo.Load(ctx, db, clk); err != nil {
				t.Fatal(err)
			}
			svc := &publicinfo.Service{Store: db, Orgs: &org.Service{Store: db, Clock: clk}, Clock: clk}
			actor := func(user string) yiwang.Actor {
				a, err := db.AccountByUsername(ctx, user)
				if err != nil {
					t.Fatal(err)
				}
				return a.Actor("127.0.0.1", "web")
			}
			catalog, clerk := actor("catalog"), actor("clerk")
			for name, a := range map[string]publicinfo.Article{
				"no title":   {Kind: "announcement", Body: "正文"},
				"no body":    {Kind: "announcement", Title: "标题"},
				"bad kind":   {Kind: "rumour", Title: "标题", Body: "正文"},
				"long title": {Kind: "faq", Title: string(make([]rune, 101)), Body: "正文"},
			} {
				if _, err := svc.Save(ctx, catalog, a, true); yiwang.ErrorCode(err) != yiwang.EINVALID {
					t.Errorf("%s: %v", name, err)
				}
			}
			if _, err := svc.Save(ctx, clerk, publicinfo.Article{Kind: "announcement", Title: "公告", Body: "内容"}, true); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("a window clerk published: %v", err)
			}
			d, err := svc.Save(ctx, catalog, publicinfo.Article{Kind: "announcement", Title: "停电通知", Body: "周六停电。"}, false)
			if err != nil || d.Status != publicinfo.StatusDraft {
				t.Fatalf("draft: %+v %v", d, err)
			}
			if _, err := svc.Get(ctx, clerk, d.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("another department's staff read a draft: %v", err)
			}
			if _, err := svc.Get(ctx, yiwang.Actor{}, d.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("the public read a draft: %v", err)
			}
			p, err := svc.Save(ctx, catalog, d, true)
			if err != nil || p.Status != publicinfo.StatusPublished {
				t.Fatalf("publish: %v", err)
			}
			p.Body = "改为周日停电。"
			if _, err := svc.Save(ctx, catalog, p, false); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("saving a draft over a published article: %v", err)
			}
			if got, _ := svc.Get(ctx, yiwang.Actor{}, p.ID); got.Body != "周六停电。" {
				t.Fatal("the public page changed without publishing")
			}
			if err := svc.Withdraw(ctx, catalog, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Get(ctx, yiwang.Actor{}, p.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatal("a withdrawn article is public")
			}
		})
	}
}
