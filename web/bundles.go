package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/idcode"
)

type bundlesView struct {
	Page
	Bundles []casework.Bundle
}

// bundlesPage lists the 一件事 people can apply for at once.
func (s *Server) bundlesPage(w http.ResponseWriter, r *http.Request) error {
	bs, err := s.Cases.Bundles(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, "bundles", &bundlesView{Page: s.page(r, "一件事一次办"), Bundles: bs})
	return nil
}

// bundleView is the apply page of a bundle: its merged form and materials
// as one entry.
func (s *Server) bundleView(r *http.Request) (*applyView, error) {
	_, a, err := s.applicant(r)
	if err != nil {
		return nil, err
	}
	b, err := s.Cases.BundleOf(r.Context(), r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	f, err := s.Cases.FormOf(r.Context(), b)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, en := range f.Entries {
		names = append(names, en.Base.Name)
	}
	en := catalog.Entry{Code: b.Code, Base: catalog.Base{Name: b.Name}, Guide: catalog.Guide{Fields: f.Fields, Materials: f.Materials}}
	v := &applyView{Page: s.page(r, "一件事："+b.Name), E: en, OrgName: strings.Join(names, " + "), Name: a.Name,
		Mobile: idcode.MaskMobile(a.Mobile), IDCard: idcode.MaskIDCard(a.IDCard), Have: map[int]bool{}, Bundle: &f,
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	v.prefill(a, f.Fields)
	return v, nil
}

func (s *Server) bundlePage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bundleView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "apply", v)
	return nil
}

// bundleApply files one case per item of the bundle.
func (s *Server) bundleApply(w http.ResponseWriter, r *http.Request) error {
	v, err := s.bundleView(r)
	if err != nil {
		return err
	}
	mats, bad, err := s.uploads(w, r, v.Actor)
	if err != nil {
		return err
	}
	// Files chosen in an earlier, refused attempt come back as their IDs;
	// only the applicant's own uploads are taken.
	got := map[int]bool{}
	for _, m := range mats {
		got[m.Index] = true
	}
	for k := range v.Bundle.Materials {
		id := r.FormValue(fmt.Sprintf("keep.m%d", k))
		if id == "" || got[k] {
			continue
		}
		if _, err := s.Files.Own(r.Context(), v.Actor, id); err == nil {
			mats = append(mats, casework.Material{Index: k, FileID: id})
		}
	}
	if len(bad) == 0 {
		cs, err := s.Cases.SubmitBundle(r.Context(), v.Actor, v.Who, v.E.Code,
			casework.Application{Materials: mats, Fields: formFields(r, v.E), Note: r.FormValue("note")})
		if err == nil {
			var nos []string
			for _, c := range cs {
				nos = append(nos, c.ItemName+" "+c.No)
			}
			s.Sessions.Put(r.Context(), sessFlash, fmt.Sprintf("“%s”申报成功，共 %d 个办件：%s。", v.E.Base.Name, len(cs), strings.Join(nos, "；")))
			http.Redirect(w, r, "/cases", http.StatusSeeOther)
			return nil
		}
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
	} else {
		v.Form.Errors = bad
	}
	for _, m := range mats {
		v.Have[m.Index] = true
		v.Form.Values[fmt.Sprintf("keep.m%d", m.Index)] = m.FileID
	}
	v.Form.Values["note"] = r.FormValue("note")
	for k, val := range formFields(r, v.E) {
		v.Form.Values["f."+k] = val
	}
	w.WriteHeader(http.StatusBadRequest)
	s.render(w, r, "apply", v)
	return nil
}
