package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/catalog"
)

type itemsView struct {
	Page
	Query   catalog.Query
	Results catalog.Results
	Groups  []itemGroup
	Active  []activeFilter
	PrevURL string
	NextURL string
	Heading string
}

type activeFilter struct{ Name, RemoveURL string }

// queryFrom reads a catalog query from the URL; unknown or malformed values
// are ignored rather than refused: a search page never errors on its filters.
func queryFrom(v url.Values) catalog.Query {
	q := catalog.Query{Q: strings.TrimSpace(v.Get("q")), OrgID: v.Get("org"), Type: v.Get("type"),
		Theme: v.Get("theme"), Object: v.Get("object")}
	q.Level, _ = strconv.Atoi(v.Get("level"))
	q.Depth, _ = strconv.Atoi(v.Get("depth"))
	q.Page, _ = strconv.Atoi(v.Get("page"))
	return q
}

// with returns the items URL for the current query with one value changed.
func itemsURL(v url.Values, key, value string) string {
	u := url.Values{}
	for k, vs := range v {
		if k != "page" {
			u[k] = vs
		}
	}
	if value == "" {
		u.Del(key)
	} else {
		u.Set(key, value)
	}
	if len(u) == 0 {
		return "/items"
	}
	return "/items?" + u.Encode()
}

func (s *Server) itemsPage(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q := queryFrom(v)
	res, err := s.Catalog.Search(r.Context(), q)
	if err != nil {
		return err
	}
	view := &itemsView{Page: s.page(r, "办事指南"), Query: q, Results: res, Heading: "办事事项"}
	switch q.Object {
	case "person":
		view.Nav, view.Heading = "personal", "个人办事"
	case "legal":
		view.Nav, view.Heading = "enterprise", "法人办事"
	}
	if q.Q != "" {
		view.Title = "搜索：" + q.Q
	}
	add := func(key, name string) {
		if v.Get(key) != "" {
			view.Active = append(view.Active, activeFilter{name, itemsURL(v, key, "")})
		}
	}
	add("theme", "主题："+themeName(q.Theme))
	add("org", "实施主体："+facetName(res.Orgs, q.OrgID))
	add("level", "层级："+catalog.Name(catalog.Levels, v.Get("level")))
	add("type", "类型："+catalog.Name(catalog.ItemTypes, q.Type))
	add("depth", "网办深度："+catalog.Name(catalog.Depths, v.Get("depth")))
	if res.Page > 1 {
		view.PrevURL = itemsURL(v, "page", strconv.Itoa(res.Page-1))
	}
	if res.Page < res.Pages {
		view.NextURL = itemsURL(v, "page", strconv.Itoa(res.Page+1))
	}
	view.Groups = groupItems(res.Items)
	s.render(w, r, "items", view)
	return nil
}

// itemGroup is one item as every org of a page that delivers it: the same
// base item at eight streets is one result with eight places, not eight
// results that look the same.
type itemGroup struct {
	catalog.Summary
	Places []catalog.Summary
}

func groupItems(items []catalog.Summary) []itemGroup {
	var out []itemGroup
	at := map[string]int{}
	for _, it := range items {
		key := it.Code[19:] + "/" + strconv.Itoa(it.Level)
		if i, ok := at[key]; ok {
			out[i].Places = append(out[i].Places, it)
			continue
		}
		at[key] = len(out)
		out = append(out, itemGroup{Summary: it, Places: []catalog.Summary{it}})
	}
	return out
}

func themeName(code string) string {
	t, _ := catalog.ThemeByCode(code)
	return t.Name
}

func facetName(fs []catalog.Facet, v string) string {
	for _, f := range fs {
		if f.Value == v {
			return f.Name
		}
	}
	return v
}

// FacetURL is used by the template to build a facet link.
func (v itemsView) FacetURL(key, value string) string {
	u := url.Values{}
	if v.Query.Q != "" {
		u.Set("q", v.Query.Q)
	}
	set := func(k, val string) {
		if val != "" && val != "0" {
			u.Set(k, val)
		}
	}
	set("org", v.Query.OrgID)
	set("level", strconv.Itoa(v.Query.Level))
	set("type", v.Query.Type)
	set("theme", v.Query.Theme)
	set("depth", strconv.Itoa(v.Query.Depth))
	set("object", v.Query.Object)
	u.Set(key, value)
	return "/items?" + u.Encode()
}

type guideView struct {
	Page
	E         catalog.Entry
	OrgName   string
	Latest    bool // the version shown is the published one
	Published string
	Print     bool
}

// entryByCode returns the version of an implementation code the request
// asks for: the published one, or ?v=N (e.g. the version a case was filed
// under).
func (s *Server) entryByCode(r *http.Request) (*guideView, error) {
	code := r.PathValue("code")
	if len(code) != 31 {
		return nil, yiwang.Errorf(yiwang.ENOTFOUND, "事项编码应为31位实施编码")
	}
	versions, err := s.Catalog.Versions(r.Context(), code)
	if err != nil {
		return nil, err
	}
	want, _ := strconv.Atoi(r.URL.Query().Get("v"))
	v := &guideView{}
	for _, e := range versions {
		if e.Status == catalog.StatusPublished {
			v.Published = fmt.Sprint(e.Version)
		}
		if (want == 0 && e.Status == catalog.StatusPublished) || (want != 0 && e.Version == want &&
			e.Status != catalog.StatusDraft && e.Status != catalog.StatusSubmitted) {
			v.E = e
		}
	}
	if v.E.ID == "" {
		return nil, yiwang.Errorf(yiwang.ENOTFOUND, "没有找到该事项的这一版本")
	}
	v.Latest = v.E.Status == catalog.StatusPublished
	o, err := s.Orgs.Get(r.Context(), v.E.OrgID)
	if err != nil {
		return nil, err
	}
	v.OrgName = o.Name
	return v, nil
}

func (s *Server) guidePage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.entryByCode(r)
	if err != nil {
		return err
	}
	v.Page = s.page(r, v.E.Base.Name)
	s.render(w, r, "guide", v)
	return nil
}

func (s *Server) guidePrint(w http.ResponseWriter, r *http.Request) error {
	v, err := s.entryByCode(r)
	if err != nil {
		return err
	}
	v.Page = s.page(r, v.E.Base.Name+"（打印）")
	v.Print = true
	s.render(w, r, "guide", v)
	return nil
}

type themesView struct {
	Page
	For    string
	Themes []themeCount
}

type themeCount struct {
	catalog.Theme
	Count int
}

func (s *Server) themesPage(w http.ResponseWriter, r *http.Request) error {
	who := r.PathValue("for")
	if who != "person" && who != "legal" {
		return s.notFound(w, r)
	}
	object := who
	res, err := s.Catalog.Search(r.Context(), catalog.Query{Object: object, Size: 1})
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, f := range res.Themes {
		counts[f.Value] = f.Count
	}
	title := "个人办事"
	if who == "legal" {
		title = "法人办事"
	}
	v := &themesView{Page: s.page(r, title), For: who}
	v.Nav = map[string]string{"person": "personal", "legal": "enterprise"}[who]
	for _, t := range catalog.Themes {
		if t.For == who {
			v.Themes = append(v.Themes, themeCount{t, counts[t.Code]})
		}
	}
	s.render(w, r, "themes", v)
	return nil
}
