package oidc_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity/oidc"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// env is the demo platform with an OIDC service and provider on one engine.
type env struct {
	ctx      context.Context
	db       *sqlstore.DB
	clk      *yiwangtest.Clock
	svc      *oidc.Service
	p        *oidc.Provider
	admin    yiwang.Actor
	officer  yiwang.Actor
	citizen  yiwang.Actor
	zhangsan string
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: yiwangtest.NewDB(t, engine),
		clk: yiwangtest.NewClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))}
	if _, err := demo.Load(e.ctx, e.db, e.clk); err != nil {
		t.Fatal(err)
	}
	prot := yiwangtest.Protector(t)
	e.svc = &oidc.Service{Store: e.db, Hasher: prot, Clock: e.clk}
	e.p = &oidc.Provider{Store: e.db, Directory: e.db, Orgs: &org.Service{Store: e.db, Clock: e.clk}, Hasher: prot,
		Sealer: prot, Clock: e.clk, Config: oidc.Config{Issuer: "https://zwfw.example.gov.cn"}}
	if err := e.p.Init(); err != nil {
		t.Fatal(err)
	}
	for username, a := range map[string]*yiwang.Actor{"admin": &e.admin, "officer": &e.officer} {
		acc, err := e.db.AccountByUsername(e.ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		*a = acc.Actor("127.0.0.1", "web")
	}
	zhang, err := e.db.CitizenByMobile(e.ctx, demo.People[0].Mobile)
	if err != nil {
		t.Fatal(err)
	}
	e.citizen, e.zhangsan = zhang.Actor("127.0.0.1", "web"), zhang.ID
	return e
}

func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func goodInput() oidc.Input {
	return oidc.Input{Name: "不动产登记系统", RedirectURIs: []string{"https://bdc.example.gov.cn/callback"},
		PostLogoutRedirectURIs: []string{"https://bdc.example.gov.cn/"}, FrontChannelLogoutURI: "https://bdc.example.gov.cn/logout",
		Scopes: []string{"profile", "idcard"}, Kinds: []string{"citizen", "enterprise"}}
}

func TestRegisterClient(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			c, secret, err := e.svc.Register(e.ctx, e.admin, goodInput())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(secret, "yws_") || len(secret) < 60 {
				t.Fatalf("secret %q", secret)
			}
			got, err := e.db.OIDCClient(e.ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.SecretHash == "" || strings.Contains(got.SecretHash, secret[4:]) || got.SecretHash == secret {
				t.Fatalf("secret stored as %q", got.SecretHash)
			}
			if strings.Join(got.Scopes, " ") != "openid profile idcard" || got.Sector != "bdc.example.gov.cn" ||
				got.KindNames() != "个人用户、法人（企业经办）" || !got.Enabled || got.Public {
				t.Fatalf("stored %+v", got)
			}
			var n int
			if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'oidc.client.create'`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("audit entries %d %v", n, err)
			}

			pub := goodInput()
			pub.Public, pub.RedirectURIs = true, []string{"http://127.0.0.1:9000/cb"}
			pc, psecret, err := e.svc.Register(e.ctx, e.admin, pub)
			if err != nil || psecret != "" || !pc.Public {
				t.Fatalf("public client: %+v %q %v", pc, psecret, err)
			}

			up := goodInput()
			up.Name, up.Scopes = "不动产登记（新）", []string{"phone"}
			if _, err := e.svc.Update(e.ctx, e.admin, c.ID, up); err != nil {
				t.Fatal(err)
			}
			got, _ = e.db.OIDCClient(e.ctx, c.ID)
			if got.Name != "不动产登记（新）" || strings.Join(got.Scopes, " ") != "openid phone" || got.SecretHash == "" {
				t.Fatalf("updated %+v", got)
			}
			if err := e.svc.SetEnabled(e.ctx, e.admin, c.ID, false); err != nil {
				t.Fatal(err)
			}
			if got, _ = e.db.OIDCClient(e.ctx, c.ID); got.Enabled {
				t.Fatal("still enabled")
			}
		})
	}
}

func TestRegisterClientRefusals(t *testing.T) {
	e := newEnv(t, sqlstore.SQLite)
	before := e.count(t, "oidc_clients")
	audits := e.count(t, "audit_log")
	for _, actor := range []yiwang.Actor{{}, e.officer, e.citizen} {
		_, _, err := e.svc.Register(e.ctx, actor, goodInput())
		if code := yiwang.ErrorCode(err); code != yiwang.EFORBIDDEN && code != yiwang.EUNAUTHORIZED {
			t.Fatalf("%s registered a client: %v", actor.Name, err)
		}
	}
	for _, tc := range []struct {
		name, field string
		edit        func(*oidc.Input)
	}{
		{"no name", "name", func(in *oidc.Input) { in.Name = " " }},
		{"no redirect", "redirect_uris", func(in *oidc.Input) { in.RedirectURIs = nil }},
		{"http elsewhere", "redirect_uris", func(in *oidc.Input) { in.RedirectURIs = []string{"http://bdc.example.gov.cn/cb"} }},
		{"relative", "redirect_uris", func(in *oidc.Input) { in.RedirectURIs = []string{"/callback"} }},
		{"fragment", "redirect_uris", func(in *oidc.Input) { in.RedirectURIs = []string{"https://bdc.example.gov.cn/cb#x"} }},
		{"wildcard", "redirect_uris", func(in *oidc.Input) { in.RedirectURIs = []string{"https://*.example.gov.cn/cb"} }},
		{"custom scheme", "redirect_uris", func(in *oidc.Input) { in.RedirectURIs = []string{"javascript:alert(1)"} }},
		{"credentials", "redirect_uris", func(in *oidc.Input) { in.RedirectURIs = []string{"https://u:p@bdc.example.gov.cn/cb"} }},
		{"bad logout", "post_logout_redirect_uris", func(in *oidc.Input) { in.PostLogoutRedirectURIs = []string{"ftp://x/"} }},
		{"bad front-channel", "frontchannel_logout_uri", func(in *oidc.Input) { in.FrontChannelLogoutURI = "http://evil.example/" }},
		{"unknown scope", "scopes", func(in *oidc.Input) { in.Scopes = []string{"email"} }},
		{"no kind", "kinds", func(in *oidc.Input) { in.Kinds = nil }},
		{"unknown kind", "kinds", func(in *oidc.Input) { in.Kinds = []string{"robot"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := goodInput()
			tc.edit(&in)
			_, _, err := e.svc.Register(e.ctx, e.admin, in)
			if yiwang.ErrorCode(err) != yiwang.EINVALID || yiwang.ErrorFields(err)[tc.field] == "" {
				t.Fatalf("want EINVALID on %s, got %v", tc.field, err)
			}
		})
	}
	if n := e.count(t, "oidc_clients"); n != before {
		t.Fatalf("refused registrations stored %d clients", n-before)
	}
	if n := e.count(t, "audit_log"); n != audits {
		t.Fatalf("refused registrations wrote %d audit entries", n-audits)
	}
	if _, err := e.svc.Update(e.ctx, e.admin, "yw-nope", goodInput()); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
		t.Fatalf("update of unknown client: %v", err)
	}
}
