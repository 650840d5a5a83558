package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
)

type bundlesAdminView struct {
	Page
	Bundles []casework.Bundle
	Form    Form
}

// bundlesAdmin lists the 一件事 and offers the form to add or replace one.
func (s *Server) bundlesAdmin(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleCatalogMaintainer); err != nil {
		return err
	}
	return s.renderBundlesAdmin(w, r, Form{Values: map[string]string{}, Errors: map[string]string{}}, http.StatusOK)
}

func (s *Server) renderBundlesAdmin(w http.ResponseWriter, r *http.Request, f Form, status int) error {
	bs, err := s.Cases.Bundles(r.Context())
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	s.render(w, r, "bundles_admin", &bundlesAdminView{Page: s.page(r, "一件事维护"), Bundles: bs, Form: f})
	return nil
}

// bundleSave adds or replaces a bundle: members one implementation code a line.
func (s *Server) bundleSave(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCatalogMaintainer)
	if err != nil {
		return err
	}
	b := casework.Bundle{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Summary: r.PostFormValue("summary")}
	for _, l := range strings.Split(r.PostFormValue("members"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			b.Members = append(b.Members, l)
		}
	}
	sort, _ := strconv.Atoi(r.PostFormValue("sort"))
	if _, err := s.Cases.SaveBundle(r.Context(), actor, b, sort); err != nil {
		if yiwang.ErrorCode(err) != yiwang.EINVALID {
			return err
		}
		f := Form{Values: map[string]string{}, Errors: map[string]string{}}
		for _, k := range []string{"code", "name", "summary", "members", "sort"} {
			f.Values[k] = r.PostFormValue(k)
		}
		f.Fail(err)
		for k, v := range f.Errors { // members[i] → the members box
			if strings.HasPrefix(k, "members[") {
				f.Errors["members"] = v
				delete(f.Errors, k)
			}
		}
		return s.renderBundlesAdmin(w, r, f, http.StatusBadRequest)
	}
	s.Sessions.Put(r.Context(), sessFlash, "已保存“"+strings.TrimSpace(b.Name)+"”")
	http.Redirect(w, r, "/admin/bundles", http.StatusSeeOther)
	return nil
}

// apiBundles lists the bundles with their members.
func (s *Server) apiBundles(w http.ResponseWriter, r *http.Request) error {
	bs, err := s.Cases.Bundles(r.Context())
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(bs))
	for i, b := range bs {
		out[i] = map[string]any{"code": b.Code, "name": b.Name, "summary": b.Summary, "members": b.Members}
	}
	writeJSON(w, http.StatusOK, map[string]any{"bundles": out})
	return nil
}

// apiBundlePut creates or replaces a bundle (district catalog maintainers).
func (s *Server) apiBundlePut(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in struct {
		Name    string   `json:"name"`
		Summary string   `json:"summary"`
		Members []string `json:"members"`
		Sort    int      `json:"sort"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.Cases.SaveBundle(r.Context(), actor, casework.Bundle{Code: r.PathValue("code"), Name: in.Name,
		Summary: in.Summary, Members: in.Members}, in.Sort)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": b.Code, "name": b.Name, "summary": b.Summary, "members": b.Members})
	return nil
}
