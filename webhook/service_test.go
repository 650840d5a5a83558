package webhook_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/webhook"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestCreateSubscription: bad input is refused field by field and stores
// nothing; only a system administrator may manage subscriptions; the
// secret is shown once and sealed at rest.
func TestCreateSubscription(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			for _, tc := range []struct {
				name  string
				in    webhook.Input
				field string
			}{
				{"empty url", webhook.Input{Events: []string{"accept"}}, "url"},
				{"ftp", webhook.Input{URL: "ftp://example.gov.cn/in", Events: []string{"accept"}}, "url"},
				{"file", webhook.Input{URL: "file:///etc/passwd", Events: []string{"accept"}}, "url"},
				{"javascript", webhook.Input{URL: "javascript:alert(1)", Events: []string{"accept"}}, "url"},
				{"relative", webhook.Input{URL: "/hook", Events: []string{"accept"}}, "url"},
				{"no host", webhook.Input{URL: "https://", Events: []string{"accept"}}, "url"},
				{"credentials", webhook.Input{URL: "https://user:pw@example.gov.cn/in", Events: []string{"accept"}}, "url"},
				{"too long", webhook.Input{URL: "https://example.gov.cn/" + strings.Repeat("a", 2000), Events: []string{"accept"}}, "url"},
				{"no events", webhook.Input{URL: "https://example.gov.cn/in"}, "events"},
				{"unknown event", webhook.Input{URL: "https://example.gov.cn/in", Events: []string{"accept", "approve"}}, "events"},
				{"unknown org", webhook.Input{URL: "https://example.gov.cn/in", Events: []string{"accept"}, OrgID: "nope"}, "org_id"},
			} {
				_, err := e.hooks.Create(e.ctx, e.admin, tc.in)
				if yiwang.ErrorCode(err) != yiwang.EINVALID || yiwang.ErrorFields(err)[tc.field] == "" {
					t.Errorf("%s: %v %v", tc.name, err, yiwang.ErrorFields(err))
				}
			}
			if _, err := e.hooks.Create(e.ctx, e.officer, webhook.Input{URL: "https://example.gov.cn/in", Events: []string{"accept"}}); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("an officer made a subscription: %v", err)
			}
			if _, err := e.hooks.List(e.ctx, e.officer); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("an officer listed subscriptions: %v", err)
			}
			if subs, _ := e.hooks.List(e.ctx, e.admin); len(subs) != 0 {
				t.Fatalf("refused input stored %d subscriptions", len(subs))
			}

			s, err := e.hooks.Create(e.ctx, e.admin, webhook.Input{URL: " HTTPS://Example.gov.cn/in?x=1 ",
				Events: []string{"decide", "submit", "decide"}, OrgID: e.food.OrgID})
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(s.Secret) || s.URL != "https://Example.gov.cn/in?x=1" ||
				strings.Join(s.Events, " ") != "submit decide" || !s.Enabled || s.OrgID == "" {
				t.Fatalf("created %+v", s)
			}
			var sealed string
			if err := e.db.SQL().QueryRow(`SELECT secret_enc FROM webhook_subscriptions WHERE id = $1`, s.ID).Scan(&sealed); err != nil || strings.Contains(sealed, s.Secret) {
				t.Fatalf("secret stored in plain: %v", err)
			}
			subs, err := e.hooks.List(e.ctx, e.admin)
			if err != nil || len(subs) != 1 || subs[0].Secret != "" || subs[0].OrgID != s.OrgID {
				t.Fatalf("list: %+v %v", subs, err)
			}
			if got, err := e.db.Subscription(e.ctx, s.ID); err != nil || got.Secret != s.Secret {
				t.Fatal("the dispatcher cannot read the secret back")
			}
			if err := e.hooks.SetEnabled(e.ctx, e.admin, "nope", false); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("disable unknown: %v", err)
			}
			if err := e.hooks.Delete(e.ctx, e.officer, s.ID); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("an officer deleted: %v", err)
			}
			if err := e.hooks.Delete(e.ctx, e.admin, s.ID); err != nil {
				t.Fatal(err)
			}
			if err := e.hooks.Delete(e.ctx, e.admin, s.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("delete twice: %v", err)
			}
		})
	}
}
