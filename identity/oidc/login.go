package oidc

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
)

// Pending is an auth request waiting for the person to log in and agree,
// with the client that made it.
type Pending struct {
	Request AuthRequest
	Client  Client
}

// Pending returns a request that is waiting for the person. ENOTFOUND with
// a Chinese message when it does not exist, has expired, was done already
// or its client was disabled meanwhile.
func (p *Provider) Pending(ctx context.Context, id string) (Pending, error) {
	s := &storage{p}
	a, err := s.request(ctx, id)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Pending{}, yiwang.Errorf(yiwang.ENOTFOUND, "登录请求不存在或已过期（须在%d分钟内完成登录）。请回到原来的系统重新点击登录。",
			int(p.Config.AuthRequestTTL.Minutes()))
	}
	if err != nil {
		return Pending{}, err
	}
	if a.Done() {
		return Pending{}, yiwang.Errorf(yiwang.ENOTFOUND, "这个登录请求已经完成。请回到原来的系统重新点击登录。")
	}
	c, err := p.client(ctx, a.ClientID)
	if err != nil {
		if err == errUnknownClient {
			return Pending{}, yiwang.Errorf(yiwang.ENOTFOUND, "请求登录的系统已停用，请联系该系统的管理部门。")
		}
		return Pending{}, err
	}
	return Pending{Request: a, Client: c}, nil
}

// Login is how the person logged in to the platform: who, acting for which
// enterprise, with which methods, when, and in which session.
type Login struct {
	Actor    yiwang.Actor
	AMR      []string
	AuthTime time.Time
	SID      string
}

// KindOf is the kind of user an actor logs in to clients as.
func KindOf(a yiwang.Actor) yiwang.AccountKind {
	if a.EnterpriseID != "" {
		return yiwang.KindEnterprise
	}
	return a.Kind
}

// RefusalMessage explains, in Chinese, why a person of the actor's kind may
// not log in to c.
func RefusalMessage(c Client, a yiwang.Actor) string {
	return fmt.Sprintf("“%s”只接受%s登录，您当前是以%s身份登录的。请退出后换用相应的账号登录，或返回该系统。",
		c.Name, c.KindNames(), KindName(KindOf(a)))
}

// NeedsConsent reports whether the person must be asked before the client
// gets the request's scopes: always under prompt=consent, else when they
// have not agreed to every one of them before.
func (p *Provider) NeedsConsent(ctx context.Context, pend Pending, accountID string) (bool, error) {
	if pend.Request.PromptConsent() {
		return true, nil
	}
	c, err := p.Store.OIDCConsent(ctx, accountID, pend.Client.ID)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	for _, s := range pend.Request.Scopes {
		if !slices.Contains(c.Scopes, s) {
			return true, nil
		}
	}
	return false, nil
}

// Subject is the sub a client sees for an account: the account ID, or for
// a pairwise client a keyed hash of its sector and the account ID.
func (p *Provider) Subject(c Client, accountID string) string {
	if !c.Pairwise {
		return accountID
	}
	return p.Hasher.Hash("oidc-pairwise", c.Sector+"\x00"+accountID)
}

