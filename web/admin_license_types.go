package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/org"
)

type licenseTypesView struct {
	Page
	Types   []license.Type
	OrgName map[string]string
}

// licenseTypesPage lists the license types for the system administrator.
func (s *Server) licenseTypesPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleSysAdmin); err != nil {
		return err
	}
	ts, err := s.Licenses.Types(r.Context())
	if err != nil {
		return err
	}
	names, _, err := s.orgNames(r)
	if err != nil {
		return err
	}
	s.render(w, r, "license_types", &licenseTypesView{Page: s.page(r, "证照类型"), Types: ts, OrgName: names})
	return nil
}

type licenseTypeForm struct {
	Page
	New       bool
	Form      Form
	Orgs      []org.Node
	Templates map[string]string
}

func (s *Server) licenseTypeFormView(r *http.Request, isNew bool) (*licenseTypeForm, error) {
	_, nodes, err := s.orgNames(r)
	if err != nil {
		return nil, err
	}
	title := "修改证照类型"
	if isNew {
		title = "新增证照类型"
	}
	return &licenseTypeForm{Page: s.page(r, title), New: isNew, Orgs: nodes, Templates: license.TemplateNames,
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}, nil
}

// licenseTypeEditPage shows the form for a new type ("new") or an existing one.
func (s *Server) licenseTypeEditPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleSysAdmin); err != nil {
		return err
	}
	code := r.PathValue("code")
	v, err := s.licenseTypeFormView(r, code == "new")
	if err != nil {
		return err
	}
	if !v.New {
		t, err := s.Licenses.Store.LicenseType(r.Context(), code)
		if err != nil {
			return err
		}
		lines := make([]string, len(t.Fields))
		for i, f := range t.Fields {
			lines[i] = f.FieldLine()
		}
		v.Form.Values = map[string]string{"code": t.Code, "name": t.Name, "kind": t.Kind, "issuer": t.IssuerOrgID,
			"fields": strings.Join(lines, "\n"), "valid_years": strconv.Itoa(t.ValidYears), "template": t.Template,
			"note": t.Note, "rev": strconv.FormatInt(t.Rev, 10)}
	} else {
		v.Form.Values["kind"], v.Form.Values["template"], v.Form.Values["valid_years"] = license.KindLicense, license.TemplateCertificate, "0"
	}
	s.render(w, r, "license_type_form", v)
	return nil
}

// licenseTypeSave adds or changes a type.
func (s *Server) licenseTypeSave(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSysAdmin)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	v, err := s.licenseTypeFormView(r, code == "new")
	if err != nil {
		return err
	}
	f := newForm(r, "code", "name", "kind", "issuer", "fields", "valid_years", "template", "note", "rev")
	v.Form = f
	t := license.Type{Code: f.Values["code"], Name: f.Values["name"], Kind: f.Values["kind"], IssuerOrgID: f.Values["issuer"],
		Template: f.Values["template"], Note: f.Values["note"]}
	if !v.New {
		t.Code = code
		t.Rev, _ = strconv.ParseInt(f.Values["rev"], 10, 64)
		if t.Rev < 1 {
			t.Rev = 1
		}
	}
	bad := map[string]string{}
	if t.ValidYears, err = strconv.Atoi(f.Values["valid_years"]); err != nil {
		bad["valid_years"] = "有效期须为整数年（0为长期）"
	}
	if t.Fields, err = license.ParseFields(f.Values["fields"]); err != nil {
		bad["fields"] = err.Error()
	}
	if len(bad) > 0 { // say every problem at once, not the parse ones first
		var ye *yiwang.Error
		if errors.As(t.Check(), &ye) {
			for k, m := range ye.Fields {
				if _, ok := bad[k]; !ok {
					bad[k] = m
				}
			}
		}
	}
	err = yiwang.Invalid(bad)
	if err == nil {
		t, err = s.Licenses.SaveType(r.Context(), actor, t)
	}
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "license_type_form", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "已保存证照类型“"+t.Name+"”")
	http.Redirect(w, r, "/admin/license-types/"+url.PathEscape(t.Code), http.StatusSeeOther)
	return nil
}
