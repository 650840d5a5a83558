package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

func publishedByName(t *testing.T, ts *testServer, name string) catalog.Entry {
	t.Helper()
	list, err := ts.app.db.ListEntries(context.Background(), catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		if e.Base.Name == name && e.Level == 4 {
			return e
		}
	}
	t.Fatalf("no published %s", name)
	return catalog.Entry{}
}

func TestCatalogPortal(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	c := ts.client()

	// Two-character searches match; the guide and its print view agree.
	p := c.get("/items?q=" + url.QueryEscape("低保"))
	first := p.Doc.Find(".item h3 a").First()
	href, _ := first.Attr("href")
	if p.Status != 200 || !strings.Contains(first.Text(), "最低生活保障") {
		t.Fatalf("search 低保: %d first %q", p.Status, first.Text())
	}
	g := c.get(href)
	rows := g.Doc.Find("#materials tbody tr").Length()
	if g.Status != 200 || rows == 0 || g.Doc.Find("#basis li").Length() == 0 || g.Doc.Find("#conditions li").Length() == 0 {
		t.Fatalf("guide %s: %d, %d materials", href, g.Status, rows)
	}
	pr := c.get(href + "/print")
	if pr.Status != 200 || pr.Doc.Find("#materials tbody tr").Length() != rows ||
		pr.Doc.Find("#basis").Text() != g.Doc.Find("#basis").Text() {
		t.Fatal("print view differs from the guide")
	}
	// Facets narrow the results.
	p = c.get("/items?q=" + url.QueryEscape("低保") + "&level=5")
	p.Doc.Find(".item .muted").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "民政局") {
			t.Fatalf("level filter let a district item through: %s", s.Text())
		}
	})
	// Search input is text: SQL and LIKE wildcards find nothing and break nothing.
	for _, q := range []string{"%", "_", "' OR 1=1 --", "低保%"} {
		p := c.get("/items?q=" + url.QueryEscape(q))
		if p.Status != 200 || p.Doc.Find(".item h3").Length() != 0 {
			t.Fatalf("query %q: %d, %d results", q, p.Status, p.Doc.Find(".item h3").Length())
		}
	}
	// API and open data.
	var res struct {
		Total int
		Items []struct{ Code, Name string }
	}
	if err := json.Unmarshal([]byte(c.api(http.MethodGet, "/api/v1/items?q="+url.QueryEscape("社保"), "", "").Body), &res); err != nil || res.Total == 0 {
		t.Fatalf("api search 社保: %v %d", err, res.Total)
	}
	// The facets, as a program reads them: value, name and count, named.
	var fc struct {
		Facets map[string][]map[string]any
	}
	if err := json.Unmarshal([]byte(c.api(http.MethodGet, "/api/v1/items?q="+url.QueryEscape("社保"), "", "").Body), &fc); err != nil {
		t.Fatal(err)
	}
	if lv := fc.Facets["level"]; len(lv) == 0 || lv[0]["value"] == nil || lv[0]["name"] == "" || lv[0]["name"] == nil || lv[0]["count"] == nil {
		t.Fatalf("level facets: %v", fc.Facets["level"])
	}
	for kind, fs := range fc.Facets {
		for _, f := range fs {
			if len(f) != 3 {
				t.Fatalf("%s facet %v: want exactly value, name and count", kind, f)
			}
		}
	}
	if p := c.api(http.MethodGet, "/api/v1/items/"+res.Items[0].Code, "", ""); p.Status != 200 || !strings.Contains(p.Body, `"materials"`) {
		t.Fatalf("api item: %d", p.Status)
	}
	// The API names a malformed filter (the page ignores it); good ones pass.
	for query, field := range map[string]string{"level=abc": "level", "level=3": "level", "depth=9": "depth",
		"type=x": "type", "theme=nope": "theme", "object=robot": "object", "page=0": "page", "size=1000": "size", "size=x": "size", "org=no-such-org": "org"} {
		p := c.api(http.MethodGet, "/api/v1/items?q="+url.QueryEscape("社保")+"&"+query, "", "")
		var e struct {
			Error struct {
				Code   string
				Fields map[string]string
			}
		}
		if json.Unmarshal([]byte(p.Body), &e); p.Status != 400 || e.Error.Code != "EINVALID" || e.Error.Fields[field] == "" {
			t.Fatalf("api search with %s: %d %s", query, p.Status, p.Body)
		}
		if p := c.get("/items?q=" + url.QueryEscape("社保") + "&" + query); p.Status != 200 {
			t.Fatalf("search page with %s: %d", query, p.Status)
		}
	}
	if p := c.api(http.MethodGet, "/api/v1/items?q="+url.QueryEscape("社保")+"&level=4&depth=1&object=person&page=1&size=5", "", ""); p.Status != 200 {
		t.Fatalf("api search with good filters: %d %s", p.Status, p.Body)
	}
	if p := c.api(http.MethodGet, "/api/v1/catalog/stats?level=9", "", ""); p.Status != 400 {
		t.Fatalf("stats of level 9: %d", p.Status)
	}
	if p := c.api(http.MethodGet, "/api/v1/catalog/stats?org=no-such-org", "", ""); p.Status != 400 || !strings.Contains(p.Body, `"org"`) {
		t.Fatalf("stats of an unknown org: %d %s", p.Status, p.Body)
	}
	// A real org filters: the search finds some of the entries, not all.
	total := func(query string) int {
		t.Helper()
		var r struct{ Total int }
		p := c.api(http.MethodGet, "/api/v1/items?size=1"+query, "", "")
		if err := json.Unmarshal([]byte(p.Body), &r); err != nil || p.Status != 200 {
			t.Fatalf("api search %q: %d %v %s", query, p.Status, err, p.Body)
		}
		return r.Total
	}
	orgID := publishedByName(t, ts, "食品经营许可").OrgID
	if all, one := total(""), total("&org="+orgID); one == 0 || one >= all {
		t.Fatalf("search of one org found %d of %d entries", one, all)
	}
	if p := c.api(http.MethodGet, "/api/v1/catalog/stats?org="+orgID, "", ""); p.Status != 200 {
		t.Fatalf("stats of an org: %d %s", p.Status, p.Body)
	}
	var st catalog.Stats
	if err := json.Unmarshal([]byte(c.get("/api/v1/catalog/stats").Body), &st); err != nil || st.Items < 80 || st.OnlineRate <= 0 {
		t.Fatalf("stats: %+v %v", st, err)
	}
	if p := c.get("/opendata/catalog.csv"); p.Status != 200 || strings.Count(p.Body, "\n") < st.Items {
		t.Fatalf("csv: %d", p.Status)
	}
	if p := c.get("/opendata/catalog.json"); p.Status != 200 || !strings.Contains(p.Body, "最低生活保障") {
		t.Fatalf("json: %d", p.Status)
	}
}

