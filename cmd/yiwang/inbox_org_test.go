package main

import (
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// A township officer's inbox holds the cases of its villages too, and says
// whose each one is; a department officer's, all its own, does not.
func TestInboxShowsOrg(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	town := ts.client()
	ts.staffLogin(town, "township", demo.StaffPassword)
	p := town.get("/work")
	checkPage(t, "township /work", p)
	if p.Doc.Find(`th:contains("承办单位")`).Length() != 1 {
		t.Fatal("the township's inbox has no org column")
	}
	village := p.Doc.Find(`td[data-label="承办单位"]:contains("南庄村")`)
	if village.Length() == 0 || !strings.Contains(village.First().Parent().Text(), "城乡居民基本养老保险待遇领取") {
		t.Fatalf("the village's case is not shown as 南庄村's: %q", p.Doc.Find("tbody").Text())
	}
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	if p := officer.get("/work"); p.Doc.Find("tbody tr").Length() == 0 || p.Doc.Find(`th:contains("承办单位")`).Length() != 0 {
		t.Fatalf("the department's own inbox: %d rows, org column %d", p.Doc.Find("tbody tr").Length(), p.Doc.Find(`th:contains("承办单位")`).Length())
	}
	// A link with a wrong filter says what is wrong, not only how much.
	if p := officer.get("/work?state=bogus"); p.Status != 400 || !strings.Contains(p.Doc.Find(".error-summary li").Text(), "状态不正确") {
		t.Fatalf("a wrong state: %d %q", p.Status, p.Doc.Find("main").Text())
	}
}
