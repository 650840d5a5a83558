package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/supervision"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// supervisedServer starts the platform on a fixed clock (Monday 9 March
// 2026, 10:00 in Shanghai) without its own scan, and returns a scanner on
// the same database and clock.
func supervisedServer(t *testing.T, engine string) (*testServer, *yiwangtest.Clock, *supervision.Service) {
	t.Helper()
	clk := yiwangtest.NewClock(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))
	ts := startServer(t, engine, func(c *serveConfig) { c.clock, c.noScan = clk, true })
	sv := newSupervision(ts.app)
	return ts, clk, sv
}

// loginAt logs a staff member in over HTTP with the TOTP code of time at.
func (ts *testServer) loginAt(c *client, username string, at time.Time) {
	ts.t.Helper()
	p := c.post("/staff/login", url.Values{"username": {username}, "password": {demo.StaffPassword}})
	if p.Status != http.StatusSeeOther {
		ts.t.Fatalf("password step of %s: %d", username, p.Status)
	}
	a, err := ts.app.db.AccountByUsername(context.Background(), username)
	if err != nil {
		ts.t.Fatal(err)
	}
	if p = c.post("/staff/totp", url.Values{"code": {identity.CurrentTOTP(a.TOTPSecret, at)}}); p.Status != http.StatusSeeOther {
		ts.t.Fatalf("totp step of %s: %d %s", username, p.Status, p.Doc.Find(".error-summary").Text())
	}
}

