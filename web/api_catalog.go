package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/catalog"
)

func (s *Server) apiItems(w http.ResponseWriter, r *http.Request) error {
	q, err := s.apiQueryFrom(r.Context(), r.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.Catalog.Search(r.Context(), q)
	if err != nil {
		return err
	}
	items := make([]apiItem, len(res.Items))
	for i, e := range res.Items {
		items[i] = summaryItem(e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": res.Total, "page": res.Page, "pages": res.Pages, "items": items,
		"facets": map[string][]catalog.Facet{"org": res.Orgs, "level": res.Levels, "type": res.Types,
			"theme": res.Themes, "depth": res.Depths}})
	return nil
}

// apiItem answers an implementation code with its published guide, and a
// base code with every published implementation of it.
func (s *Server) apiItem(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	switch len(code) {
	case 31:
		v, err := s.entryByCode(r)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, fullItem(v.E, v.OrgName))
		return nil
	case 12:
		list, _, err := s.Catalog.AllPublished(r.Context())
		if err != nil {
			return err
		}
		var out []apiItem
		for _, e := range list {
			if e.Code[19:] == code {
				out = append(out, summaryItem(e))
			}
		}
		if len(out) == 0 {
			return yiwang.Errorf(yiwang.ENOTFOUND, "没有找到基本编码为%s的已发布事项", code)
		}
		writeJSON(w, http.StatusOK, map[string]any{"base_code": code, "items": out})
		return nil
	}
	return yiwang.Errorf(yiwang.ENOTFOUND, "事项编码应为31位实施编码或12位基本编码")
}

func (s *Server) apiCatalogStats(w http.ResponseWriter, r *http.Request) error {
	q, err := s.apiQueryFrom(r.Context(), url.Values{"level": {r.URL.Query().Get("level")}, "org": {r.URL.Query().Get("org")}})
	if err != nil {
		return err
	}
	st, err := s.Catalog.Statistics(r.Context(), q.OrgID, q.Level)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// apiBaseIn is the JSON shape of a base item.
type apiBaseIn struct {
	Code    string          `json:"code"`
	Name    string          `json:"name"`
	Aliases []string        `json:"aliases"`
	Type    string          `json:"type"`
	Basis   []catalog.Basis `json:"basis"`
	Objects []string        `json:"objects"`
	Themes  []string        `json:"themes"`
}

func (s *Server) apiBaseSave(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in apiBaseIn
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.Catalog.SaveBase(r.Context(), actor, catalog.Base{Code: in.Code, Name: in.Name, Aliases: in.Aliases,
		Type: in.Type, Basis: in.Basis, Objects: in.Objects, Themes: in.Themes})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, apiBaseIn{Code: b.Code, Name: b.Name, Aliases: b.Aliases, Type: b.Type, Basis: b.Basis,
		Objects: b.Objects, Themes: b.Themes})
	return nil
}

// apiEntryIn is the JSON shape of an entry draft.
type apiEntryIn struct {
	BaseCode    string        `json:"base_code"`
	OrgID       string        `json:"org_id"`
	Level       int           `json:"level"`
	Kind        int           `json:"kind"`
	LegalDays   int           `json:"legal_days"`
	PromiseDays int           `json:"promise_days"`
	Depth       []int         `json:"depth"`
	Forms       []int         `json:"forms"`
	Visits      int           `json:"visits"`
	Guide       catalog.Guide `json:"guide"`
}

func (in apiEntryIn) entry() catalog.Entry {
	return catalog.Entry{Base: catalog.Base{Code: in.BaseCode}, OrgID: in.OrgID, Level: in.Level, Kind: in.Kind,
		LegalDays: in.LegalDays, PromiseDays: in.PromiseDays, Depth: in.Depth, Forms: in.Forms, Visits: in.Visits, Guide: in.Guide}
}

type apiEntry struct {
	ID string `json:"id"`
	apiItem
}

func (s *Server) entryOut(r *http.Request, e catalog.Entry) apiEntry {
	name := ""
	if o, err := s.Orgs.Get(r.Context(), e.OrgID); err == nil {
		name = o.Name
	}
	return apiEntry{ID: e.ID, apiItem: fullItem(e, name)}
}

func (s *Server) apiEntryDraft(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in apiEntryIn
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := s.Catalog.Draft(r.Context(), actor, in.entry())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.entryOut(r, e))
	return nil
}

func (s *Server) apiEntryUpdate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in apiEntryIn
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	en := in.entry()
	en.ID = r.PathValue("id")
	e, err := s.Catalog.UpdateDraft(r.Context(), actor, en)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.entryOut(r, e))
	return nil
}

func (s *Server) apiEntryGet(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	e, err := s.Catalog.Version(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.entryOut(r, e))
	return nil
}

func (s *Server) apiEntryOp(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	var e catalog.Entry
	switch r.PathValue("op") {
	case "submit":
		e, err = s.Catalog.Submit(ctx, actor, id)
	case "approve":
		e, err = s.Catalog.Approve(ctx, actor, id)
	case "retire":
		e, err = s.Catalog.Retire(ctx, actor, id)
	case "reject":
		var in struct {
			Reason string `json:"reason"`
		}
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
		e, err = s.Catalog.Reject(ctx, actor, id, in.Reason)
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "未知的操作：%s", r.PathValue("op"))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.entryOut(r, e))
	return nil
}

// apiQueryFrom reads a catalog query from an API request's URL. The search
// page ignores a filter it does not know (queryFrom: its links never
// fail); a program is told which of its filters is wrong.
func (s *Server) apiQueryFrom(ctx context.Context, v url.Values) (catalog.Query, error) {
	q := queryFrom(v)
	bad := map[string]string{}
	if q.OrgID != "" {
		_, err := s.Orgs.Get(ctx, q.OrgID)
		if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
			bad["org"] = "没有这个实施主体（组织机构编号不正确）"
		} else if err != nil {
			return q, err
		}
	}
	code := func(key, problem string, ok func(string) bool) {
		if x := v.Get(key); x != "" && !ok(x) {
			bad[key] = problem
		}
	}
	code("level", "层级应为 4（区级）、5（乡镇（街道）级）或 6（村（社区）级）", func(x string) bool { return catalog.Valid(catalog.Levels, x) })
	code("depth", "网上办理深度应为 1 至 7", func(x string) bool { return catalog.Valid(catalog.Depths, x) })
	code("type", "事项类型不正确", func(x string) bool { return catalog.Valid(catalog.ItemTypes, x) })
	code("theme", "主题不正确", func(x string) bool { _, ok := catalog.ThemeByCode(x); return ok })
	code("object", "服务对象应为 person（自然人）或 legal（法人）", func(x string) bool { return x == "person" || x == "legal" })
	code("page", "页码应为正整数", func(x string) bool { n, err := strconv.Atoi(x); return err == nil && n >= 1 })
	code("size", "每页条数应为 1 至 100", func(x string) bool {
		n, err := strconv.Atoi(x)
		q.Size = n
		return err == nil && n >= 1 && n <= 100
	})
	return q, yiwang.Invalid(bad)
}
