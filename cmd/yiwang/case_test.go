package main

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

var testPDF = []byte("%PDF-1.4\n% 测试材料\n%%EOF\n")

// foodForm answers 食品经营许可's application form.
func foodForm(extra map[string]string) map[string]string {
	f := map[string]string{"f.operator": "雨山区张三小吃店", "f.premises": "雨山区湖东路1号", "f.format": "餐饮服务经营者",
		"f.items": "热食类食品制售", "f.online": "否"}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// postFiles submits a multipart form as a browser would.
func (c *client) postFiles(path string, fields map[string]string, files map[string][]byte) page {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for k, b := range files {
		fw, _ := mw.CreateFormFile(k, k+".pdf")
		fw.Write(b)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.base)
	return c.do(req)
}

func TestCaseJourney(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	food := publishedByName(t, ts, "食品经营许可")
	citizen := ts.client()
	citizen.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})

	// The guide offers online application; the form asks only for what the applicant must provide.
	if _, ok := ts.client().get("/items/" + food.Code).Doc.Find(`a[href="/apply/` + food.Code + `"]`).Attr("href"); !ok {
		t.Fatal("no 在线办理 button")
	}
	form := citizen.get("/apply/" + food.Code)
	files := map[string][]byte{}
	form.Doc.Find(`input[type=file]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		files[name] = testPDF
	})
	if len(files) == 0 {
		t.Fatalf("upload fields: %d of %d materials", len(files), len(food.Guide.Materials))
	}
	// A text file posing as a PDF is refused, and no case is made.
	bad := map[string][]byte{}
	for k := range files {
		bad[k] = []byte("plain text")
	}
	before := ts.count("cases")
	if p := citizen.postFiles("/apply/"+food.Code, nil, bad); p.Status != http.StatusBadRequest || !strings.Contains(p.Doc.Find(".error-summary").Text(), "PDF") {
		t.Fatalf("fake pdf: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if ts.count("cases") != before {
		t.Fatal("a refused application made a case")
	}
	p := citizen.postFiles("/apply/"+food.Code, foodForm(map[string]string{"note": "首次申请"}), files)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	casePath := p.Location
	page := citizen.get(casePath)
	no := strings.TrimSpace(page.Doc.Find("#case-no").Text())
	if len(no) != 43 || !strings.Contains(page.Body, "已申报") {
		t.Fatalf("case page: %q", no)
	}

	checkPage(t, "/apply", form)
	checkPage(t, "/cases", citizen.get("/cases"))
	checkPage(t, "case page", page)
	checkPage(t, "/track", ts.client().get("/track"))
	// The officer sees it, sends one correction notice citing the guide.
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	checkPage(t, "/work", officer.get("/work"))
	wc := officer.get(casePath)
	checkPage(t, "work case", wc)
	if !strings.Contains(wc.Doc.Find(".facts").Text(), "雨山区张三小吃店") {
		t.Fatal("the officer does not see the form answers")
	}
	inbox := officer.get("/work")
	if inbox.Doc.Find(`a:contains("`+no+`")`).Length() != 1 {
		t.Fatal("case not in the officer's inbox")
	}
	id := strings.TrimPrefix(casePath, "/cases/")
	if p := officer.post("/work/"+id+"/correct", url.Values{}); p.Status != http.StatusBadRequest {
		t.Fatalf("empty correction: %d", p.Status)
	}
	if p := officer.post("/work/"+id+"/correct", url.Values{"item": {"m:0"}, "reason-m:0": {"申请书未签字"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("correction: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	page = citizen.get(casePath)
	checkPage(t, "case with a correction notice", page)
	notice := citizen.get(casePath + "/notice")
	checkPage(t, "一次性告知书", notice)
	if !strings.Contains(notice.Doc.Find("h1").Text(), "一次性告知书") || !strings.Contains(notice.Body, "申请书未签字") ||
		!strings.Contains(notice.Doc.Find(".notice-head").Text(), no) {
		t.Fatal("correction notice")
	}
	src, _ := notice.Doc.Find(".qr img").Attr("src")
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() < 100 {
		t.Fatalf("QR code image: %v", err)
	}
	if !strings.Contains(page.Doc.Find(".notice-box").Text(), "申请书未签字") {
		t.Fatal("the applicant does not see the notice")
	}
	if p := citizen.postFiles(casePath+"/resubmit", nil, map[string][]byte{"m0": testPDF}); p.Status != http.StatusSeeOther {
		t.Fatalf("resubmit: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := officer.post("/work/"+id+"/accept", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", p.Status, p.Body)
	}
	// A special procedure pauses the clock and moves the deadline.
	if p := officer.post("/work/"+id+"/special-start", url.Values{"kind": {"2"}, "reason": {"需现场核查经营场所"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("special start: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	checkPage(t, "case in a special procedure", officer.get(casePath))
	if p := officer.post("/work/"+id+"/special-end", url.Values{"result": {"核查合格"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("special end: %d", p.Status)
	}
	if acc := citizen.get(casePath + "/notice"); !strings.Contains(acc.Doc.Find("h1").Text(), "受理通知书") ||
		!strings.Contains(acc.Doc.Find(".body").Text(), "前（") {
		t.Fatal("acceptance notice")
	}
	// The decision waits for the review (审查) task of the department.
	if p := officer.post("/work/"+id+"/decide", url.Values{"decision": {"granted"}, "note": {"符合条件"}}); p.Status != http.StatusConflict {
		t.Fatalf("decided before the review: %d", p.Status)
	}
	task := func(what string) string {
		t.Helper()
		action, ok := officer.get(casePath).Doc.Find(".task-form").Attr("action")
		if !ok {
			t.Fatalf("no %s task form", what)
		}
		return action
	}
	if p := officer.postFiles(task("review"), map[string]string{"opinion": "disagree"}, nil); p.Status != http.StatusBadRequest {
		t.Fatalf("disagreeing without reasons: %d", p.Status)
	}
	if p := officer.postFiles(task("review"), map[string]string{"opinion": "agree", "note": "材料齐全"}, nil); p.Status != http.StatusSeeOther {
		t.Fatalf("review: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	// The decision comes with its document; the grant issues the e-license
	// (制证 by the platform) and signs the decision document.
	if p := officer.postFiles("/work/"+id+"/decide", map[string]string{"decision": "granted", "note": "符合条件"},
		map[string][]byte{"m0": testPDF}); p.Status != http.StatusSeeOther {
		t.Fatalf("decide: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	mine := citizen.get(casePath)
	if mine.Doc.Find("a[href*='/files/']").Length() < 1 || !strings.Contains(mine.Body, "办理结果文书") ||
		mine.Doc.Find("a[href^='/licenses/']").Length() != 2 || !strings.Contains(mine.Body, "食品经营许可证") {
		t.Fatal("the applicant does not see the result documents and the e-license")
	}
	// The result is mailed: the form asks again for what is missing, then archives the case.
	checkPage(t, "case waiting for delivery", officer.get(casePath))
	if p := officer.post("/work/"+id+"/deliver", url.Values{"method": {"mail"}, "carrier": {"EMS"}}); p.Status != http.StatusBadRequest ||
		p.Doc.Find(".field-error").Length() != 2 {
		t.Fatalf("mail without address and number: %d, %d errors", p.Status, p.Doc.Find(".field-error").Length())
	}
	if p := officer.post("/work/"+id+"/deliver", url.Values{"method": {"mail"}, "address": {"雨山区湖东南路1号"},
		"carrier": {"中国邮政EMS"}, "tracking": {"EA123456789CN"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("deliver: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if mine := citizen.get(casePath); !strings.Contains(mine.Body, "已送达") || !strings.Contains(mine.Body, "EA123456789CN") {
		t.Fatal("the applicant does not see the delivery")
	}
	// Anyone with the number and the name follows it; a wrong name learns nothing.
	anon := ts.client()
	if p := anon.get("/track?no=" + no + "&who=" + url.QueryEscape("李四")); p.Status != http.StatusNotFound || strings.Contains(p.Body, "食品经营许可") {
		t.Fatalf("track with a wrong name: %d", p.Status)
	}
	if p := anon.get("/track?no=" + no); p.Status != 200 || p.Doc.Find(".error-summary").Length() != 0 {
		t.Fatalf("tracker from a QR code: %d", p.Status)
	}
	tr := anon.get("/track?no=" + no + "&who=" + url.QueryEscape("张三"))
	// Nine events: the review task shows as a step, the officers' remarks do
	// not; 制证 was the platform's, inside the decision.
	if tr.Status != 200 || tr.Doc.Find(".timeline li").Length() != 9 || !strings.Contains(tr.Body, "已送达") ||
		strings.Contains(tr.Body, "湖东南路") || !strings.Contains(tr.Body, "“审查及现场核查”环节") {
		t.Fatalf("track: %d, %d events", tr.Status, tr.Doc.Find(".timeline li").Length())
	}
	if byPhone := anon.get("/track?no=" + no + "&who=" + demo.People[0].Mobile); strings.Contains(byPhone.Doc.Find("main").Text(), "张三") {
		t.Fatal("the tracker reveals the applicant's full name to someone who knows the phone number")
	}
	// Materials are private: only the applicant and the handlers download them.
	link, _ := citizen.get(casePath).Doc.Find(`a[href*="/files/"]`).First().Attr("href")
	if p := citizen.get(link); p.Status != 200 || p.Body != string(testPDF) {
		t.Fatalf("applicant download: %d", p.Status)
	}
	if p := anon.get(link); p.Status == 200 {
		t.Fatal("an anonymous visitor downloaded a material")
	}
	other := ts.client()
	other.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[1].Mobile}, "password": {demo.CitizenPassword}})
	if p := other.get(casePath); p.Status != http.StatusNotFound {
		t.Fatalf("another citizen read the case: %d", p.Status)
	}
	fileID := link[strings.LastIndex(link, "/")+1:]
	if p := anon.get("/files/" + fileID); p.Status != http.StatusNotFound {
		t.Fatalf("a private material is a public download: %d", p.Status)
	}
}

// TestWindowFiling: a window clerk takes any item for a registered citizen;
// the case goes to the implementing department, and the citizen sees it.
func TestWindowFiling(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	food := publishedByName(t, ts, "食品经营许可")
	clerk := ts.client()
	ts.staffLogin(clerk, "clerk", demo.StaffPassword)
	search := clerk.get("/window/file?q=" + url.QueryEscape("食品经营"))
	checkPage(t, "/window/file search", search)
	if search.Doc.Find(`a[href="/window/file?code=`+food.Code+`"]`).Length() != 1 {
		t.Fatal("item not offered")
	}
	form := clerk.get("/window/file?code=" + food.Code + "&who=" + demo.People[0].Mobile)
	checkPage(t, "/window/file form", form)
	acct, ok := form.Doc.Find(`input[name="account_id"]`).Attr("value")
	if !ok {
		t.Fatal("the citizen was not found")
	}
	files := map[string][]byte{}
	form.Doc.Find(`input[type=file]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		files[name] = testPDF
	})
	p := clerk.postFiles("/window/file?code="+food.Code, foodForm(map[string]string{"account_id": acct}), files)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("file: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	page := clerk.get(p.Location)
	if page.Status != 200 || !strings.Contains(page.Body, "窗口受理") {
		t.Fatalf("the clerk's view of the case: %d", page.Status)
	}
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	if officer.get("/work").Doc.Find(`a[href="`+p.Location+`"]`).Length() != 1 {
		t.Fatal("the department does not see the window case")
	}
	citizen := ts.client()
	citizen.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	if citizen.get("/cases").Doc.Find(`a[href="`+p.Location+`"]`).Length() != 1 {
		t.Fatal("the citizen does not see the case filed for them")
	}
	// An unregistered walk-in: the clerk types the details; a bad ID number is refused.
	bad := clerk.postFiles("/window/file?code="+food.Code, foodForm(map[string]string{"name": "赵六", "idcard": "123", "mobile": "13900000066"}), files)
	if bad.Status != http.StatusBadRequest || bad.Doc.Find("#e-idcard").Text() == "" {
		t.Fatalf("bad walk-in: %d", bad.Status)
	}
}