// TestSupervisionHTTP: eleven days on, the demo's accepted 食品经营许可 has
// one working day left (yellow); the supervisor finds it on 电子监察,
// sends a 督办; another department's answer is refused and changes
// nothing; the 市场监管局 head answers; the API lists, issues and answers
// the same way.
func TestSupervisionHTTP(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ts, clk, sv := supervisedServer(t, engine)
			clk.Set(time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC)) // Friday; the deadline is Monday 23 March
			if r, err := sv.Scan(context.Background()); err != nil || r.Raised == 0 {
				t.Fatalf("scan: %+v %v", r, err)
			}
			var alertID, caseID, caseNo string
			if err := ts.app.db.SQL().QueryRow(`SELECT id, case_id, case_no FROM supervision_alerts WHERE rule = 'deadline'
				AND level = 'yellow' AND item_name = '食品经营许可'`).Scan(&alertID, &caseID, &caseNo); err != nil {
				t.Fatalf("no yellow alert on the accepted 食品经营许可: %v", err)
			}
			at := clk.Now()
			superv, officer, head, urban := ts.client(), ts.client(), ts.client(), ts.client()
			ts.loginAt(superv, "supervisor", at)
			ts.loginAt(officer, "officer", at)
			ts.loginAt(head, "head", at)
			ts.loginAt(urban, "urban", at)

			p := superv.get("/work/supervision")
			if p.Status != http.StatusOK || !strings.Contains(p.Doc.Find("#alerts").Text(), caseNo) ||
				p.Doc.Find(`a[href="/work/supervision/notice?alert=`+alertID+`"]`).Length() != 1 {
				t.Fatalf("the supervisor's page: %d %s", p.Status, p.Doc.Find("#alerts").Text())
			}
			if p := superv.get("/work/supervision?level=red"); strings.Contains(p.Doc.Find("#alerts tbody").Text(), "还剩 1 个工作日") {
				t.Fatal("the red filter shows a yellow alert")
			}
			p = officer.get("/work/supervision")
			if p.Status != http.StatusOK || !strings.Contains(p.Doc.Find("#alerts").Text(), caseNo) ||
				p.Doc.Find(`a[href^="/work/supervision/notice"]`).Length() != 0 {
				t.Fatalf("the officer's page: %d", p.Status)
			}
			if p := urban.get("/work/supervision"); strings.Contains(p.Doc.Find("#alerts").Text(), caseNo) {
				t.Fatal("another department sees the 市场监管局's alert")
			}
			if p := officer.get("/cases/" + caseID); !strings.Contains(p.Doc.Find("#alerts").Text(), "黄色预警") {
				t.Fatalf("the case page shows no alert: %s", p.Doc.Find("main").Text())
			}
			if p := officer.get("/work/supervision/notice?alert=" + alertID); p.Status != http.StatusForbidden {
				t.Fatalf("an officer opens the 督办 form: %d", p.Status)
			}

			// Bad input: refused with the fields marked, nothing stored.
			form := url.Values{"alert": {alertID}, "text": {""}, "days": {"0"}}
			if p := superv.post("/work/supervision/notice", form); p.Status != http.StatusBadRequest || p.Doc.Find(".error-summary li").Length() != 2 {
				t.Fatalf("an empty 督办: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			if ts.count("supervision_notices") != 0 {
				t.Fatal("a refused 督办 was stored")
			}
			form.Set("text", "请说明该件进度，确保3月23日前办结")
			form.Set("days", "2")
			if p := superv.post("/work/supervision/notice", form); p.Status != http.StatusSeeOther {
				t.Fatalf("督办: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			var noticeID, due string
			ts.app.db.SQL().QueryRow(`SELECT id, answer_due FROM supervision_notices`).Scan(&noticeID, &due)
			if due != "2026-03-24" {
				t.Fatalf("answer due %q, want 2026-03-24 (two working days after Friday)", due)
			}

			// Another department answers: refused, nothing changes.
			audits := ts.count("audit_log")
			if p := urban.get("/work/supervision"); strings.Contains(p.Body, noticeID) {
				t.Fatal("another department sees the 督办")
			}
			p = urban.post("/work/supervision/notices/"+noticeID+"/answer", url.Values{"answer": {"城管局代为答复"}})
			if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "不是发给本单位") {
				t.Fatalf("the wrong org's answer: %d", p.Status)
			}
			var answered int
			ts.app.db.SQL().QueryRow(`SELECT COUNT(*) FROM supervision_notices WHERE answered_at IS NOT NULL`).Scan(&answered)
			if answered != 0 || ts.count("audit_log") != audits {
				t.Fatal("the refused answer changed something")
			}
			if p := head.post("/work/supervision/notices/"+noticeID+"/answer", url.Values{"answer": {""}}); p.Status != http.StatusBadRequest ||
				p.Doc.Find("#e-answer").Length() != 1 {
				t.Fatalf("an empty answer: %d", p.Status)
			}
			if p := head.post("/work/supervision/notices/"+noticeID+"/answer", url.Values{"answer": {"已督促承办人核查，3月23日前作出决定"}}); p.Status != http.StatusSeeOther {
				t.Fatalf("the head's answer: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			if p := superv.get("/work/supervision/cases/" + caseID); !strings.Contains(p.Doc.Find("#notices").Text(), "已答复") ||
				!strings.Contains(p.Doc.Find("#notices").Text(), "钱科长") {
				t.Fatalf("the case's supervision record: %s", p.Doc.Find("main").Text())
			}
			if p := urban.get("/work/supervision/cases/" + caseID); p.Status != http.StatusNotFound {
				t.Fatalf("another department reads the record: %d", p.Status)
			}

			// The API.
			st, ot, ut := ts.staffToken("supervisor"), ts.staffToken("officer"), ts.staffToken("urban")
			api := ts.client()
			p = api.api(http.MethodGet, "/api/v1/supervision/alerts?level=yellow", "", st)
			var list struct {
				Alerts []struct{ ID, OrgID, Level string } `json:"alerts"`
			}
			if err := json.Unmarshal([]byte(p.Body), &list); err != nil || p.Status != http.StatusOK || len(list.Alerts) == 0 {
				t.Fatalf("alerts: %d %s", p.Status, p.Body)
			}
			for _, a := range list.Alerts {
				if a.Level != "yellow" {
					t.Fatalf("level filter: %+v", a)
				}
			}
			if p := api.api(http.MethodGet, "/api/v1/supervision/alerts?level=purple", "", st); p.Status != http.StatusBadRequest {
				t.Fatalf("a bad level: %d", p.Status)
			}
			if p := api.api(http.MethodGet, "/api/v1/supervision/alerts?org=dept-urban", "", ot); p.Status != http.StatusForbidden {
				t.Fatalf("an officer asks for another org's alerts: %d", p.Status)
			}
			body := `{"case_id":"` + caseID + `","text":"请报告办理进度","days":3}`
			if p := api.api(http.MethodPost, "/api/v1/supervision/notices", body, ot); p.Status != http.StatusForbidden {
				t.Fatalf("an officer issues a 督办: %d", p.Status)
			}
			p = api.api(http.MethodPost, "/api/v1/supervision/notices", body, st)
			var n struct{ ID, State, AnswerDue string }
			json.Unmarshal([]byte(p.Body), &n)
			if p.Status != http.StatusCreated || n.State != "pending" {
				t.Fatalf("the API 督办: %d %s", p.Status, p.Body)
			}
			if p := api.api(http.MethodPost, "/api/v1/supervision/notices/"+n.ID+"/answer", `{"answer":"城管局答复"}`, ut); p.Status != http.StatusForbidden ||
				!strings.Contains(p.Body, `"EFORBIDDEN"`) {
				t.Fatalf("the wrong org's API answer: %d %s", p.Status, p.Body)
			}
			p = api.api(http.MethodPost, "/api/v1/supervision/notices/"+n.ID+"/answer", `{"answer":"已核查，进度正常"}`, ot)
			if p.Status != http.StatusOK || !strings.Contains(p.Body, `"answered"`) {
				t.Fatalf("the API answer: %d %s", p.Status, p.Body)
			}
			if p := api.api(http.MethodPost, "/api/v1/supervision/notices/"+n.ID+"/answer", `{"answer":"再答复一次"}`, ot); p.Status != http.StatusConflict {
				t.Fatalf("a second answer: %d", p.Status)
			}
		})
	}
}
