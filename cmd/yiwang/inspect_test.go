package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/inspect"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestInspectJourney, through the real server: the demo's exposure column
// is public (page and open data); the supervisor writes, publishes,
// corrects and withdraws an item, bad input and an officer refused; draws
// a spot check that a reload does not draw again and closes it with
// findings; files a simulated application that the org works unmarked,
// and records how it went.
func TestInspectJourney(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { inspectJourney(t, engine) })
	}
}

func inspectJourney(t *testing.T, engine string) {
	ts := startServer(t, engine)
	anon := ts.client()
	pub := anon.get("/exposure")
	if pub.Status != http.StatusOK || pub.Doc.Find("article.exposure-card").Length() != 2 ||
		!strings.Contains(pub.Doc.Find("main").Text(), "整改情况") {
		t.Fatalf("public column: %d %s", pub.Status, pub.Doc.Find("main").Text())
	}
	if _, ok := anon.get("/").Doc.Find(`nav a[href="/exposure"]`).Attr("href"); !ok {
		t.Fatal("no 曝光纠错 link in the portal's navigation")
	}
	var open struct {
		Items []struct {
			Title, Correction string
			OrgName           string `json:"org_name"`
		}
	}
	if p := anon.api(http.MethodGet, "/api/v1/exposure", "", ""); p.Status != http.StatusOK || json.Unmarshal([]byte(p.Body), &open) != nil ||
		len(open.Items) != 2 || open.Items[0].Correction == "" || open.Items[0].OrgName == "" {
		t.Fatalf("open data: %d %s", p.Status, p.Body)
	}

	officer, sup := ts.client(), ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	ts.staffLogin(sup, "supervisor", demo.StaffPassword)
	if p := officer.get("/work/exposure"); p.Status != http.StatusForbidden {
		t.Fatalf("officer on the exposure admin: %d", p.Status)
	}
	if p := officer.post("/work/spotchecks", url.Values{"n": {"3"}}); p.Status != http.StatusForbidden {
		t.Fatalf("officer draws: %d", p.Status)
	}
	if _, ok := sup.get("/staff").Doc.Find(`a[href="/work/spotchecks"]`).Attr("href"); !ok {
		t.Fatal("no spot check tile on the supervisor's desk")
	}
	amr, err := ts.app.db.AccountByUsername(t.Context(), "officer")
	if err != nil {
		t.Fatal(err)
	}
	var caseNo string
	ts.app.db.SQL().QueryRow(`SELECT no FROM cases WHERE org_id = $1 AND state = 'decided' ORDER BY no LIMIT 1`, amr.OrgID).Scan(&caseNo)

	// Exposure: refused, then written, published, corrected, withdrawn.
	before := ts.count("exposures")
	if p := sup.post("/work/exposure", url.Values{"title": {""}, "org": {"nope"}, "problem": {"申请人 13800138000 反映办理太慢，多次催办无果"}}); p.Status != http.StatusBadRequest ||
		p.Doc.Find(".error-summary li").Length() != 3 || p.Doc.Find("#e-problem").Length() != 1 {
		t.Fatalf("bad exposure: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if ts.count("exposures") != before {
		t.Fatal("a refused exposure was stored")
	}
	p := sup.post("/work/exposure", url.Values{"title": {"食品经营许可现场核查超时"}, "org": {amr.OrgID}, "case_no": {caseNo},
		"problem": {"抽查发现食品经营许可现场核查超过内部环节时限3个工作日，未告知申请人原因。"}})
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/work/exposure/") {
		t.Fatalf("create: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	item := p.Location
	id := strings.TrimPrefix(item, "/work/exposure/")
	op := "/exposure-actions/" + id
	if p := anon.get("/exposure/" + id); p.Status != http.StatusNotFound {
		t.Fatalf("a draft is public: %d", p.Status)
	}
	if p := sup.post(op+"/publish", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	shown := anon.get("/exposure/" + id)
	if shown.Status != http.StatusOK || !strings.Contains(shown.Body, "食品经营许可现场核查超时") || strings.Contains(shown.Body, caseNo) ||
		!strings.Contains(shown.Body, inspect.MaskCaseNo(caseNo)) || !strings.Contains(shown.Body, "正在整改") {
		t.Fatalf("published page (case no must be masked): %d %s", shown.Status, shown.Doc.Find("main").Text())
	}
	if p := sup.post(op+"/correct", url.Values{"correction": {"短"}}); p.Status != http.StatusBadRequest || p.Doc.Find("#e-correction").Length() != 1 {
		t.Fatalf("short correction: %d", p.Status)
	}
	if p := sup.post(op+"/correct", url.Values{"correction": {"已调整现场核查排班，核查在受理后3个工作日内完成，并向申请人说明延误原因。"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("correct: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := anon.get("/exposure/" + id); !strings.Contains(p.Body, "已调整现场核查排班") {
		t.Fatal("the correction is not public")
	}
	if p := sup.post(op+"/withdraw", url.Values{"reason": {""}}); p.Status != http.StatusBadRequest {
		t.Fatalf("withdraw without reason: %d", p.Status)
	}
	if p := sup.post(op+"/withdraw", url.Values{"reason": {"被曝光单位提出异议，复核中"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := anon.get("/exposure/" + id); p.Status != http.StatusNotFound {
		t.Fatalf("a withdrawn item is public: %d", p.Status)
	}
	if p := sup.get(item); !strings.Contains(p.Body, "被曝光单位提出异议") || p.Doc.Find("#x-state").Text() != "已撤下" {
		t.Fatalf("the withdrawn item and its reason are kept: %s", p.Doc.Find("main").Text())
	}

	// Spot check: the demo's one is closed; a new draw is stored.
	list := sup.get("/work/spotchecks")
	if !strings.Contains(list.Doc.Find("#checks").Text(), "已完成") {
		t.Fatalf("no closed demo spot check: %s", list.Doc.Find("#checks").Text())
	}
	today := time.Now().In(yiwang.Shanghai).Format("2006-01-02")
	draw := url.Values{"org": {amr.OrgID}, "from": {"2020-01-01"}, "to": {today}, "n": {"51"}}
	checks := ts.count("spot_checks")
	if p := sup.post("/work/spotchecks", draw); p.Status != http.StatusBadRequest || p.Doc.Find("#e-n").Length() != 1 {
		t.Fatalf("N=51: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	draw.Set("n", "2")
	draw.Set("to", "2019-01-01")
	if p := sup.post("/work/spotchecks", draw); p.Status != http.StatusBadRequest || p.Doc.Find("#e-to").Length() != 1 {
		t.Fatalf("period backwards: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if ts.count("spot_checks") != checks {
		t.Fatal("refused draws were stored")
	}
	draw.Set("to", today)
	p = sup.post("/work/spotchecks", draw)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("draw: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	check := p.Location
	drawn := func() []string {
		var out []string
		sup.get(check).Doc.Find("#items td[data-label=办件编号]").Each(func(_ int, s *goquery.Selection) {
			out = append(out, strings.TrimSpace(s.Text()))
		})
		return out
	}
	first := drawn()
	if len(first) != 2 || strings.Join(drawn(), ",") != strings.Join(first, ",") {
		t.Fatalf("drawn %v, then %v on reload", first, drawn())
	}
	casePage := sup.get(check + "/cases/1")
	if casePage.Status != http.StatusOK || casePage.Doc.Find(".timeline li").Length() == 0 || !strings.Contains(casePage.Body, first[0]) {
		t.Fatalf("the supervisor's view of a drawn case: %d %s", casePage.Status, casePage.Doc.Find("main").Text())
	}
	if p := sup.post(check+"/cases/1", url.Values{"result": {"fail"}}); p.Status != http.StatusBadRequest || p.Doc.Find("#e-note").Length() != 1 {
		t.Fatalf("fail without a note: %d", p.Status)
	}
	if p := sup.post(check+"/cases/1", url.Values{"result": {"fail"}, "note": {"一次性告知书未列明全部补正材料"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("finding 1: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := sup.post(check+"/cases/1", url.Values{"result": {"pass"}}); p.Status != http.StatusConflict {
		t.Fatalf("second finding on a case: %d", p.Status)
	}
	if p := sup.post(check+"/cases/2", url.Values{"result": {"pass"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("finding 2: %d", p.Status)
	}
	closed := sup.get(check)
	if !strings.Contains(closed.Doc.Find("#check-state").Text(), "已完成") || closed.Doc.Find("#items .status.bad").Length() != 1 {
		t.Fatalf("closed check: %s", closed.Doc.Find("main").Text())
	}
	// A failed case can go on the exposure column: the form starts filled.
	expose, _ := closed.Doc.Find(`#items a[href^="/work/exposure?"]`).Attr("href")
	if v, _ := sup.get(expose).Doc.Find("#f-case_no").Attr("value"); v != first[0] {
		t.Fatalf("exposure from a finding (%q): case number %q, want %s", expose, v, first[0])
	}

	// Simulated application.
	business := publishedByName(t, ts, "个体工商户设立登记")
	if p := sup.get("/work/simulate?q=" + url.QueryEscape("个体工商户")); p.Doc.Find(`#found a[href="/work/simulate?code=`+business.Code+`"]`).Length() != 1 {
		t.Fatalf("item search: %s", p.Doc.Find("main").Text())
	}
	form := sup.get("/work/simulate?code=" + business.Code)
	files := map[string][]byte{}
	form.Doc.Find(`#simulate-form input[type=file]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		files[name] = testPDF
	})
	fields := map[string]string{"sim.name": "测试员乙", "sim.idcard": "11010519491231002X", "sim.mobile": "13900139000",
		"f.shop": "雨山区佳山便利店", "f.premises": "雨山区佳山路9号", "f.scope": "日用百货零售", "f.capital": "5", "f.form": "个人经营"}
	cases := ts.count("cases")
	bad := map[string]string{}
	for k, v := range fields {
		bad[k] = v
	}
	bad["sim.idcard"] = "110105194912310021"
	if p := sup.postFiles("/work/simulate/"+business.Code, bad, files); p.Status != http.StatusBadRequest || p.Doc.Find("#e-sim\\.idcard").Length() != 1 {
		t.Fatalf("bad test identity: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := officer.postFiles("/work/simulate/"+business.Code, fields, files); p.Status != http.StatusForbidden {
		t.Fatalf("officer simulates: %d", p.Status)
	}
	if ts.count("cases") != cases {
		t.Fatal("refused simulated applications made cases")
	}
	p = sup.postFiles("/work/simulate/"+business.Code, fields, files)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/work/spotchecks/") {
		t.Fatalf("simulate: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	simCheck := p.Location
	var simID string
	var simulated bool
	ts.app.db.SQL().QueryRow(`SELECT id, simulated FROM cases WHERE applicant = $1`, "测试员乙").Scan(&simID, &simulated)
	if simID == "" || !simulated {
		t.Fatalf("simulated case %q stored with simulated=%v", simID, simulated)
	}
	// The form asks for no 居民身份证: shared from the national library, as on
	// every real application; an uploaded one would set the test apart.
	if form.Doc.Find(`#simulate-form .status-shared:contains("无需上传")`).Length() == 0 {
		t.Fatalf("the simulate form asks for what nobody uploads: %s", form.Doc.Find("#simulate-form").Text())
	}
	if sc, err := ts.app.db.Case(t.Context(), simID); err != nil || !slices.ContainsFunc(sc.Materials, func(m casework.Material) bool {
		return m.Name == "居民身份证" && m.FileID == "" && m.Note != ""
	}) {
		t.Fatalf("the simulated case's 居民身份证 is not shared as on any case: %v %+v", err, sc.Materials)
	}
	// The org sees an ordinary application; the supervisor sees the mark.
	inbox := officer.get("/work")
	if !strings.Contains(inbox.Body, "/cases/"+simID) {
		t.Fatal("the simulated case is not in the org's inbox")
	}
	if p := officer.get("/cases/" + simID); p.Status != http.StatusOK || strings.Contains(p.Body, "模拟") || strings.Contains(p.Body, "周督查") {
		t.Fatalf("the org's case page gives the simulation away: %d", p.Status)
	}
	if p := sup.get("/cases/" + simID); p.Doc.Find("#simulated-note").Length() != 1 {
		t.Fatalf("the supervisor's case page does not mark it: %d", p.Status)
	}
	if p := sup.get(simCheck); !strings.Contains(p.Doc.Find("h1").Text(), "模拟办事") || !strings.Contains(p.Doc.Find("#sim-state").Text(), "待预审") {
		t.Fatalf("simulated check page: %s", p.Doc.Find("main").Text())
	}
	if p := sup.post(simCheck+"/cases/1", url.Values{"result": {"pass"}, "note": {"网上申报顺畅，当日收到预审短信"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("simulated finding: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}

	// UI.md's automated checks on every page of the feature.
	var pubID string
	ts.app.db.SQL().QueryRow(`SELECT id FROM exposures WHERE state = 'published' ORDER BY id LIMIT 1`).Scan(&pubID)
	for _, path := range []string{"/exposure", "/exposure/" + pubID} {
		checkPage(t, path, anon.get(path))
	}
	for _, path := range []string{"/work/exposure", "/work/exposure/" + pubID, item, "/work/spotchecks", check, check + "/cases/1",
		simCheck, simCheck + "/cases/1", "/work/simulate", "/work/simulate?q=" + url.QueryEscape("个体工商户"),
		"/work/simulate?code=" + business.Code} {
		checkPage(t, path, sup.get(path))
	}
}
