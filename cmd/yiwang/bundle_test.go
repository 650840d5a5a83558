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

// TestBundleJourney: a citizen applies for 开办餐饮店 with one form and one
// set of materials and finds one case per item in their account.
func TestBundleJourney(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	citizen := ts.client()
	citizen.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	if p := ts.client().get("/bundles"); p.Status != 200 || !strings.Contains(p.Body, "开办餐饮店") {
		t.Fatalf("bundles page: %d", p.Status)
	}
	form := citizen.get("/bundles/open-restaurant")
	if form.Status != 200 || form.Doc.Find("h1").Text() != "一件事：开办餐饮店" {
		t.Fatalf("bundle form: %d %s", form.Status, form.Doc.Find("h1").Text())
	}
	files := map[string][]byte{}
	form.Doc.Find(`input[type=file]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		files[name] = testPDF
	})
	fields := foodForm(map[string]string{"f.scope": "餐饮服务", "f.capital": "5", "f.form": "个人经营", "f.shop": "张三小吃店"})
	before := ts.count("cases")
	if p := citizen.postFiles("/bundles/open-restaurant", fields, nil); p.Status != http.StatusBadRequest ||
		p.Doc.Find(".field-error").Length() == 0 || ts.count("cases") != before {
		t.Fatalf("without materials: %d, %d errors", p.Status, p.Doc.Find(".field-error").Length())
	}
	// One file short: refused, and the files sent come back as kept, so only
	// the missing one is sent again.
	var last string // a required material's field
	form.Doc.Find(`li.field`).EachWithBreak(func(_ int, li *goquery.Selection) bool {
		name, ok := li.Find(`input[type=file]`).Attr("name")
		if ok && strings.Contains(li.Text(), "必需") {
			last = name
			return false
		}
		return true
	})
	some := map[string][]byte{}
	for k, v := range files {
		if k != last {
			some[k] = v
		}
	}
	p := citizen.postFiles("/bundles/open-restaurant", fields, some)
	if p.Status != http.StatusBadRequest || p.Doc.Find(".field-error").Length() != 1 || ts.count("cases") != before {
		t.Fatalf("one file short: %d, %d errors", p.Status, p.Doc.Find(".field-error").Length())
	}
	kept := map[string]string{}
	p.Doc.Find(`input[type=hidden][name^="keep."]`).Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		v, _ := s.Attr("value")
		kept[n] = v
	})
	if len(kept) != len(some) {
		t.Fatalf("kept %d of %d files", len(kept), len(some))
	}
	for k, v := range kept {
		fields[k] = v
	}
	if p := citizen.postFiles("/bundles/open-restaurant", fields, map[string][]byte{last: testPDF}); p.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if ts.count("cases") != before+2 {
		t.Fatalf("cases: %d, want %d", ts.count("cases"), before+2)
	}
	mine := citizen.get("/cases")
	if n := strings.Count(mine.Doc.Find("tbody").Text(), "一件事：开办餐饮店"); n != 2 {
		t.Fatalf("my cases show %d bundle cases", n)
	}
	if !strings.Contains(mine.Doc.Find("tbody").Text(), "等待工作人员预审") {
		t.Fatal("my cases do not say what happens next")
	}
	// Each case page links to the other cases of the same application.
	link, _ := mine.Doc.Find("tbody a.code").First().Attr("href")
	if p := citizen.get(link); p.Doc.Find(".bundle a").Length() != 1 {
		t.Fatalf("bundle siblings on the case page: %d", p.Doc.Find(".bundle a").Length())
	}

	// The district's catalog maintainer adds a bundle; a bad one is refused whole.
	admin := ts.client()
	ts.staffLogin(admin, "catalogadmin", demo.StaffPassword)
	checkPage(t, "/admin/bundles", admin.get("/admin/bundles"))
	var codes []string
	admin.get("/admin/bundles").Doc.Find("tbody td[data-label=事项]").First().Find("a.code").Each(func(_ int, s *goquery.Selection) {
		codes = append(codes, s.Text())
	})
	if len(codes) != 2 {
		t.Fatalf("the demo bundle's items on the admin page: %v", codes)
	}
	bad := url.Values{"code": {"shop"}, "name": {"开店"}, "summary": {"营业执照一次申请"}, "members": {codes[0]}}
	if p := admin.post("/admin/bundles", bad); p.Status != http.StatusBadRequest || p.Doc.Find("#e-members").Length() != 1 {
		t.Fatalf("a bundle of one item: %d", p.Status)
	}
	good := url.Values{"code": {"shop"}, "name": {"开小吃店"}, "summary": {"营业执照和食品经营许可一次申请"}, "members": {strings.Join(codes, "\n")}}
	if p := admin.post("/admin/bundles", good); p.Status != http.StatusSeeOther {
		t.Fatalf("save bundle: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := ts.client().get("/bundles"); !strings.Contains(p.Body, "开小吃店") {
		t.Fatal("the new bundle is not on the portal")
	}
	dept := ts.client()
	ts.staffLogin(dept, "catalog", demo.StaffPassword)
	if p := dept.post("/admin/bundles", good); p.Status != http.StatusForbidden {
		t.Fatalf("a department's maintainer saved a bundle: %d", p.Status)
	}
}
