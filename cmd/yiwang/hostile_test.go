package main

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// xss are payloads typed into every text field that is shown again.
var xss = []string{`<script>alert("xss")</script>`, `"><img src=x onerror=alert(1)>`, `javascript:alert(1)`}

// noLiveMarkup fails when a page carries a payload as markup rather than
// text: a script element or an element with an onerror attribute from it.
func noLiveMarkup(t *testing.T, what string, p page) {
	t.Helper()
	if p.Doc.Find(`script:not([src])`).Length() > 0 || p.Doc.Find(`[onerror]`).Length() > 0 ||
		strings.Contains(p.Body, `<script>alert`) || strings.Contains(p.Body, `<img src=x`) {
		t.Fatalf("%s: a payload is live markup", what)
	}
	if p.Doc.Find(`a[href^="javascript:"]`).Length() > 0 {
		t.Fatalf("%s: a javascript: link", what)
	}
}

// TestHostileInput throws what attackers throw at the real server: script
// in every text field shown again, SQL in searches, path tricks in upload
// names, oversized and mistyped bodies, and other people's cases, tasks and
// licenses. Each is refused or shown as text; refused ones change nothing.
func TestHostileInput(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	ctx := context.Background()
	food := publishedByName(t, ts, "食品经营许可")
	zhang, wang := ts.client(), ts.client()
	zhang.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	wang.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[1].Mobile}, "password": {demo.CitizenPassword}})

	// Script in the application form and note: stored as typed, shown as text
	// to the applicant, the officer and the public tracker.
	files := map[string][]byte{}
	zhang.get("/apply/" + food.Code).Doc.Find(`input[type=file]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		files[name] = testPDF
	})
	p := zhang.postFiles("/apply/"+food.Code, foodForm(map[string]string{"f.operator": xss[0], "f.premises": xss[1], "note": xss[2]}), files)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	casePath := p.Location
	caseID := strings.TrimPrefix(casePath, "/cases/")
	mine := zhang.get(casePath)
	noLiveMarkup(t, "applicant's case page", mine)
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	work := officer.get(casePath)
	noLiveMarkup(t, "officer's case page", work)
	if !strings.Contains(work.Doc.Find("main").Text(), xss[0]) {
		t.Fatal("the officer does not see what was typed, as text")
	}
	// Script in a correction reason and in a refusal: shown as text to the applicant.
	if p := officer.post("/work/"+caseID+"/correct", url.Values{"item": {"m:0"}, "reason-m:0": {xss[1]}}); p.Status != http.StatusSeeOther {
		t.Fatalf("correction: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	noLiveMarkup(t, "correction notice", zhang.get(casePath))
	noLiveMarkup(t, "inbox search", officer.get("/work?q="+url.QueryEscape(xss[0])))

	// SQL in every search box: an ordinary search that finds nothing, never an error.
	for _, q := range []string{`' OR '1'='1`, `'; DROP TABLE cases; --`, `%' UNION SELECT id FROM accounts --`, `\`, `_%`} {
		for _, path := range []string{"/items?q=", "/work?q=", "/work/licenses?q="} {
			c := ts.client()
			if path != "/items?q=" {
				c = officer
			}
			if p := c.get(path + url.QueryEscape(q)); p.Status != 200 {
				t.Fatalf("%s%q: %d", path, q, p.Status)
			}
		}
		if p := ts.client().get("/track?no=" + url.QueryEscape(q) + "&who=" + url.QueryEscape(q)); p.Status != http.StatusNotFound {
			t.Fatalf("tracker with %q: %d", q, p.Status)
		}
		if p := ts.client().api(http.MethodGet, "/api/v1/items?q="+url.QueryEscape(q), "", ""); p.Status != 200 {
			t.Fatalf("API search %q: %d", q, p.Status)
		}
	}
	if ts.count("cases") == 0 {
		t.Fatal("cases table gone")
	}
	// A page number past the inbox's last, or one whose offset would
	// overflow: refused, never a wrapped offset (every case, or a 500).
	for _, page := range []string{"100001", "184467440737095517", "9223372036854775807"} {
		if p := officer.get("/work?page=" + page); p.Status != http.StatusBadRequest || !strings.Contains(p.Doc.Text(), "页码") {
			t.Fatalf("inbox page %s: %d", page, p.Status)
		}
	}

	// Path tricks in an upload's name: the file keeps a plain name.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", `../../../etc/passwd<script>.pdf`)
	fw.Write(testPDF)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/files", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if p := zhang.do(req); p.Status != http.StatusCreated || strings.Contains(p.Body, "..") || strings.Contains(p.Body, "/etc") || strings.Contains(p.Body, "<script") {
		t.Fatalf("upload with a path in its name: %d %s", p.Status, p.Body)
	}

	// Oversized and mistyped bodies.
	before := ts.count("cases")
	big := url.Values{"note": {strings.Repeat("长", 1<<19)}}
	if p := zhang.post(casePath+"/withdraw", big); p.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized form: %d", p.Status)
	}
	if p := zhang.keyed(http.MethodPost, "/api/v1/cases", `{"entry_code":"`+strings.Repeat("x", 2<<20)+`"}`, "", ""); p.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized JSON: %d", p.Status)
	}
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/api/v1/cases", strings.NewReader(`entry_code=x`))
	req.Header.Set("Content-Type", "text/plain")
	if p := zhang.do(req); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "EINVALID") {
		t.Fatalf("wrong content type: %d %s", p.Status, p.Body)
	}
	if ts.count("cases") != before {
		t.Fatal("a refused body made a case")
	}

	// Other people's things: another citizen learns nothing of the case.
	if p := wang.get(casePath); p.Status != http.StatusNotFound {
		t.Fatalf("another citizen reads the case: %d", p.Status)
	}
	if p := wang.api(http.MethodGet, "/api/v1/cases/"+caseID, "", ""); p.Status != http.StatusNotFound {
		t.Fatalf("another citizen reads the case over the API: %d", p.Status)
	}
	var fileID string
	mine.Doc.Find(`a[href*="/files/"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		h, _ := s.Attr("href")
		fileID = h[strings.LastIndex(h, "/")+1:]
		return false
	})
	if fileID == "" {
		t.Fatal("no material link on the applicant's case page")
	}
	if p := wang.get(casePath + "/files/" + fileID); p.Status != http.StatusNotFound {
		t.Fatalf("another citizen downloads a material: %d", p.Status)
	}
	if p := wang.post(casePath+"/withdraw", url.Values{}); p.Status != http.StatusNotFound {
		t.Fatalf("another citizen withdraws the case: %d", p.Status)
	}

	// A case officer of another township reads nothing of 向山镇's case, and an
	// officer acts on no task that is not their org's.
	tree, err := ts.app.orgs.Tree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var other org.Org
	for _, o := range tree {
		if (o.Kind == org.KindTown || o.Kind == org.KindTownship || o.Kind == org.KindStreet) && o.Name != "向山镇" {
			other = o
			break
		}
	}
	admin := yiwang.Actor{AccountID: "system", Name: "测试", Kind: yiwang.KindStaff, Roles: []yiwang.Role{yiwang.RoleSysAdmin}}
	_, secret, err := ts.app.identity.CreateStaff(ctx, admin, identity.StaffInput{Username: "other-town", Name: "钱审批",
		OrgID: other.ID, Roles: []yiwang.Role{yiwang.RoleCaseOfficer}})
	if err != nil {
		t.Fatal(err)
	}
	cases, err := ts.app.db.CasesFor(ctx, townIDs(t, ts, "向山镇"), []string{casework.StateAccepted}, "", 10, 0)
	if err != nil || len(cases) == 0 {
		t.Fatalf("no accepted 向山镇 case: %v", err)
	}
	homestead, err := ts.app.db.Case(ctx, cases[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	otherTown := ts.client()
	ts.staffLogin(otherTown, "other-town", secret) // the initial password
	if p := otherTown.get("/cases/" + homestead.ID); p.Status != http.StatusNotFound {
		t.Fatalf("another township's officer reads the case: %d", p.Status)
	}
	ti := slices.IndexFunc(homestead.Tasks, func(tk casework.Task) bool { return tk.State == casework.TaskOpen })
	if ti < 0 {
		t.Fatal("the 向山镇 case has no open task")
	}
	urban := ts.client()
	ts.staffLogin(urban, "urban", demo.StaffPassword)
	events := ts.count("case_events")
	if p := urban.postFiles("/work/"+homestead.ID+"/tasks/"+homestead.Tasks[ti].ID, map[string]string{"opinion": "agree"}, nil); p.Status != http.StatusForbidden && p.Status != http.StatusNotFound {
		t.Fatalf("an officer does another org's task: %d", p.Status)
	}
	if p := urban.post("/work/"+homestead.ID+"/decide", url.Values{"decision": {"granted"}}); p.Status != http.StatusForbidden && p.Status != http.StatusNotFound {
		t.Fatalf("an officer decides another org's case: %d", p.Status)
	}
	if ts.count("case_events") != events {
		t.Fatal("a refused action left an event")
	}

	// Security headers on pages, the API and downloads.
	for _, path := range []string{"/", "/items", "/verify", "/api/v1/items", casePath} {
		c := ts.client()
		if path == casePath {
			c = zhang
		}
		h := c.get(path).Header
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: security headers %v", path, h)
		}
	}
}

// townIDs returns the IDs of a town and every org below it.
func townIDs(t *testing.T, ts *testServer, name string) []string {
	t.Helper()
	tree, err := ts.app.orgs.Tree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var top string
	for _, o := range tree {
		if o.Name == name {
			top = o.ID
		}
	}
	sub, err := ts.app.orgs.Subtree(context.Background(), top)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for id := range sub {
		out = append(out, id)
	}
	return out
}
