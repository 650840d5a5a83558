package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// checkPage applies UI.md's automated checks to one page: language set, one
// h1, headings without skipped levels, every field labelled, images with
// alt text, no duplicate ids, no inline script.
func checkPage(t *testing.T, path string, p page) {
	t.Helper()
	if p.Status != http.StatusOK {
		t.Errorf("%s: status %d", path, p.Status)
		return
	}
	d := p.Doc
	if lang, _ := d.Find("html").Attr("lang"); lang != "zh-CN" {
		t.Errorf("%s: html lang %q", path, lang)
	}
	if n := d.Find("h1").Length(); n != 1 {
		t.Errorf("%s: %d h1 elements", path, n)
	}
	last := 0
	d.Find("h1, h2, h3, h4, h5, h6").Each(func(_ int, s *goquery.Selection) {
		level := int(goquery.NodeName(s)[1] - '0')
		if last > 0 && level > last+1 {
			t.Errorf("%s: heading %q jumps from h%d to h%d", path, strings.TrimSpace(s.Text()), last, level)
		}
		last = level
	})
	ids := map[string]bool{}
	d.Find("[id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if ids[id] {
			t.Errorf("%s: duplicate id %q", path, id)
		}
		ids[id] = true
	})
	d.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		typ, _ := s.Attr("type")
		if typ == "hidden" || typ == "submit" || s.HasClass("default-submit") {
			return
		}
		if s.ParentsFiltered("label").Length() > 0 {
			return
		}
		id, _ := s.Attr("id")
		if id == "" || d.Find(`label[for="`+id+`"]`).Length() == 0 {
			name, _ := s.Attr("name")
			t.Errorf("%s: field %q has no label", path, name)
		}
	})
	d.Find("img").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("alt"); !ok {
			t.Errorf("%s: image without alt", path)
		}
	})
	if d.Find("script:not([src])").Length() > 0 {
		t.Errorf("%s: inline script", path)
	}
}

func TestPagesAccessible(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	anon := ts.client()
	for _, path := range []string{"/", "/departments", "/departments?level=5", "/departments?level=6",
		"/themes/person", "/themes/legal", "/items", "/items?q=社保", "/items?q=低保&level=5", "/section/track", "/info", "/info?kind=policy", "/login", "/login/citizen", "/login/citizen?with=password",
		"/register", "/login/enterprise", "/login/enterprise?with=code", "/staff/login", "/dev/outbox"} {
		checkPage(t, path, anon.get(path))
	}
	orgID := orgID(t, ts, "雨山区民政局")
	admin := ts.client()
	ts.staffLogin(admin, "admin", demo.StaffPassword)
	staffID := ""
	if a, err := ts.app.db.AccountByUsername(t.Context(), "officer"); err == nil {
		staffID = a.ID
	}
	for _, path := range []string{"/staff", "/admin/orgs", "/admin/orgs/new", "/admin/orgs/new?parent=" + orgID,
		"/admin/orgs/" + orgID, "/admin/staff", "/admin/staff?q=off", "/admin/staff/new", "/admin/staff/" + staffID, "/staff/tokens"} {
		checkPage(t, path, admin.get(path))
	}
	// A form with errors is checked too.
	checkPage(t, "/admin/staff/new (errors)", admin.post("/admin/staff/new", url.Values{"username": {"X"}}).withStatus(200))
	auditor := ts.client()
	ts.staffLogin(auditor, "auditor", demo.StaffPassword)
	checkPage(t, "/admin/audit", auditor.get("/admin/audit"))
	checkPage(t, "/admin/audit?verify=1", auditor.get("/admin/audit?verify=1&result=failed"))
	clerk := ts.client()
	ts.staffLogin(clerk, "clerk", demo.StaffPassword)
	checkPage(t, "/window/verify", clerk.get("/window/verify?q="+demo.People[0].Mobile))
	citizen := ts.client()
	citizen.post("/login/enterprise", url.Values{"credit_code": {demo.EnterpriseCode()}, "mobile": {demo.People[0].Mobile},
		"password": {demo.CitizenPassword}})
	for _, path := range []string{"/account", "/enterprise/register", "/enterprise/agents"} {
		checkPage(t, path, citizen.get(path))
	}
	checkPage(t, "/register (errors)", anon.post("/register", url.Values{"op": {"register"}}).withStatus(200))
	food := publishedByName(t, ts, "食品经营许可")
	checkPage(t, "guide", anon.get("/items/"+food.Code))
	checkPage(t, "guide print", anon.get("/items/"+food.Code+"/print"))
	news := anon.get("/info")
	href, _ := news.Doc.Find(".news a").First().Attr("href")
	checkPage(t, href, anon.get(href))
	m := ts.client()
	ts.staffLogin(m, "catalog", demo.StaffPassword)
	for _, path := range []string{"/admin/catalog", "/admin/catalog/" + food.ID, "/admin/catalog/import", "/admin/info", "/admin/info/new"} {
		checkPage(t, path, m.get(path))
	}
}

// withStatus lets a page with an expected error status through checkPage.
func (p page) withStatus(s int) page {
	p.Status = s
	return p
}
