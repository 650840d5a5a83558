package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/supervision"
)

// TestBrowserSupervision is 电子监察 as people use it, on a fixed clock:
// the demo's accepted 食品经营许可 (due Monday 23 March) turns yellow on
// Friday 20 March — the officer sees it on 电子监察 and on the case page —
// and red on Tuesday 24 March; the supervisor sends a 督办 from the alert;
// the 市场监管局 head answers it on a phone.
func TestBrowserSupervision(t *testing.T) {
	ts, clk, sv := supervisedServer(t, sqlstore.SQLite)
	scan := func() supervision.Result {
		r, err := sv.Scan(context.Background())
		if err != nil || r.Skipped {
			t.Fatalf("scan: %+v %v", r, err)
		}
		return r
	}
	alert := func() (id, caseID, no, level string) {
		ts.app.db.SQL().QueryRow(`SELECT id, case_id, case_no, level FROM supervision_alerts WHERE rule = 'deadline'
			AND item_name = '食品经营许可' AND cleared_at IS NULL`).Scan(&id, &caseID, &no, &level)
		return
	}

	clk.Set(time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC))
	scan()
	_, caseID, no, level := alert()
	if level != supervision.Yellow {
		t.Fatalf("on 20 March the case is %q, want yellow", level)
	}
	officer := browser(t, 1280, 900)
	staffLoginClock(t, officer, ts, "officer", clk.Now())
	do(t, officer, chromedp.Navigate(ts.URL+"/staff"), chromedp.WaitVisible(chromedp.CSS(`a[href="/work/supervision"]`)))
	clickThrough(t, officer, `a[href="/work/supervision"]`, `#alerts`)
	if got := text(t, officer, "#alerts tbody"); !strings.Contains(got, no) || !strings.Contains(got, "黄色预警") || !strings.Contains(got, "还剩 1 个工作日") {
		t.Fatalf("the officer's alerts: %s", got)
	}
	shot(t, officer, "supervision-officer-yellow")
	do(t, officer, chromedp.Navigate(ts.URL+"/cases/"+caseID), chromedp.WaitVisible(chromedp.CSS("#alerts")))
	if got := text(t, officer, "#alerts"); !strings.Contains(got, "黄色预警") {
		t.Fatalf("the case page's alerts: %s", got)
	}
	shot(t, officer, "supervision-case-yellow")

	// Tuesday: the deadline passed.
	clk.Set(time.Date(2026, 3, 24, 2, 0, 0, 0, time.UTC))
	if r := scan(); r.Escalated == 0 {
		t.Fatalf("nothing turned red: %+v", r)
	}
	alertID, _, _, level := alert()
	if level != supervision.Red {
		t.Fatalf("on 24 March the case is %q, want red", level)
	}
	superv := browser(t, 1280, 900)
	staffLoginClock(t, superv, ts, "supervisor", clk.Now())
	do(t, superv, chromedp.Navigate(ts.URL+"/work/supervision"), chromedp.WaitVisible(chromedp.CSS("#alerts")))
	if got := text(t, superv, "#alerts tbody"); !strings.Contains(got, "红色报警") || !strings.Contains(got, "已超期 1 个工作日") {
		t.Fatalf("the supervisor's alerts: %s", got)
	}
	shot(t, superv, "supervision-supervisor")
	clickThrough(t, superv, `a[href="/work/supervision/notice?alert=`+alertID+`"]`, `#f-text`)
	// Nothing written: the form says what is missing.
	do(t, superv, chromedp.SetValue(chromedp.CSS("#f-days"), ""))
	clickThrough(t, superv, `main form button[type="submit"]`, `.error-summary`)
	if got := text(t, superv, ".error-summary"); !strings.Contains(got, "督办事项") || !strings.Contains(got, "答复期限") {
		t.Fatalf("the error summary: %s", got)
	}
	shot(t, superv, "supervision-notice-errors")
	do(t, superv, chromedp.SendKeys(chromedp.CSS("#f-text"), "该件已超过承诺期限，请说明原因并于答复期限内办结。"),
		chromedp.SetValue(chromedp.CSS("#f-days"), "2"))
	clickThrough(t, superv, `main form button[type="submit"]`, `#notices`)
	if got := text(t, superv, "#notices"); !strings.Contains(got, no) || !strings.Contains(got, "待答复") || !strings.Contains(got, "2026-03-26") {
		t.Fatalf("the notice: %s", got)
	}
	shot(t, superv, "supervision-notice-sent")

	// The head answers on a phone.
	head := phoneBrowser(t)
	staffLoginClock(t, head, ts, "head", clk.Now())
	do(t, head, chromedp.Navigate(ts.URL+"/work/supervision"), chromedp.WaitVisible(chromedp.CSS(`#notices form textarea`)))
	checkFits(t, head, "电子监察 for the head")
	shot(t, head, "supervision-phone-head")
	do(t, head, chromedp.SendKeys(chromedp.CSS(`#notices form textarea`), "经查因现场核查排期超期，已于今日完成核查并作出决定，今后提前预约核查。"))
	clickThrough(t, head, `#notices form button[type="submit"]`, `#notices`)
	if got := text(t, head, "#notices"); !strings.Contains(got, "已答复") || !strings.Contains(got, "现场核查") {
		t.Fatalf("after the answer: %s", got)
	}
	shot(t, head, "supervision-phone-answered")

	// The supervisor sees the answer, on a phone too.
	sphone := phoneBrowser(t)
	staffLoginClock(t, sphone, ts, "supervisor", clk.Now().Add(30*time.Second)) // a second login: the next TOTP step
	do(t, sphone, chromedp.Navigate(ts.URL+"/work/supervision/cases/"+caseID), chromedp.WaitVisible(chromedp.CSS("#notices")))
	if got := text(t, sphone, "#notices"); !strings.Contains(got, "已答复") {
		t.Fatalf("the supervisor's record: %s", got)
	}
	checkFits(t, sphone, "the case's supervision record")
	shot(t, sphone, "supervision-phone-record")
	do(t, sphone, chromedp.Navigate(ts.URL+"/work/supervision"), chromedp.WaitVisible(chromedp.CSS("#alerts")))
	checkFits(t, sphone, "电子监察 for the supervisor")
	shot(t, sphone, "supervision-phone-supervisor")
}

// staffLoginClock logs a demo staff member in with the TOTP code of the
// server's (fixed) time at.
func staffLoginClock(t *testing.T, ctx context.Context, ts *testServer, username string, at time.Time) {
	t.Helper()
	a, err := ts.app.db.AccountByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#f-username"), username),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.StaffPassword),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-code"), identity.CurrentTOTP(a.TOTPSecret, at)),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS("#f-code")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)))
}
