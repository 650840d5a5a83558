package web

import (
	"net/http"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity/oidc"
)

type kindOption struct {
	Value string
	Name  string
}

type oidcClientsView struct {
	Page
	Clients []oidc.Client
	Edit    *oidc.Client // the client being edited; nil on the list page
	Form    Form
	Checked map[string]bool // "scope:x", "kind:y", "pairwise", "public"
	Scopes  []oidc.ScopeText
	Kinds   []kindOption
	Created *oidc.Client // just registered: its secret is shown this once
	Secret  string
	Issuer  string
}

var oidcFormFields = []string{"name", "type", "redirect_uris", "post_logout_redirect_uris", "frontchannel_logout_uri", "scopes", "kinds"}

func (s *Server) oidcClientsView(r *http.Request, title string) (*oidcClientsView, error) {
	actor, err := requireRole(r, yiwang.RoleSysAdmin)
	if err != nil {
		return nil, err
	}
	if s.OIDCClients == nil {
		return nil, errNoOIDC
	}
	clients, err := s.OIDCClients.List(r.Context(), actor)
	if err != nil {
		return nil, err
	}
	v := &oidcClientsView{Page: s.page(r, title), Clients: clients, Scopes: oidc.ScopeTexts(oidc.Scopes),
		Form:    Form{Values: map[string]string{}, Errors: map[string]string{}, Order: oidcFormFields},
		Checked: map[string]bool{"scope:openid": true, "scope:profile": true, "kind:citizen": true}}
	for _, k := range oidc.Kinds {
		v.Kinds = append(v.Kinds, kindOption{string(k), oidc.KindName(k)})
	}
	if s.OIDC != nil {
		v.Issuer = s.OIDC.Issuer()
	}
	return v, nil
}

// oidcInput reads the client form into v (to show again) and an Input.
func oidcInput(r *http.Request, v *oidcClientsView) oidc.Input {
	f := newForm(r, "name", "type", "redirect_uris", "post_logout_redirect_uris", "frontchannel_logout_uri")
	f.Order = oidcFormFields
	v.Form, v.Checked = f, map[string]bool{"scope:openid": true}
	in := oidc.Input{Name: f.Values["name"], Public: f.Values["type"] == "public",
		RedirectURIs:           oidc.SplitURIs(f.Values["redirect_uris"]),
		PostLogoutRedirectURIs: oidc.SplitURIs(f.Values["post_logout_redirect_uris"]),
		FrontChannelLogoutURI:  f.Values["frontchannel_logout_uri"],
		Scopes:                 r.PostForm["scopes"], Kinds: r.PostForm["kinds"], Pairwise: r.PostFormValue("pairwise") == "1"}
	for _, sc := range in.Scopes {
		v.Checked["scope:"+sc] = true
	}
	for _, k := range in.Kinds {
		v.Checked["kind:"+k] = true
	}
	v.Checked["pairwise"], v.Checked["public"] = in.Pairwise, in.Public
	return in
}

// fillForm shows a stored client in the form.
func (v *oidcClientsView) fillForm(c oidc.Client) {
	v.Form.Values = map[string]string{"name": c.Name, "redirect_uris": strings.Join(c.RedirectURIs, "\n"),
		"post_logout_redirect_uris": strings.Join(c.PostLogoutRedirectURIs, "\n"), "frontchannel_logout_uri": c.FrontChannelLogoutURI}
	v.Checked = map[string]bool{"pairwise": c.Pairwise, "public": c.Public}
	for _, sc := range c.Scopes {
		v.Checked["scope:"+sc] = true
	}
	for _, k := range c.Kinds {
		v.Checked["kind:"+string(k)] = true
	}
}

// oidcClientsPage lists the registered systems and the form for a new one.
func (s *Server) oidcClientsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.oidcClientsView(r, "统一身份认证接入")
	if err != nil {
		return err
	}
	s.render(w, r, "oidc_clients", v)
	return nil
}

func (s *Server) oidcClientCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.oidcClientsView(r, "统一身份认证接入")
	if err != nil {
		return err
	}
	in := oidcInput(r, v)
	c, secret, err := s.OIDCClients.Register(r.Context(), v.Actor, in)
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "oidc_clients", v)
		return nil
	}
	// The secret is shown on this response only; it is stored as a hash.
	if v, err = s.oidcClientsView(r, "统一身份认证接入"); err != nil {
		return err
	}
	v.Created, v.Secret = &c, secret
	s.render(w, r, "oidc_clients", v)
	return nil
}

