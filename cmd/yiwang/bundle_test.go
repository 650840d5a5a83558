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
	if p := citizen.postFiles("/bundles/open-restaurant", fields, files); p.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if ts.count("cases") != before+2 {
		t.Fatalf("cases: %d, want %d", ts.count("cases"), before+2)
	}
	mine := citizen.get("/cases")
	if n := strings.Count(mine.Doc.Find("tbody").Text(), "一件事：开办餐饮店"); n != 2 {
		t.Fatalf("my cases show %d bundle cases", n)
	}
}