func TestCatalogRevision(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	food := publishedByName(t, ts, "食品经营许可")
	m := ts.client()
	ts.staffLogin(m, "catalog", demo.StaffPassword)
	p := m.post("/admin/catalog/"+food.ID+"/new-version", nil)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("new version: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	draftID := strings.TrimPrefix(p.Location, "/admin/catalog/")
	edit := m.get("/admin/catalog/" + draftID + "/edit")
	form := url.Values{}
	edit.Doc.Find("form.entry-form input, form.entry-form textarea, form.entry-form select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ, _ := s.Attr("type")
		switch {
		case name == "":
		case typ == "checkbox":
			if _, on := s.Attr("checked"); on {
				v, _ := s.Attr("value")
				form.Add(name, v)
			}
		case goquery.NodeName(s) == "select":
			v, _ := s.Find("option[selected]").Attr("value")
			if v == "" {
				v, _ = s.Find("option").First().Attr("value")
			}
			form.Set(name, v)
		case goquery.NodeName(s) == "textarea":
			form.Set(name, s.Text())
		default:
			v, _ := s.Attr("value")
			form.Set(name, v)
		}
	})
	form.Set("promise_days", "3")
	// A vague material is refused with a message, and nothing changes.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("m0.name", "其他材料")
	if p := m.post("/admin/catalog/"+draftID+"/edit", bad); p.Status != http.StatusBadRequest || !strings.Contains(p.Doc.Find(".error-summary").Text(), "其他材料") {
		t.Fatalf("vague material: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := m.post("/admin/catalog/"+draftID+"/edit", form); p.Status != http.StatusSeeOther {
		t.Fatalf("save draft: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	// Blank form upload: a PDF is kept; a text file posing as one is refused.
	upload := func(name string, data []byte) page {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("m", "0")
		mw.WriteField("kind", "blank")
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/admin/catalog/"+draftID+"/files", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", ts.URL)
		return m.do(req)
	}
	if p := upload("申请书.pdf", []byte("not a pdf at all")); p.Status != http.StatusBadRequest || !strings.Contains(p.Doc.Find(".error-summary").Text(), "PDF") {
		t.Fatalf("fake pdf: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	blank := []byte("%PDF-1.4\n% 食品经营许可申请书（空白）\n%%EOF\n")
	if p := upload("食品经营许可申请书.pdf", blank); p.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := m.post("/admin/catalog/"+draftID+"/submit", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", p.Status)
	}
	// The portal still shows version 1 until the head approves.
	anon := ts.client()
	etag := openDataShows(t, anon, food.Code, 1, food.PromiseDays)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/opendata/catalog.json", nil)
	req.Header.Set("If-None-Match", etag)
	if p := anon.do(req); p.Status != http.StatusNotModified || p.Body != "" {
		t.Fatalf("open data again with its tag: %d, %d bytes", p.Status, len(p.Body))
	}
	if p := anon.get("/items/" + food.Code); !strings.Contains(p.Doc.Find(".summary-box").Text(), "承诺 "+itoa(food.PromiseDays)+" 个工作日") {
		t.Fatalf("before approval: %s", p.Doc.Find(".summary-box dd").First().Text())
	}
	h := ts.client()
	ts.staffLogin(h, "head", demo.StaffPassword)
	if p := h.post("/admin/catalog/"+draftID+"/approve", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := anon.get("/items/" + food.Code); !strings.Contains(p.Doc.Find(".summary-box").Text(), "承诺 3 个工作日") || !strings.Contains(p.Body, "第 2 版") {
		t.Fatalf("after approval: %s", p.Doc.Find(".summary-box dd").First().Text())
	}
	// The open data follows at once, under a new tag.
	if now := openDataShows(t, anon, food.Code, 2, 3); now == etag {
		t.Fatalf("the open data kept its tag %s across a publication", etag)
	}
	if p := anon.do(req); p.Status != http.StatusOK {
		t.Fatalf("open data with the old tag: %d", p.Status)
	}
	// The guide offers the blank form; it downloads as uploaded.
	link, ok := anon.get("/items/" + food.Code).Doc.Find(`#materials a:contains("下载空白表格")`).Attr("href")
	if !ok {
		t.Fatal("no blank form link on the guide")
	}
	if p := anon.get(link); p.Status != 200 || p.Body != string(blank) || p.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(p.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %q %s", p.Status, p.Header.Get("Content-Type"), p.Header.Get("Content-Disposition"))
	}
	// A case filed under version 1 still reads version 1.
	old := anon.get("/items/" + food.Code + "?v=1")
	if old.Status != 200 || !strings.Contains(old.Doc.Find(".summary-box").Text(), "承诺 "+itoa(food.PromiseDays)+" 个工作日") ||
		!strings.Contains(old.Body, "已被新版本替代") {
		t.Fatalf("old version: %d", old.Status)
	}
	// Excel: export works; a file that is no spreadsheet is refused with a reason.
	if p := m.get("/admin/catalog/export"); p.Status != 200 || !strings.HasPrefix(p.Body, "PK") {
		t.Fatalf("export: %d", p.Status)
	}
	before := ts.count("catalog_entries")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "items.xlsx")
	io.WriteString(fw, "这不是表格")
	mw.Close()
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/admin/catalog/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", ts.URL)
	p = m.do(req)
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Doc.Find(".problems").Text(), "不是有效的 Excel") {
		t.Fatalf("import garbage: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if ts.count("catalog_entries") != before {
		t.Fatal("a refused import wrote entries")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestPublicInformation(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	anon := ts.client()
	if p := anon.get("/info?kind=policy"); !strings.Contains(p.Doc.Find(".news").Text(), "互联网+政务服务") {
		t.Fatal("the plan is not published")
	}
	m := ts.client()
	ts.staffLogin(m, "catalog", demo.StaffPassword)
	before := ts.count("articles")
	if p := m.post("/admin/info/new", url.Values{"kind": {"announcement"}, "title": {"x"}, "body": {""}, "op": {"publish"}}); p.Status != http.StatusBadRequest ||
		p.Doc.Find(".error-summary li").Length() != 2 {
		t.Fatalf("bad article: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if ts.count("articles") != before {
		t.Fatal("a refused article was stored")
	}
	p := m.post("/admin/info/new", url.Values{"kind": {"announcement"}, "title": {"元旦假期办事大厅开放时间"}, "body": {"1月1日休息，1月2日起正常办公。"}, "op": {"publish"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	home := anon.get("/")
	link := home.Doc.Find(".news a:contains('元旦假期')")
	href, _ := link.Attr("href")
	if link.Length() != 1 {
		t.Fatal("the announcement is not on the home page")
	}
	if p := anon.get(href); !strings.Contains(p.Body, "1月2日起正常办公") {
		t.Fatal("the announcement page")
	}
	if p := m.post("/admin/info"+strings.TrimPrefix(href, "/info")+"/withdraw", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", p.Status)
	}
	if p := anon.get(href); p.Status != http.StatusNotFound {
		t.Fatalf("withdrawn article still public: %d", p.Status)
	}
	// A citizen cannot publish.
	c := ts.client()
	c.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	if p := c.post("/admin/info/new", url.Values{"kind": {"announcement"}, "title": {"假公告"}, "body": {"内容"}, "op": {"publish"}}); p.Status != http.StatusForbidden {
		t.Fatalf("citizen published: %d", p.Status)
	}
}

// openDataShows checks that the open data lists the entry code at version
// with promise days, in JSON and CSV, and returns the JSON's entity tag.
func openDataShows(t *testing.T, c *client, code string, version, promise int) string {
	t.Helper()
	p := c.get("/opendata/catalog.json")
	var doc struct {
		Count int
		Items []struct {
			Code        string
			Version     int
			PromiseDays int `json:"promise_days"`
		}
	}
	if err := json.Unmarshal([]byte(p.Body), &doc); err != nil || p.Status != 200 || doc.Count != len(doc.Items) {
		t.Fatalf("open data: %d %v", p.Status, err)
	}
	i := slices.IndexFunc(doc.Items, func(it struct {
		Code        string
		Version     int
		PromiseDays int `json:"promise_days"`
	}) bool {
		return it.Code == code
	})
	if i < 0 || doc.Items[i].Version != version || doc.Items[i].PromiseDays != promise {
		t.Fatalf("open data lists %s as %+v, want version %d promising %d days", code, doc.Items[i:min(i+1, len(doc.Items))], version, promise)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.get("/opendata/catalog.csv").Body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	j := slices.IndexFunc(rows, func(r []string) bool { return r[0] == code })
	if j < 0 || rows[j][8] != strconv.Itoa(promise) {
		t.Fatalf("open data CSV lists %s as %v, want %d days", code, rows[j:min(j+1, len(rows))], promise)
	}
	etag := p.Header.Get("ETag")
	if etag == "" || p.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("open data headers: %v", p.Header)
	}
	return etag
}
