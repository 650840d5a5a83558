package web

import (
	"net/http"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/license"
)

type windowView struct {
	Page
	Query   string
	Results []catalog.Summary
	E       *catalog.Entry
	OrgName string
	Person  *identity.Account
	Lookup  string
	Form    Form
	Channel string
	// Auto is what the platform attaches for the person found; Issued
	// names the license types this platform issues (the others come from
	// the national library and are never asked for).
	Auto   map[int]casework.Material
	Issued map[string]bool
}

func requireWindow(r *http.Request) (yiwang.Actor, error) {
	return requireRole(r, yiwang.RoleWindowClerk, yiwang.RoleAgentClerk)
}

// windowView is the counter's filing page: find the item (any item: the case
// goes to the org that implements it), find the person by phone or ID
// number, scan the materials, submit.
func (s *Server) windowView(r *http.Request, actor yiwang.Actor) (*windowView, error) {
	q := r.URL.Query()
	v := &windowView{Page: s.page(r, "代为申报"), Query: strings.TrimSpace(q.Get("q")), Lookup: strings.TrimSpace(q.Get("who")),
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}, Channel: casework.ChannelWindow}
	if actor.Has(yiwang.RoleAgentClerk) && !actor.Has(yiwang.RoleWindowClerk) {
		v.Channel = casework.ChannelAgent
	}
	if code := q.Get("code"); code != "" {
		en, err := s.Catalog.Published(r.Context(), code)
		if err != nil {
			return nil, err
		}
		o, err := s.Orgs.Get(r.Context(), en.OrgID)
		if err != nil {
			return nil, err
		}
		v.E, v.OrgName = &en, o.Name
	} else if v.Query != "" {
		res, err := s.Catalog.Search(r.Context(), catalog.Query{Q: v.Query, Size: 30})
		if err != nil {
			return nil, err
		}
		v.Results = res.Items
	}
	if v.Lookup != "" {
		a, err := s.Identity.FindCitizen(r.Context(), actor, v.Lookup)
		switch {
		case err == nil:
			v.Person = &a
		case yiwang.ErrorCode(err) == yiwang.ENOTFOUND:
			v.Form.Errors["who"] = "未找到已注册的个人账号：请核对，或直接填写申请人信息"
		default:
			return nil, err
		}
	}
	if v.E != nil {
		ts, err := s.Licenses.Types(r.Context())
		if err != nil {
			return nil, err
		}
		v.Issued = map[string]bool{}
		for _, t := range ts {
			v.Issued[t.Name] = t.Kind == license.KindLicense
		}
		if v.Person != nil {
			who := casework.Applicant{AccountID: v.Person.ID, Name: v.Person.Name, IDCard: v.Person.IDCard}
			if v.Auto, err = s.Cases.Attachable(r.Context(), *v.E, who); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

func (s *Server) windowPage(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireWindow(r)
	if err != nil {
		return err
	}
	v, err := s.windowView(r, actor)
	if err != nil {
		return err
	}
	s.render(w, r, "window_file", v)
	return nil
}

func (s *Server) windowFile(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireWindow(r)
	if err != nil {
		return err
	}
	v, err := s.windowView(r, actor)
	if err != nil {
		return err
	}
	if v.E == nil {
		return yiwang.Errorf(yiwang.EINVALID, "请先选择事项")
	}
	mats, bad, err := s.uploads(w, r, actor)
	if err != nil {
		return err
	}
	who := casework.Applicant{Name: r.FormValue("name"), Mobile: r.FormValue("mobile"), IDCard: r.FormValue("idcard")}
	if id := r.FormValue("account_id"); id != "" {
		a, err := s.Identity.Get(r.Context(), id)
		if err != nil || a.Kind != yiwang.KindCitizen {
			return yiwang.Errorf(yiwang.EINVALID, "申请人账号不存在")
		}
		who = casework.Applicant{AccountID: a.ID, Name: a.Name, Mobile: a.Mobile, IDCard: a.IDCard}
	}
	if len(bad) == 0 {
		c, err := s.Cases.FileFor(r.Context(), actor, who, casework.Application{EntryCode: v.E.Code, Materials: mats,
			Fields: formFields(r, *v.E), Note: r.FormValue("note"), Channel: r.FormValue("channel")})
		if err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "已代为申报，办件编号 "+c.No+"，已转"+v.OrgName+"办理")
			http.Redirect(w, r, "/cases/"+c.ID, http.StatusSeeOther)
			return nil
		}
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
	} else {
		v.Form.Errors = bad
	}
	for _, k := range []string{"name", "mobile", "idcard", "note"} {
		v.Form.Values[k] = r.FormValue(k)
	}
	for k, val := range formFields(r, *v.E) {
		v.Form.Values["f."+k] = val
	}
	v.Form.Order = []string{"name", "idcard", "mobile"}
	w.WriteHeader(http.StatusBadRequest)
	s.render(w, r, "window_file", v)
	return nil
}