// TestApplicationDraft: materials uploaded so far are kept in a draft, by
// the "保存草稿" button or the autosave request, and count at submission.
func TestApplicationDraft(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	food := publishedByName(t, ts, "食品经营许可")
	citizen := ts.client()
	citizen.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	var names []string
	citizen.get("/apply/" + food.Code).Doc.Find(`input[type=file]`).Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		names = append(names, n)
	})
	if len(names) < 2 {
		t.Fatalf("%d upload fields", len(names))
	}
	p := citizen.postFiles("/apply/"+food.Code, map[string]string{"op": "save", "note": "先传一份"}, map[string][]byte{names[0]: testPDF})
	if p.Status != 200 || !strings.Contains(p.Doc.Find("#saved").Text(), "已保存草稿") ||
		p.Doc.Find("#have-"+names[0][1:]).Length() != 1 {
		t.Fatalf("save draft: %d %q", p.Status, p.Doc.Find("#saved").Text())
	}
	// The autosave request gets JSON.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("op", "save")
	mw.WriteField("note", "先传一份") // the script sends the whole form
	fw, _ := mw.CreateFormFile(names[1], "b.pdf")
	fw.Write(testPDF)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/apply/"+food.Code, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", ts.URL)
	req.Header.Set("X-Autosave", "1")
	if p := citizen.do(req); p.Status != 200 || !strings.Contains(p.Body, "saved_at") {
		t.Fatalf("autosave: %d %s", p.Status, p.Body)
	}
	// Later: the page shows both as uploaded; submitting the rest is enough.
	again := citizen.get("/apply/" + food.Code)
	if again.Doc.Find(`[id^="have-"]`).Length() != 2 || !strings.Contains(again.Doc.Find("#f-note").Text(), "先传一份") {
		t.Fatal("the draft is not resumed")
	}
	rest := map[string][]byte{}
	for _, n := range names[2:] {
		rest[n] = testPDF
	}
	if p := citizen.postFiles("/apply/"+food.Code, foodForm(map[string]string{"op": "submit"}), rest); p.Status != http.StatusSeeOther {
		t.Fatalf("submit with the draft's files: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if citizen.get("/apply/"+food.Code).Doc.Find(`[id^="have-"]`).Length() != 0 {
		t.Fatal("the draft outlived the submission")
	}
}
