package oidc

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// Service registers and edits clients. Only a system administrator may.
type Service struct {
	Store  Store
	Hasher Hasher
	Clock  yiwang.Clock
}

func mayManage(actor yiwang.Actor) error {
	if actor.Anonymous() {
		return yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录")
	}
	if !actor.Has(yiwang.RoleSysAdmin) {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有系统管理员可以管理接入系统")
	}
	return nil
}

// secretKind is the hash kind of client secrets.
const secretKind = "oidc-client-secret"

// hashSecret returns the keyed hash a client secret is stored as. Secrets
// are 32 random bytes, so a keyed hash is as strong as a slow one here.
func hashSecret(h Hasher, secret string) string { return h.Hash(secretKind, secret) }

// secretMatches compares a presented secret with the stored hash in
// constant time.
func secretMatches(h Hasher, c Client, secret string) bool {
	if c.Public || c.SecretHash == "" || secret == "" || len(secret) > 200 {
		return false
	}
	return hmac.Equal([]byte(hashSecret(h, secret)), []byte(c.SecretHash))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// Register registers a client and returns it with its secret (empty for a
// public client), which is shown this once and stored only as a hash. Bad
// input is EINVALID with a Chinese message per field; nothing is stored.
func (s *Service) Register(ctx context.Context, actor yiwang.Actor, in Input) (Client, string, error) {
	if err := mayManage(actor); err != nil {
		return Client{}, "", err
	}
	in, err := in.normalise()
	if err != nil {
		return Client{}, "", err
	}
	now := s.Clock.Now()
	c := Client{ID: "yw-" + randomHex(10), Name: in.Name, Public: in.Public, RedirectURIs: in.RedirectURIs,
		PostLogoutRedirectURIs: in.PostLogoutRedirectURIs, FrontChannelLogoutURI: in.FrontChannelLogoutURI,
		Scopes: in.Scopes, Kinds: toKinds(in.Kinds), Pairwise: in.Pairwise, Sector: sectorOf(in.RedirectURIs[0]),
		Enabled: true, CreatedBy: actor.AccountID, CreatedAt: now, UpdatedAt: now}
	secret := ""
	if !c.Public {
		secret = "yws_" + randomHex(32)
		c.SecretHash = hashSecret(s.Hasher, secret)
	}
	e := audit.New(actor, now, "oidc.client.create", "oidc_client:"+c.ID, audit.ResultOK, describe(c))
	if err := s.Store.CreateOIDCClient(ctx, c, e); err != nil {
		return Client{}, "", fmt.Errorf("register client %s: %w", c.Name, err)
	}
	return c, secret, nil
}

// Update changes a client's name, addresses, scopes, kinds of user and
// pairwise setting. Its ID, secret, type and pairwise sector stay.
func (s *Service) Update(ctx context.Context, actor yiwang.Actor, id string, in Input) (Client, error) {
	if err := mayManage(actor); err != nil {
		return Client{}, err
	}
	c, err := s.Store.OIDCClient(ctx, id)
	if err != nil {
		return Client{}, err
	}
	in, err = in.normalise()
	if err != nil {
		return Client{}, err
	}
	c.Name, c.RedirectURIs, c.PostLogoutRedirectURIs = in.Name, in.RedirectURIs, in.PostLogoutRedirectURIs
	c.FrontChannelLogoutURI, c.Scopes, c.Kinds, c.Pairwise = in.FrontChannelLogoutURI, in.Scopes, toKinds(in.Kinds), in.Pairwise
	c.UpdatedAt = s.Clock.Now()
	e := audit.New(actor, c.UpdatedAt, "oidc.client.update", "oidc_client:"+c.ID, audit.ResultOK, describe(c))
	if err := s.Store.UpdateOIDCClient(ctx, c, e); err != nil {
		return Client{}, fmt.Errorf("update client %s: %w", c.ID, err)
	}
	return c, nil
}

// SetEnabled enables or disables a client. A disabled client cannot start
// a login, and its tokens stop working (refresh and userinfo are refused).
func (s *Service) SetEnabled(ctx context.Context, actor yiwang.Actor, id string, enabled bool) error {
	if err := mayManage(actor); err != nil {
		return err
	}
	c, err := s.Store.OIDCClient(ctx, id)
	if err != nil {
		return err
	}
	c.Enabled, c.UpdatedAt = enabled, s.Clock.Now()
	action, detail := "oidc.client.enable", "启用接入系统 "+c.Name
	if !enabled {
		action, detail = "oidc.client.disable", "停用接入系统 "+c.Name
	}
	return s.Store.UpdateOIDCClient(ctx, c, audit.New(actor, c.UpdatedAt, action, "oidc_client:"+c.ID, audit.ResultOK, detail))
}

// List returns every client.
func (s *Service) List(ctx context.Context, actor yiwang.Actor) ([]Client, error) {
	if err := mayManage(actor); err != nil {
		return nil, err
	}
	return s.Store.OIDCClients(ctx)
}

// Get returns one client, or ENOTFOUND.
func (s *Service) Get(ctx context.Context, actor yiwang.Actor, id string) (Client, error) {
	if err := mayManage(actor); err != nil {
		return Client{}, err
	}
	return s.Store.OIDCClient(ctx, id)
}

// describe is a client's audit detail.
func describe(c Client) string {
	t := "机密客户端"
	if c.Public {
		t = "公开客户端（PKCE）"
	}
	sub := "公共标识"
	if c.Pairwise {
		sub = "成对标识"
	}
	return fmt.Sprintf("%s（%s）；%s；回调 %s；范围 %s；用户 %s；%s", c.Name, c.ID, t,
		strings.Join(c.RedirectURIs, " "), strings.Join(c.Scopes, " "), c.KindNames(), sub)
}
