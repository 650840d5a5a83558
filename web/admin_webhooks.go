package web

import (
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/webhook"
)

type webhooksView struct {
	Page
	Subs       []webhook.Subscription
	Deliveries []webhook.Delivery
	Filter     string // the subscription whose log is shown; "" for all
	OrgName    map[string]string
	Orgs       []org.Node
	Kinds      []string
	Checked    map[string]bool
	Form       Form
	Created    *webhook.Subscription // just made: its secret is shown this once
}

func (s *Server) webhooksView(r *http.Request) (*webhooksView, error) {
	actor, err := requireRole(r, yiwang.RoleSysAdmin)
	if err != nil {
		return nil, err
	}
	subs, err := s.Webhooks.List(r.Context(), actor)
	if err != nil {
		return nil, err
	}
	filter := r.URL.Query().Get("sub")
	log, err := s.Webhooks.Deliveries(r.Context(), actor, filter)
	if err != nil {
		return nil, err
	}
	names, nodes, err := s.orgNames(r)
	if err != nil {
		return nil, err
	}
	return &webhooksView{Page: s.page(r, "事件推送"), Subs: subs, Deliveries: log, Filter: filter, OrgName: names,
		Orgs: nodes, Kinds: webhook.Kinds, Checked: map[string]bool{},
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}, nil
}

// webhooksPage lists the subscriptions, the form for a new one and the delivery log.
func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.webhooksView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "webhooks", v)
	return nil
}

func (s *Server) webhookCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.webhooksView(r)
	if err != nil {
		return err
	}
	f := newForm(r, "url", "events", "org_id")
	events := r.PostForm["events"]
	sub, err := s.Webhooks.Create(r.Context(), v.Actor, webhook.Input{URL: f.Values["url"], Events: events, OrgID: f.Values["org_id"]})
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Fail(err)
		v.Form = f
		for _, k := range events {
			v.Checked[k] = true
		}
		w.WriteHeader(status(err))
		s.render(w, r, "webhooks", v)
		return nil
	}
	// The secret is shown on this response only; it is never shown again.
	if v, err = s.webhooksView(r); err != nil {
		return err
	}
	v.Created = &sub
	s.render(w, r, "webhooks", v)
	return nil
}

func (s *Server) webhookOp(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSysAdmin)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	var flash string
	switch r.PathValue("op") {
	case "enable":
		err, flash = s.Webhooks.SetEnabled(r.Context(), actor, id, true), "已启用该推送订阅"
	case "disable":
		err, flash = s.Webhooks.SetEnabled(r.Context(), actor, id, false), "已停用该推送订阅，新的事件不再推送给它"
	case "delete":
		err, flash = s.Webhooks.Delete(r.Context(), actor, id), "已删除该推送订阅及其推送记录"
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "您访问的页面不存在")
	}
	if err != nil {
		return err
	}
	s.Sessions.Put(r.Context(), sessFlash, flash)
	http.Redirect(w, r, "/admin/webhooks", http.StatusSeeOther)
	return nil
}

// apiWebhook is a subscription as the API shows it; the secret only in the
// answer that creates it.
type apiWebhook struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Secret    string   `json:"secret,omitempty"`
	Events    []string `json:"events"`
	OrgID     string   `json:"org_id,omitempty"`
	Enabled   bool     `json:"enabled"`
	CreatedAt string   `json:"created_at"`
}

func toAPIWebhook(s webhook.Subscription) apiWebhook {
	return apiWebhook{ID: s.ID, URL: s.URL, Secret: s.Secret, Events: s.Events, OrgID: s.OrgID, Enabled: s.Enabled,
		CreatedAt: s.CreatedAt.UTC().Format(apiTime)}
}

func (s *Server) apiWebhooks(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	subs, err := s.Webhooks.List(r.Context(), actor)
	if err != nil {
		return err
	}
	out := make([]apiWebhook, 0, len(subs))
	for _, sub := range subs {
		sub.Secret = ""
		out = append(out, toAPIWebhook(sub))
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": out})
	return nil
}

func (s *Server) apiWebhookCreate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in struct {
		URL    string   `json:"url"`
		Events []string `json:"events"`
		OrgID  string   `json:"org_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sub, err := s.Webhooks.Create(r.Context(), actor, webhook.Input{URL: in.URL, Events: in.Events, OrgID: in.OrgID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIWebhook(sub))
	return nil
}

func (s *Server) apiWebhookDelete(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if err := s.Webhooks.Delete(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