func (s *Server) oidcClientEditPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.oidcClientsView(r, "修改接入系统")
	if err != nil {
		return err
	}
	c, err := s.OIDCClients.Get(r.Context(), v.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Edit = &c
	v.fillForm(c)
	s.render(w, r, "oidc_clients", v)
	return nil
}

func (s *Server) oidcClientUpdate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.oidcClientsView(r, "修改接入系统")
	if err != nil {
		return err
	}
	c, err := s.OIDCClients.Get(r.Context(), v.Actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	in := oidcInput(r, v)
	v.Edit = &c
	v.Checked["public"] = c.Public
	if _, err := s.OIDCClients.Update(r.Context(), v.Actor, c.ID, in); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "oidc_clients", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "已保存“"+in.Name+"”的接入设置")
	http.Redirect(w, r, "/admin/oidc-clients", http.StatusSeeOther)
	return nil
}

func (s *Server) oidcClientOp(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSysAdmin)
	if err != nil {
		return err
	}
	if s.OIDCClients == nil {
		return errNoOIDC
	}
	var flash string
	switch r.PathValue("op") {
	case "enable":
		err, flash = s.OIDCClients.SetEnabled(r.Context(), actor, r.PathValue("id"), true), "已启用该接入系统"
	case "disable":
		err, flash = s.OIDCClients.SetEnabled(r.Context(), actor, r.PathValue("id"), false),
			"已停用该接入系统：它不能再发起登录，已签发的令牌也不再有效"
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "您访问的页面不存在")
	}
	if err != nil {
		return err
	}
	s.Sessions.Put(r.Context(), sessFlash, flash)
	http.Redirect(w, r, "/admin/oidc-clients", http.StatusSeeOther)
	return nil
}

// apiOIDCClient is a client as the API shows it; the secret only in the
// answer that registers it.
type apiOIDCClient struct {
	ClientID               string   `json:"client_id"`
	ClientSecret           string   `json:"client_secret,omitempty"`
	Name                   string   `json:"name"`
	Public                 bool     `json:"public"`
	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris"`
	FrontChannelLogoutURI  string   `json:"frontchannel_logout_uri,omitempty"`
	Scopes                 []string `json:"scopes"`
	Kinds                  []string `json:"kinds"`
	Pairwise               bool     `json:"pairwise"`
	Enabled                bool     `json:"enabled"`
	CreatedAt              string   `json:"created_at"`
}

func toAPIOIDCClient(c oidc.Client, secret string) apiOIDCClient {
	out := apiOIDCClient{ClientID: c.ID, ClientSecret: secret, Name: c.Name, Public: c.Public, RedirectURIs: c.RedirectURIs,
		PostLogoutRedirectURIs: c.PostLogoutRedirectURIs, FrontChannelLogoutURI: c.FrontChannelLogoutURI,
		Scopes: c.Scopes, Pairwise: c.Pairwise, Enabled: c.Enabled, CreatedAt: c.CreatedAt.UTC().Format(apiTime)}
	if out.PostLogoutRedirectURIs == nil {
		out.PostLogoutRedirectURIs = []string{}
	}
	for _, k := range c.Kinds {
		out.Kinds = append(out.Kinds, string(k))
	}
	return out
}

func (s *Server) apiOIDCClients(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if s.OIDCClients == nil {
		return errNoOIDC
	}
	list, err := s.OIDCClients.List(r.Context(), actor)
	if err != nil {
		return err
	}
	out := make([]apiOIDCClient, 0, len(list))
	for _, c := range list {
		out = append(out, toAPIOIDCClient(c, ""))
	}
	writeJSON(w, http.StatusOK, map[string]any{"clients": out})
	return nil
}

func (s *Server) apiOIDCClientCreate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if s.OIDCClients == nil {
		return errNoOIDC
	}
	var in struct {
		Name                   string   `json:"name"`
		Public                 bool     `json:"public"`
		RedirectURIs           []string `json:"redirect_uris"`
		PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris"`
		FrontChannelLogoutURI  string   `json:"frontchannel_logout_uri"`
		Scopes                 []string `json:"scopes"`
		Kinds                  []string `json:"kinds"`
		Pairwise               bool     `json:"pairwise"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, secret, err := s.OIDCClients.Register(r.Context(), actor, oidc.Input{Name: in.Name, Public: in.Public,
		RedirectURIs: in.RedirectURIs, PostLogoutRedirectURIs: in.PostLogoutRedirectURIs,
		FrontChannelLogoutURI: in.FrontChannelLogoutURI, Scopes: in.Scopes, Kinds: in.Kinds, Pairwise: in.Pairwise})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIOIDCClient(c, secret))
	return nil
}
