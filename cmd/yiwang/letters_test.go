package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestLetterJourney: 张三 complains on the portal; the 12345 operator types
// in 王五's call (王五 has an account, so it is his); the 市场监管局 sees
// both in its inbox labelled 投诉, replies to one and forwards the other;
// 王五 rates the reply once; the API files and replies; bad input and other
// people's letters are refused and change nothing. Both engines.
func TestLetterJourney(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ts := startServer(t, engine)
			amr, urban := orgID(t, ts, "雨山区市场监督管理局"), orgID(t, ts, "雨山区城管局")
			letters := func() int {
				var n int
				ts.app.db.SQL().QueryRow(`SELECT COUNT(*) FROM cases WHERE kind <> ''`).Scan(&n)
				return n
			}
			zhang, wang := ts.client(), ts.client()
			zhang.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
			wang.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[1].Mobile}, "password": {demo.CitizenPassword}})

			// Anonymous: to the login page. The form lists kinds and departments.
			if p := ts.client().get("/letters/new"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login") {
				t.Fatalf("anonymous: %d %s", p.Status, p.Location)
			}
			form := zhang.get("/letters/new")
			if form.Doc.Find(`input[name="kind"]`).Length() != 3 || form.Doc.Find(`#f-org option[value="`+amr+`"]`).Length() != 1 {
				t.Fatalf("the letter form: %d", form.Status)
			}
			if form.Doc.Find(`#f-org option:contains("窗口")`).Length() != 0 {
				t.Fatal("windows are offered as answering orgs")
			}
			checkPage(t, "/letters/new", form)
			before := letters()
			if p := zhang.post("/letters/new", url.Values{"kind": {"praise"}, "subject": {"x"}}); p.Status != http.StatusBadRequest ||
				p.Doc.Find(".error-summary li").Length() < 4 {
				t.Fatalf("bad letter: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			} else {
				checkPage(t, "/letters/new (errors)", p.withStatus(200))
			}
			if letters() != before {
				t.Fatal("a refused letter was stored")
			}
			p := zhang.post("/letters/new", url.Values{"kind": {"complaint"}, "org": {amr}, "subject": {"超市销售过期食品"},
				"text": {"佳山路某超市货架上有过期的酸奶，已拍照，请依法查处。"}})
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/cases/") {
				t.Fatalf("file: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			zhangLetter := strings.TrimPrefix(p.Location, "/cases/")
			page := zhang.get(p.Location)
			if got := page.Doc.Find("main").Text(); !strings.Contains(got, "超市销售过期食品") || !strings.Contains(got, "待答复") ||
				!strings.Contains(page.Doc.Find("#case-no").Text(), "12345TS") {
				t.Fatalf("the letter's page: %s", got)
			}
			if mine := zhang.get("/cases"); !strings.Contains(mine.Doc.Find("main").Text(), "超市销售过期食品") {
				t.Fatal("not in 我的办件")
			}
			if wang.get("/cases/"+zhangLetter).Status != http.StatusNotFound {
				t.Fatal("王五 reads 张三's letter")
			}

			// The hotline: a role the system administrator grants; its page;
			// 王五's call becomes his.
			admin := ts.client()
			ts.staffLogin(admin, "admin", demo.StaffPassword)
			if !strings.Contains(admin.get("/admin/staff/new").Doc.Find("main").Text(), "12345热线话务员") {
				t.Fatal("the staff form does not offer the hotline role")
			}
			op := ts.client()
			ts.staffLogin(op, "hotline", demo.StaffPassword)
			if home := op.get("/staff"); home.Doc.Find(`a[href="/hotline"]`).Length() != 1 {
				t.Fatal("no hotline tile on the operator's workbench")
			}
			if zhang.get("/hotline").Status != http.StatusForbidden {
				t.Fatal("the hotline page is the operator's")
			}
			checkPage(t, "/hotline", op.get("/hotline"))
			before = letters()
			if p := op.post("/hotline", url.Values{"name": {"王五"}, "mobile": {"123"}, "kind": {"complaint"}, "org": {amr},
				"subject": {"窗口态度差"}, "text": {"来电反映窗口工作人员态度生硬，不解释原因。"}}); p.Status != http.StatusBadRequest ||
				p.Doc.Find("#e-mobile").Length() == 0 {
				t.Fatalf("bad mobile: %d", p.Status)
			}
			if letters() != before {
				t.Fatal("a refused call was stored")
			}
			p = op.post("/hotline", url.Values{"name": {"王五"}, "mobile": {demo.People[1].Mobile}, "kind": {"complaint"}, "org": {amr},
				"subject": {"窗口态度差"}, "text": {"来电反映窗口工作人员态度生硬，不解释原因。"}})
			if p.Status != http.StatusSeeOther {
				t.Fatalf("hotline: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			wangLetter := strings.TrimPrefix(p.Location, "/cases/")
			var applicant, channel, filedBy string
			ts.app.db.SQL().QueryRow(`SELECT applicant_id, channel, filed_by FROM cases WHERE id = $1`, wangLetter).Scan(&applicant, &channel, &filedBy)
			w, _ := ts.app.db.CitizenByMobile(t.Context(), demo.People[1].Mobile)
			if applicant != w.ID || channel != "phone" || filedBy == "" {
				t.Fatalf("the call is %s %s %s", applicant, channel, filedBy)
			}
			if got := op.get(p.Location).Doc.Find("main").Text(); !strings.Contains(got, "12345热线") {
				t.Fatalf("the operator's view: %s", got)
			}
			// The operator's own latest letters: this one, and the demo's call.
			list := op.get("/hotline")
			checkPage(t, "/hotline (with recent letters)", list)
			if rows := list.Doc.Find("#recent-letters tbody tr"); rows.Length() != 2 || !strings.Contains(rows.First().Text(), "窗口态度差") {
				t.Fatalf("the operator's list: %s", list.Doc.Find("#recent-letters").Text())
			}

			// The department: both in its inbox, labelled; reply, forward.
			officer := ts.client()
			ts.staffLogin(officer, "officer", demo.StaffPassword)
			inbox := officer.get("/work?q=" + url.QueryEscape("投诉"))
			if inbox.Doc.Find(`td .letter-kind:contains("投诉")`).Length() < 2 {
				t.Fatalf("the inbox: %s", inbox.Doc.Find("table").Text())
			}
			checkPage(t, "the department's letter page", officer.get("/cases/"+wangLetter))
			// The department head answers letters too (no case handler role).
			head := ts.client()
			ts.staffLogin(head, "head", demo.StaffPassword)
			if p := head.get("/cases/" + wangLetter); p.Status != http.StatusOK || p.Doc.Find(`form[action$="/reply"]`).Length() != 1 {
				t.Fatalf("the head's view of the letter: %d", p.Status)
			}
			if p := officer.post("/letters/"+wangLetter+"/reply", url.Values{"reply": {"好的"}}); p.Status != http.StatusBadRequest || p.Doc.Find("#e-reply").Length() == 0 {
				t.Fatalf("a short reply: %d", p.Status)
			}
			if p := zhang.post("/letters/"+wangLetter+"/reply", url.Values{"reply": {"我来替部门答复一下这件事情"}}); p.Status != http.StatusForbidden {
				t.Fatalf("a citizen replies: %d", p.Status)
			}
			if p := officer.post("/letters/"+wangLetter+"/reply", url.Values{"reply": {"已约谈窗口工作人员并通报批评，向您致歉。"}}); p.Status != http.StatusSeeOther {
				t.Fatalf("reply: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			if p := officer.post("/letters/"+zhangLetter+"/forward", url.Values{"org": {urban}, "reason": {"占道经营属城管职责（测试）"}}); p.Status != http.StatusSeeOther || p.Location != "/work" {
				t.Fatalf("forward: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			if officer.get("/cases/"+zhangLetter).Status != http.StatusNotFound {
				t.Fatal("the forwarding org still reads the letter")
			}

			// 王五 sees the reply and rates it once; 张三 cannot.
			page = wang.get("/cases/" + wangLetter)
			checkPage(t, "the complainant's letter page", page)
			if !strings.Contains(page.Doc.Find("#reply").Text(), "通报批评") || page.Doc.Find(`form[action$="/rate"] input[name="s.overall"]`).Length() != 5 {
				t.Fatalf("王五's page: %s", page.Doc.Find("main").Text())
			}
			rate := func(level string) url.Values {
				v := url.Values{"text": {"答复很及时"}}
				for _, k := range []string{"overall", "efficiency", "level", "attitude"} {
					v.Set("s."+k, level)
				}
				return v
			}
			reviews := ts.count("reviews")
			if p := wang.post("/letters/"+wangLetter+"/rate", rate("9")); p.Status != http.StatusBadRequest {
				t.Fatalf("out of range: %d", p.Status)
			}
			if p := zhang.post("/letters/"+wangLetter+"/rate", rate("1")); p.Status != http.StatusNotFound {
				t.Fatalf("someone else's: %d", p.Status)
			}
			if ts.count("reviews") != reviews {
				t.Fatal("refused ratings were stored")
			}
			if p := wang.post("/letters/"+wangLetter+"/rate", rate("2")); p.Status != http.StatusSeeOther {
				t.Fatalf("rate: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			if p := wang.post("/letters/"+wangLetter+"/rate", rate("1")); p.Status != http.StatusConflict {
				t.Fatalf("twice: %d", p.Status)
			}
			if got := wang.get("/cases/" + wangLetter).Doc.Find("#review").Text(); !strings.Contains(got, "满意") {
				t.Fatalf("the rating is not shown: %s", got)
			}
			// The public 好差评 column counts it in one row per kind, which is
			// no catalog item: named, not linked.
			if pub := ts.client().get("/reviews"); !strings.Contains(pub.Doc.Find("#by-item").Text(), "12345热线投诉") ||
				pub.Doc.Find(`#by-item a[href^="/items/12345"]`).Length() != 0 {
				t.Fatalf("the public figures of letters: %s", pub.Doc.Find("#by-item").Text())
			}
			var msgs int
			ts.app.db.SQL().QueryRow(`SELECT COUNT(*) FROM messages WHERE account_id = $1 AND link = $2`, w.ID, "/cases/"+wangLetter).Scan(&msgs)
			if msgs != 2 {
				t.Fatalf("王五's messages about the letter: %d", msgs)
			}

			// The API: file, read, reply; bad input refused.
			if p := zhang.api(http.MethodPost, "/api/v1/letters", `{"kind":"suggestion","subject":"x","text":"y"}`, ""); p.Status != http.StatusBadRequest {
				t.Fatalf("API bad letter: %d %s", p.Status, p.Body)
			}
			p = zhang.api(http.MethodPost, "/api/v1/letters", `{"kind":"consultation","org_id":"`+amr+`","subject":"食品经营许可办理时限","text":"请问食品经营许可证多少个工作日可以办好？"}`, "")
			var got struct {
				ID, No, Kind, State, Deadline string
			}
			if err := json.Unmarshal([]byte(p.Body), &got); p.Status != http.StatusCreated || err != nil || got.Kind != "consultation" ||
				!strings.HasPrefix(got.No, "12345ZX") || got.Deadline == "" {
				t.Fatalf("API file: %d %s", p.Status, p.Body)
			}
			token := ts.staffToken("officer")
			if p := zhang.api(http.MethodPost, "/api/v1/letters/"+got.ID+"/reply", `{"reply":"我自己答复自己一下下"}`, ""); p.Status != http.StatusForbidden {
				t.Fatalf("API reply by the citizen: %d", p.Status)
			}
			if p := zhang.api(http.MethodPost, "/api/v1/letters/"+got.ID+"/reply", `{"reply":"食品经营许可承诺10个工作日内办结，材料齐全可当场受理。"}`, token); p.Status != http.StatusOK ||
				!strings.Contains(p.Body, `"state":"delivered"`) {
				t.Fatalf("API reply: %d %s", p.Status, p.Body)
			}
		})
	}
}
