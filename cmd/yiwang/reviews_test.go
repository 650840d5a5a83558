package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestReviewJourney: 张三, who rated his granted demo case well, adds a bad
// follow-up (追评) on the case page; the 市场监管局 officer revisits, replies (张三 is told) and appeals;
// the supervisor upholds the appeal with reasons; the public column and the
// open data count what they should; bad input and other people's cases are
// refused and change nothing.
func TestReviewJourney(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	var caseID string
	ts.app.db.SQL().QueryRow(`SELECT id FROM cases WHERE state = 'decided' AND applicant_id <> '' ORDER BY submitted_at LIMIT 1`).Scan(&caseID)
	if caseID == "" {
		t.Fatal("no decided demo case of a registered applicant")
	}
	zhang, wang := ts.client(), ts.client()
	zhang.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	wang.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[1].Mobile}, "password": {demo.CitizenPassword}})
	casePage := zhang.get("/cases/" + caseID)
	if casePage.Doc.Find(`form[action$="/review"] input[name="s.overall"]`).Length() != 5 {
		t.Fatalf("no review form on the decided case: %d", casePage.Status)
	}
	all := func(level string, text string) url.Values {
		v := url.Values{"text": {text}}
		for _, k := range []string{"overall", "efficiency", "guide", "convenience", "usability"} {
			v.Set("s."+k, level)
		}
		return v
	}
	before := ts.count("reviews")
	if p := zhang.post("/cases/"+caseID+"/review", url.Values{"s.overall": {"7"}}); p.Status != http.StatusBadRequest || p.Doc.Find(".error-summary li").Length() < 5 {
		t.Fatalf("bad ratings: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := zhang.post("/cases/"+caseID+"/review", all("5", "")); p.Status != http.StatusBadRequest || p.Doc.Find("#e-text").Length() == 0 {
		t.Fatalf("a bad review without reasons: %d", p.Status)
	}
	if p := wang.post("/cases/"+caseID+"/review", all("1", "很好")); p.Status != http.StatusNotFound {
		t.Fatalf("rating someone else's case: %d", p.Status)
	}
	if ts.count("reviews") != before {
		t.Fatal("refused reviews were stored")
	}
	if p := zhang.post("/cases/"+caseID+"/review", all("5", "窗口让我跑了两次")); p.Status != http.StatusSeeOther {
		t.Fatalf("review: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := zhang.get("/cases/" + caseID); !strings.Contains(p.Doc.Find("#review").Text(), "非常不满意") || p.Doc.Find(`form[action$="/review"]`).Length() != 0 {
		t.Fatal("the follow-up is not shown, or a third review is offered")
	}
	if p := zhang.post("/cases/"+caseID+"/review", all("1", "")); p.Status != http.StatusConflict {
		t.Fatalf("a third review: %d", p.Status)
	}

	// The officer revisits and replies; 张三 is told.
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	mine := func(p page) *goquery.Selection {
		return p.Doc.Find("#rectifications article").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Text(), "窗口让我跑了两次")
		})
	}
	w := officer.get("/work/reviews")
	if w.Doc.Find("#rectifications article").Length() != 2 {
		t.Fatalf("the officer should see the demo's open rectification and this one: %d", w.Doc.Find("#rectifications article").Length())
	}
	action, ok := mine(w).Find(`button[formaction$="/revisit"]`).Attr("formaction")
	if !ok {
		t.Fatalf("no rectification on the officer's page: %s", w.Doc.Find("main").Text())
	}
	if p := officer.post(action, url.Values{"text": {"好"}}); p.Status != http.StatusBadRequest {
		t.Fatalf("revisit without a note: %d", p.Status)
	}
	if p := officer.post(action, url.Values{"text": {"电话回访，申请人反映补正往返两次"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("revisit: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	reply, _ := mine(officer.get("/work/reviews")).Find(`button[formaction$="/reply"]`).Attr("formaction")
	if p := officer.post(reply, url.Values{"text": {"已推行一次性告知清单，补正材料可网上提交，不再往返"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("reply: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if m := zhang.get("/messages"); !strings.Contains(m.Body, "整改答复") {
		t.Fatal("张三 was not told of the reply")
	}

	// Public figures count the bad review; the open data too.
	pub := ts.client().get("/reviews")
	if !strings.Contains(pub.Doc.Find("#by-org").Text(), "雨山区市场监督管理局") || !strings.Contains(pub.Doc.Find("#recent").Text(), "窗口让我跑了两次") {
		t.Fatalf("public column: %s", pub.Doc.Find("main").Text())
	}
	var fig struct {
		Figures []struct {
			Name         string
			Reviews, Bad int
			Rectified    int
		}
	}
	p := ts.client().api(http.MethodGet, "/api/v1/reviews/figures?by=org", "", "")
	// The demo's good review and 王五's bad one, the demo complaint's rated
	// reply (demo/letters.go), and this bad follow-up.
	if json.Unmarshal([]byte(p.Body), &fig); len(fig.Figures) != 1 || fig.Figures[0].Reviews != 4 || fig.Figures[0].Bad != 2 || fig.Figures[0].Rectified != 1 {
		t.Fatalf("open data: %s", p.Body)
	}
	// Every township is listed on the page and in the open data, none
	// reviewed yet in the demo (its reviews are of district departments).
	if n := pub.Doc.Find("#by-township tbody tr").Length(); n < 2 || !strings.Contains(pub.Doc.Find("#by-township").Text(), "向山镇") {
		t.Fatalf("township figures on the page: %d rows", n)
	}
	p = ts.client().api(http.MethodGet, "/api/v1/reviews/figures?by=township", "", "")
	if json.Unmarshal([]byte(p.Body), &fig); p.Status != http.StatusOK || len(fig.Figures) < 2 || fig.Figures[0].Reviews != 0 {
		t.Fatalf("township open data: %s", p.Body)
	}
	if p := ts.client().api(http.MethodGet, "/api/v1/reviews/figures?by=weekday", "", ""); p.Status != http.StatusBadRequest {
		t.Fatalf("figures by nonsense: %d", p.Status)
	}

	// The officer appeals; the supervisor upholds with reasons; the review
	// stays visible and counts no more.
	var reviewID string
	ts.app.db.SQL().QueryRow(`SELECT id FROM reviews WHERE case_id = $1 AND follow_up = $2`, caseID, true).Scan(&reviewID)
	if p := officer.post("/review-actions/"+reviewID+"/appeal", url.Values{"text": {"经核查叫号记录，申请人仅到窗口一次，评价与事实不符"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("appeal: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	superv := ts.client()
	ts.staffLogin(superv, "supervisor", demo.StaffPassword)
	uphold, ok := superv.get("/work/reviews").Doc.Find(`#appeals button[formaction$="/uphold"]`).Attr("formaction")
	if !ok {
		t.Fatal("no appeal on the supervisor's page")
	}
	if p := officer.post(uphold, url.Values{"text": {"同意"}}); p.Status != http.StatusForbidden {
		t.Fatalf("the officer decides the appeal: %d", p.Status)
	}
	if p := superv.post(uphold, url.Values{"text": {"经调取叫号记录核实，申请人仅到窗口一次"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("uphold: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	pub = ts.client().get("/reviews")
	if !strings.Contains(pub.Doc.Find("#recent").Text(), "不计入统计") {
		t.Fatalf("after the appeal: %s", pub.Doc.Find("main").Text())
	}
	p = ts.client().api(http.MethodGet, "/api/v1/reviews/figures?by=org", "", "")
	if json.Unmarshal([]byte(p.Body), &fig); len(fig.Figures) != 1 || fig.Figures[0].Reviews != 3 || fig.Figures[0].Bad != 1 {
		t.Fatalf("open data after the appeal: %s", p.Body)
	}
}

// TestVisitReview: after filing for a walk-in, the clerk's case page shows
// the 一次一评 QR code; the person rates the visit on the spot without
// logging in, once; a forged link is refused; a bad rating opens a
// rectification for the counter's org.
func TestVisitReview(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	food := publishedByName(t, ts, "食品经营许可")
	clerk := ts.client()
	ts.staffLogin(clerk, "clerk", demo.StaffPassword)
	form := clerk.get("/window/file?code=" + food.Code)
	files := map[string][]byte{}
	form.Doc.Find(`input[type=file]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		files[name] = testPDF
	})
	p := clerk.postFiles("/window/file?code="+food.Code, foodForm(map[string]string{"name": "赵六", "idcard": demo.People[2].IDCard, "mobile": "13900000066"}), files)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("file: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	link, ok := clerk.get(p.Location).Doc.Find(`#visit-qr a`).Attr("href")
	if !ok || !strings.Contains(link, "/rate/") {
		t.Fatal("no 一次一评 link on the clerk's case page")
	}
	u, _ := url.Parse(link)
	visitor := ts.client()
	if f := visitor.get(u.RequestURI()); f.Status != 200 || f.Doc.Find(`#visit-form input[name="s.attitude"]`).Length() != 5 {
		t.Fatalf("the visit form: %d", f.Status)
	}
	forged := strings.Replace(u.RequestURI(), "t=", "t=x", 1)
	if f := visitor.get(forged); f.Status != http.StatusNotFound {
		t.Fatalf("a forged link: %d", f.Status)
	}
	rate := func(level, text string) url.Values {
		v := url.Values{"text": {text}}
		for _, k := range []string{"overall", "efficiency", "level", "attitude"} {
			v.Set("s."+k, level)
		}
		return v
	}
	before := ts.count("reviews")
	if f := visitor.post(u.RequestURI(), rate("5", "")); f.Status != http.StatusBadRequest {
		t.Fatalf("a bad rating without reasons: %d", f.Status)
	}
	if f := visitor.post(forged, rate("1", "")); f.Status != http.StatusNotFound || ts.count("reviews") != before {
		t.Fatalf("a forged rating: %d", f.Status)
	}
	if f := visitor.post(u.RequestURI(), rate("4", "窗口前排队太久")); f.Status != 200 || f.Doc.Find("#visit-done").Length() == 0 {
		t.Fatalf("rating: %d %s", f.Status, f.Doc.Find(".error-summary").Text())
	}
	if f := visitor.post(u.RequestURI(), rate("1", "")); f.Status != 200 || f.Doc.Find("#visit-done").Length() == 0 || ts.count("reviews") != before+1 {
		t.Fatalf("a second rating of the visit: %d, %d reviews", f.Status, ts.count("reviews")-before)
	}
	if clerk.get(p.Location).Doc.Find(`#visit-qr`).Length() != 0 {
		t.Fatal("the QR code is still shown after the visit was rated")
	}
	// The rectification is the counter's, not the department's.
	var org, rectOrg string
	ts.app.db.SQL().QueryRow(`SELECT r.org_id, x.org_id FROM reviews r JOIN review_rectifications x ON x.review_id = r.id WHERE r.visit = $1`, true).Scan(&org, &rectOrg)
	clerkAcc, _ := ts.app.db.AccountByUsername(context.Background(), "clerk")
	if org != clerkAcc.OrgID || rectOrg != clerkAcc.OrgID {
		t.Fatalf("visit review rated %s / rectification %s, want the counter %s", org, rectOrg, clerkAcc.OrgID)
	}
}
