// Package oidc is the platform's OpenID Connect provider (统一身份认证): the
// government systems registered as clients, the rules of who may log in to
// them and what they learn about the person, and the storage behind
// zitadel/oidc's op package (auth requests, codes, tokens with rotation,
// consents, the signing key). docs/oidc.md is the integrator's description.
package oidc

import (
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
)

// Scopes a client may be allowed, in display order. Stored: never rename one.
const (
	ScopeOpenID        = "openid"
	ScopeProfile       = "profile"
	ScopePhone         = "phone"
	ScopeIDCard        = "idcard"
	ScopeEnterprise    = "enterprise"
	ScopeStaff         = "staff"
	ScopeOfflineAccess = "offline_access"
)

// Scopes lists every scope the platform knows, in display order.
var Scopes = []string{ScopeOpenID, ScopeProfile, ScopePhone, ScopeIDCard, ScopeEnterprise, ScopeStaff, ScopeOfflineAccess}

// Kinds lists the kinds of user a client may accept, in display order.
var Kinds = []yiwang.AccountKind{yiwang.KindCitizen, yiwang.KindEnterprise, yiwang.KindStaff}

// KindName returns the Chinese name of a kind of user.
func KindName(k yiwang.AccountKind) string {
	switch k {
	case yiwang.KindCitizen:
		return "个人用户"
	case yiwang.KindEnterprise:
		return "法人（企业经办）"
	case yiwang.KindStaff:
		return "工作人员"
	}
	return string(k)
}

// Client is a government system registered to log people in with the
// platform's accounts.
type Client struct {
	ID   string // client_id
	Name string
	// SecretHash is the keyed hash of a confidential client's secret; ""
	// for a public client (a browser or phone app), which must use PKCE.
	SecretHash             string
	Public                 bool
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	FrontChannelLogoutURI  string // "" when the client has none
	Scopes                 []string
	Kinds                  []yiwang.AccountKind
	// Pairwise gives each person a subject of their own for this client, so
	// two clients cannot match their users by sub. Sector is the host the
	// pairwise subject is made for: the first redirect URI's host when the
	// client was registered, kept when the URIs change.
	Pairwise  bool
	Sector    string
	Enabled   bool
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Allows reports whether a user of kind k may log in to the client.
func (c Client) Allows(k yiwang.AccountKind) bool { return slices.Contains(c.Kinds, k) }

// AllowsScope reports whether the client may be given scope.
func (c Client) AllowsScope(scope string) bool { return slices.Contains(c.Scopes, scope) }

// KindNames lists the kinds of user the client accepts, in words.
func (c Client) KindNames() string {
	names := make([]string, len(c.Kinds))
	for i, k := range c.Kinds {
		names[i] = KindName(k)
	}
	return strings.Join(names, "、")
}

// Input is a client as an administrator registers or edits it.
type Input struct {
	Name                   string
	Public                 bool // only when registering: a client keeps its type
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	FrontChannelLogoutURI  string
	Scopes                 []string
	Kinds                  []string
	Pairwise               bool
}

// Limits of a client's registration.
const (
	maxName = 50
	maxURIs = 10
	maxURI  = 2000
)

// SplitURIs splits a text area's lines into URIs, dropping empty lines.
func SplitURIs(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// checkURI accepts an absolute https URL, or http to this machine
// (127.0.0.1, ::1, localhost) for development, without fragment, wildcard or
// credentials. It returns the URI as given and a Chinese problem or "".
func checkURI(raw string) string {
	if utf8.RuneCountInString(raw) > maxURI {
		return "地址不能超过2000个字符"
	}
	if strings.ContainsAny(raw, "*") {
		return "地址不能包含通配符 *：每个地址都要完整登记"
	}
	if strings.ContainsAny(raw, " \t\r\n<>\"") {
		return "地址中不能有空格、引号或尖括号"
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return "请填写完整的网址，例如 https://xt.example.gov.cn/callback"
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "地址不能包含 # 片段"
	}
	if u.User != nil {
		return "地址中不能包含用户名或密码"
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !loopbackHost(u.Hostname()) {
			return "只能使用 https 地址；http 仅限本机调试（127.0.0.1 或 localhost）"
		}
	default:
		return "只能使用 https 地址；http 仅限本机调试（127.0.0.1 或 localhost）"
	}
	return ""
}

func loopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// checkURIs checks a list of URIs for field; required says whether one is needed.
// It stops at the first URI past the limit: a form of a megabyte of lines
// would otherwise cost seconds (each line is compared with those before).
func checkURIs(bad map[string]string, field string, uris []string, required bool) []string {
	var out []string
	for _, u := range uris {
		if u = strings.TrimSpace(u); u == "" || slices.Contains(out, u) {
			continue
		}
		if len(out) == maxURIs {
			bad[field] = "最多登记10个地址"
			return nil
		}
		if p := checkURI(u); p != "" {
			bad[field] = u + "：" + p
			return nil
		}
		out = append(out, u)
	}
	if required && len(out) == 0 {
		bad[field] = "请至少填写一个回调地址"
	}
	return out
}

// normalise checks in and returns the cleaned client fields, or EINVALID
// with a Chinese message per field.
func (in Input) normalise() (Input, error) {
	bad := map[string]string{}
	in.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > maxName {
		bad["name"] = "请填写系统名称（不超过50个字），登录时会显示给群众"
	}
	in.RedirectURIs = checkURIs(bad, "redirect_uris", in.RedirectURIs, true)
	in.PostLogoutRedirectURIs = checkURIs(bad, "post_logout_redirect_uris", in.PostLogoutRedirectURIs, false)
	in.FrontChannelLogoutURI = strings.TrimSpace(in.FrontChannelLogoutURI)
	if in.FrontChannelLogoutURI != "" {
		if p := checkURI(in.FrontChannelLogoutURI); p != "" {
			bad["frontchannel_logout_uri"] = p
		}
	}
	scopes := []string{ScopeOpenID}
	for _, s := range in.Scopes {
		if !slices.Contains(Scopes, s) {
			bad["scopes"] = "不支持的授权范围：" + s
		}
	}
	for _, s := range Scopes[1:] { // display order, each once
		if slices.Contains(in.Scopes, s) {
			scopes = append(scopes, s)
		}
	}
	in.Scopes = scopes
	var kinds []string
	for _, k := range in.Kinds {
		if !slices.Contains(Kinds, yiwang.AccountKind(k)) {
			bad["kinds"] = "未知的用户类型：" + k
		}
	}
	for _, k := range Kinds {
		if slices.Contains(in.Kinds, string(k)) {
			kinds = append(kinds, string(k))
		}
	}
	if len(kinds) == 0 && bad["kinds"] == "" {
		bad["kinds"] = "请至少选择一类可以登录的用户"
	}
	in.Kinds = kinds
	return in, yiwang.Invalid(bad)
}

func toKinds(ks []string) []yiwang.AccountKind {
	out := make([]yiwang.AccountKind, len(ks))
	for i, k := range ks {
		out[i] = yiwang.AccountKind(k)
	}
	return out
}

// sectorOf returns the host of a redirect URI, the pairwise sector.
func sectorOf(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// ScopeNames lists the client's scopes in words.
func (c Client) ScopeNames() string {
	names := make([]string, len(c.Scopes))
	for i, s := range c.Scopes {
		names[i] = ScopeName(s)
	}
	return strings.Join(names, "、")
}
