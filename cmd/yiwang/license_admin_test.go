package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestLicenseTypesAdmin: the system administrator maintains license types
// on the page and over the API; bad input is refused and changes nothing;
// nobody else may.
func TestLicenseTypesAdmin(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	admin := ts.client()
	ts.staffLogin(admin, "admin", demo.StaffPassword)
	if p := admin.get("/admin/license-types"); p.Status != 200 || !strings.Contains(p.Doc.Find("#license-types").Text(), "食品经营许可证") {
		t.Fatalf("type list: %d", p.Status)
	}
	before := ts.count("license_types")
	p := admin.post("/admin/license-types/new", url.Values{"code": {"123"}, "name": {"营业执照"}, "kind": {"license"},
		"valid_years": {"x"}, "template": {"certificate"}, "fields": {"没有等号"}})
	if p.Status != http.StatusBadRequest || p.Doc.Find(".error-summary li").Length() < 3 || ts.count("license_types") != before {
		t.Fatalf("bad type: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	code := "11340504MB504001X2" + "099"
	p = admin.post("/admin/license-types/new", url.Values{"code": {code}, "name": {"犬只登记证"}, "kind": {"license"},
		"valid_years": {"1"}, "template": {"card"}, "fields": {"犬名=form:dog\n办件编号=case_no"}, "note": {"每年年检"}})
	if p.Status != http.StatusSeeOther || ts.count("license_types") != before+1 {
		t.Fatalf("new type: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	edit := admin.get("/admin/license-types/" + code)
	if v, _ := edit.Doc.Find("#f-fields").Html(); !strings.Contains(v, "犬名=form:dog") {
		t.Fatalf("edit page: %d %s", edit.Status, v)
	}
	// A name already taken is a conflict.
	if p := admin.post("/admin/license-types/"+code, url.Values{"name": {"营业执照"}, "kind": {"license"}, "valid_years": {"1"},
		"template": {"card"}, "rev": {"1"}}); p.Status != http.StatusConflict {
		t.Fatalf("duplicate name: %d", p.Status)
	}

	// The API: the admin's token may, an officer's may not; a stale rev conflicts.
	tok := ts.staffToken("admin")
	api := ts.client()
	body := `{"name":"犬只登记证","kind":"license","issuer_org_id":"","fields":[{"name":"犬名","from":"form:dog"}],"valid_years":2,"template":"card","note":"","rev":1}`
	var got struct {
		ValidYears int   `json:"valid_years"`
		Rev        int64 `json:"rev"`
	}
	if p := api.keyed(http.MethodPut, "/api/v1/license-types/"+code, body, tok, ""); p.Status != 200 ||
		json.Unmarshal([]byte(p.Body), &got) != nil || got.ValidYears != 2 || got.Rev != 2 {
		t.Fatalf("api update: %d %s", p.Status, p.Body)
	}
	wantError(t, "stale rev", api.keyed(http.MethodPut, "/api/v1/license-types/"+code, body, tok, ""), 409, "ECONFLICT")
	wantError(t, "officer", api.keyed(http.MethodPut, "/api/v1/license-types/"+code, body, ts.staffToken("officer"), ""), 403, "EFORBIDDEN")
	wantError(t, "unknown field", api.keyed(http.MethodPut, "/api/v1/license-types/"+code, `{"nme":"x"}`, tok, ""), 400, "EINVALID")
	if p := api.api(http.MethodGet, "/api/v1/license-types", "", tok); p.Status != 200 || !strings.Contains(p.Body, "犬只登记证") {
		t.Fatalf("api list: %d", p.Status)
	}
	// Only the system administrator sees the pages.
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	if p := officer.get("/admin/license-types"); p.Status != http.StatusForbidden {
		t.Fatalf("officer on the type page: %d", p.Status)
	}
}

// TestMaterialReuse: an officer records that uploaded materials were
// checked against the originals; the same person's next application does
// not ask for them again and the officer sees them as verified.
func TestMaterialReuse(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	food := publishedByName(t, ts, "食品经营许可")
	citizen := ts.client()
	citizen.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	files := map[string][]byte{}
	citizen.get("/apply/" + food.Code).Doc.Find(`input[type=file]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		files[name] = testPDF
	})
	p := citizen.postFiles("/apply/"+food.Code, foodForm(nil), files)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	caseID := strings.TrimPrefix(p.Location, "/cases/")
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	work := officer.get("/cases/" + caseID)
	var idx []string
	work.Doc.Find(`#verify-form input[name="m"]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("value")
		idx = append(idx, v)
	})
	if len(idx) < 2 {
		t.Fatalf("verify form offers %d materials", len(idx))
	}
	if p := officer.post("/work/"+caseID+"/verify", url.Values{}); p.Status != http.StatusBadRequest {
		t.Fatalf("verify nothing: %d", p.Status)
	}
	if p := officer.post("/work/"+caseID+"/verify", url.Values{"m": idx}); p.Status != http.StatusSeeOther {
		t.Fatalf("verify: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if w := officer.get("/cases/" + caseID); w.Doc.Find(".credibility").Length() < len(idx) || w.Doc.Find("#verify-form").Length() != 0 {
		t.Fatalf("verified materials not shown as verified: %d badges", w.Doc.Find(".credibility").Length())
	}
	// The next application of the same item attaches them: no upload asked.
	citizen.post("/cases/"+caseID+"/withdraw", nil)
	form := citizen.get("/apply/" + food.Code)
	if form.Doc.Find(`[id^="auto-"]`).Length() < len(idx) {
		t.Fatalf("the apply page does not show the reused materials: %s", form.Doc.Find(".material-list").Text())
	}
	if p := citizen.postFiles("/apply/"+food.Code, foodForm(nil), nil); p.Status != http.StatusSeeOther {
		t.Fatalf("apply without uploads: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
}