// Complete records that the person of l logged in to the request's client
// and, when consented is true, that they agreed to its scopes now. The
// client must accept their kind of user (EFORBIDDEN otherwise). It returns
// the pending request as it was; the browser then goes to CallbackURL.
func (p *Provider) Complete(ctx context.Context, id string, l Login, consented bool) (Pending, error) {
	pend, err := p.Pending(ctx, id)
	if err != nil {
		return Pending{}, err
	}
	if l.Actor.Anonymous() {
		return Pending{}, yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录")
	}
	if !pend.Client.Allows(KindOf(l.Actor)) {
		return Pending{}, yiwang.Errorf(yiwang.EFORBIDDEN, "%s", RefusalMessage(pend.Client, l.Actor))
	}
	acc, err := p.Directory.Account(ctx, l.Actor.AccountID)
	if err != nil {
		return Pending{}, err
	}
	if acc.Status != identity.StatusActive {
		return Pending{}, yiwang.Errorf(yiwang.EFORBIDDEN, "账号已停用")
	}
	now := p.Clock.Now()
	a := pend.Request
	a.DoneAt = now
	a.Grant = Grant{GrantID: a.ID, ClientID: a.ClientID, AccountID: acc.ID, EnterpriseID: l.Actor.EnterpriseID,
		Subject: p.Subject(pend.Client, acc.ID), SID: l.SID, Scopes: a.Scopes, AMR: l.AMR,
		ACR: strconv.Itoa(acc.RealNameLevel), AuthTime: l.AuthTime}
	var consent *Consent
	if consented {
		scopes := slices.Clone(a.Scopes)
		if old, err := p.Store.OIDCConsent(ctx, acc.ID, a.ClientID); err == nil {
			for _, s := range old.Scopes {
				if !slices.Contains(scopes, s) {
					scopes = append(scopes, s)
				}
			}
		} else if yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
			return Pending{}, err
		}
		consent = &Consent{AccountID: acc.ID, ClientID: a.ClientID, Scopes: scopes, GivenAt: now}
	}
	detail := fmt.Sprintf("登录接入系统“%s”，范围：%s", pend.Client.Name, strings.Join(a.Scopes, " "))
	if consented {
		detail += "（本次同意授权）"
	}
	e := audit.New(l.Actor, now, "oidc.authorize", "oidc_client:"+a.ClientID, audit.ResultOK, detail)
	if err := p.Store.CompleteAuthRequest(ctx, a, consent, e); err != nil {
		if yiwang.ErrorCode(err) == yiwang.ECONFLICT {
			return Pending{}, yiwang.Errorf(yiwang.ENOTFOUND, "这个登录请求已经完成。请回到原来的系统重新点击登录。")
		}
		return Pending{}, fmt.Errorf("complete auth request %s: %w", a.ID, err)
	}
	pend.Request = a
	return pend, nil
}

// EndSession revokes every token issued in a platform session, when the
// person logs out there or through a client.
func (p *Provider) EndSession(ctx context.Context, sid string) error {
	if sid == "" {
		return nil
	}
	_, err := p.Store.RevokeSession(ctx, sid, p.Clock.Now())
	return err
}

// FrontChannelLogoutURL is the URL that tells a client its session sid at
// this issuer has ended (OpenID Connect Front-Channel Logout 1.0), or ""
// when the client registered none.
func (p *Provider) FrontChannelLogoutURL(c Client, sid string) string {
	if c.FrontChannelLogoutURI == "" {
		return ""
	}
	sep := "?"
	if strings.Contains(c.FrontChannelLogoutURI, "?") {
		sep = "&"
	}
	return c.FrontChannelLogoutURI + sep + "iss=" + url.QueryEscape(p.Config.Issuer) + "&sid=" + url.QueryEscape(sid)
}

// Clients returns the enabled clients among ids, skipping unknown ones.
func (p *Provider) Clients(ctx context.Context, ids []string) ([]Client, error) {
	var out []Client
	for _, id := range ids {
		c, err := p.client(ctx, id)
		if err == errUnknownClient {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Purge deletes auth requests and tokens that can no longer be used.
func (p *Provider) Purge(ctx context.Context) (int, error) {
	return p.Store.PurgeOIDC(ctx, p.Clock.Now().Add(-p.Config.RefreshTokenTTL-24*time.Hour))
}

// CheckCallback refuses the callback of a request unless it comes from the
// platform session that completed it. The callback hands out the code; were
// it open to anyone who knows the request ID, a site that started a request
// of a public client (knowing its own PKCE verifier) and walked a person who
// had agreed to that client through /oidc/login could collect a code for
// them.
func (p *Provider) CheckCallback(ctx context.Context, id, sid string) error {
	a, err := (&storage{p}).request(ctx, id)
	if err != nil {
		return err
	}
	if !a.Done() || sid == "" || a.Grant.SID != sid {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "登录请求与当前登录会话不符")
	}
	return nil
}
