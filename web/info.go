package web

import (
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/publicinfo"
)

type infoListView struct {
	Page
	Kind     string
	Kinds    []struct{ Value, Name string }
	Articles []publicinfo.Article
	Admin    bool
}

func (s *Server) infoList(w http.ResponseWriter, r *http.Request) error {
	kind := r.URL.Query().Get("kind")
	if kind != "" && publicinfo.KindName(kind) == "" {
		kind = ""
	}
	list, err := s.Info.Published(r.Context(), kind, 100)
	if err != nil {
		return err
	}
	v := &infoListView{Page: s.page(r, "政务公开"), Kind: kind, Kinds: publicinfo.Kinds, Articles: list}
	v.Nav = "info"
	s.render(w, r, "info_list", v)
	return nil
}

type infoView struct {
	Page
	A publicinfo.Article
}

func (s *Server) infoArticle(w http.ResponseWriter, r *http.Request) error {
	a, err := s.Info.Get(r.Context(), actorFrom(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := &infoView{Page: s.page(r, a.Title), A: a}
	v.Nav = "info"
	s.render(w, r, "info", v)
	return nil
}

func requireInfoEditor(r *http.Request) (yiwang.Actor, error) {
	return requireRole(r, yiwang.RoleCatalogMaintainer, yiwang.RoleDeptHead)
}

func (s *Server) infoAdmin(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireInfoEditor(r); err != nil {
		return err
	}
	list, err := s.Info.Store.ListArticles(r.Context(), "", "", 200)
	if err != nil {
		return err
	}
	s.render(w, r, "info_admin", &infoListView{Page: s.page(r, "政务公开管理"), Kinds: publicinfo.Kinds, Articles: list, Admin: true})
	return nil
}

type infoFormView struct {
	Page
	A     publicinfo.Article
	Kinds []struct{ Value, Name string }
	Form  Form
}

func (s *Server) infoEditPage(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireInfoEditor(r)
	if err != nil {
		return err
	}
	v := &infoFormView{Page: s.page(r, "发布信息"), Kinds: publicinfo.Kinds, Form: Form{Values: map[string]string{}}}
	if id := r.PathValue("id"); id != "" {
		a, err := s.Info.Get(r.Context(), actor, id)
		if err != nil {
			return err
		}
		v.A, v.Title = a, "编辑信息"
		v.Form.Values = map[string]string{"kind": a.Kind, "title": a.Title, "doc_number": a.DocNumber, "body": a.Body}
	}
	s.render(w, r, "info_form", v)
	return nil
}

func (s *Server) infoSave(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireInfoEditor(r)
	if err != nil {
		return err
	}
	f := newForm(r, "kind", "title", "doc_number", "body")
	a := publicinfo.Article{ID: r.PathValue("id"), Kind: f.Values["kind"], Title: f.Values["title"],
		DocNumber: f.Values["doc_number"], Body: r.PostFormValue("body")}
	saved, err := s.Info.Save(r.Context(), actor, a, r.PostFormValue("op") == "publish")
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Values["body"] = r.PostFormValue("body")
		f.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "info_form", &infoFormView{Page: s.page(r, "发布信息"), A: a, Kinds: publicinfo.Kinds, Form: f})
		return nil
	}
	msg := "已保存草稿"
	if saved.Status == publicinfo.StatusPublished {
		msg = "已发布，门户网站即时可见"
	}
	s.Sessions.Put(r.Context(), sessFlash, msg)
	http.Redirect(w, r, "/admin/info", http.StatusSeeOther)
	return nil
}

func (s *Server) infoWithdraw(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireInfoEditor(r)
	if err != nil {
		return err
	}
	if err := s.Info.Withdraw(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	s.Sessions.Put(r.Context(), sessFlash, "已撤下")
	http.Redirect(w, r, "/admin/info", http.StatusSeeOther)
	return nil
}
