package main

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestBrowserLetters is a 12345 complaint as people handle it, on a fixed
// clock (Monday 9 March 2026): the hotline operator types in 张三's call
// and sends it to the 市场监管局, due 30 March (15 working days); three days
// later the officer finds it in the inbox labelled 投诉 and replies; 张三,
// on his phone, reads the reply and rates it.
func TestBrowserLetters(t *testing.T) {
	clk := yiwangtest.NewClock(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))
	ts := startServer(t, sqlstore.SQLite, func(c *serveConfig) { c.clock = clk })

	op := browser(t, 1280, 900)
	staffLoginAt(t, op, ts, "hotline", clk.Now())
	do(t, op, chromedp.Navigate(ts.URL+"/staff"), chromedp.WaitVisible(chromedp.CSS(`a[href="/hotline"]`)))
	clickThrough(t, op, `a[href="/hotline"]`, `form[action="/hotline"]`)
	do(t, op,
		chromedp.SendKeys(chromedp.CSS("#f-name"), demo.People[0].Name),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), demo.People[0].Mobile),
		chromedp.Click(chromedp.CSS(`input[name="kind"][value="complaint"]`)),
		chromedp.SetValue(chromedp.CSS("#f-org"), orgID(t, ts, "雨山区市场监督管理局")),
		chromedp.SendKeys(chromedp.CSS("#f-subject"), "菜市场电子秤缺斤短两"),
		chromedp.SendKeys(chromedp.CSS("#f-text"), "来电反映：向山菜市场东门第三个摊位的电子秤不准，买两斤少了三两，希望市场监管部门检查。"))
	shot(t, op, "letters-hotline-form")
	clickThrough(t, op, `form[action="/hotline"] button[type="submit"]`, `#case-no`)
	no := text(t, op, "#case-no")
	if !strings.HasPrefix(no, "12345TS20260309") {
		t.Fatalf("the letter's number: %s", no)
	}
	if got := text(t, op, "main"); !strings.Contains(got, "2026-03-30 前答复") || !strings.Contains(got, "12345热线") {
		t.Fatalf("the operator's page: %s", got)
	}
	shot(t, op, "letters-hotline-filed")
	do(t, op, chromedp.Navigate(ts.URL+"/hotline"), chromedp.WaitVisible(chromedp.CSS(`#recent-letters`)))
	if got := text(t, op, "#recent-letters tbody tr"); !strings.Contains(got, "缺斤短两") {
		t.Fatalf("the operator's latest letters: %s", got)
	}
	shot(t, op, "letters-hotline-recent")

	// Three days later the department replies.
	clk.Advance(72 * time.Hour)
	officer := browser(t, 1280, 900)
	staffLoginAt(t, officer, ts, "officer", clk.Now())
	do(t, officer, chromedp.Navigate(ts.URL+"/work?q="+url.QueryEscape("缺斤短两")), chromedp.WaitVisible(chromedp.CSS(`table tbody a.code`)))
	if got := text(t, officer, "table tbody"); !strings.Contains(got, "投诉") || !strings.Contains(got, "待答复") {
		t.Fatalf("the inbox row: %s", got)
	}
	shot(t, officer, "letters-inbox")
	clickThrough(t, officer, `table tbody a.code`, `#reply-form`)
	if got := text(t, officer, "#letter-urgency"); !strings.Contains(got, "还剩") {
		t.Fatalf("the time left: %s", got)
	}
	do(t, officer, chromedp.SendKeys(chromedp.CSS("#f-reply"), "经现场检查，该摊位电子秤计量不准，已依法责令停止使用并立案调查，市场已在东门设置公平秤。"))
	shot(t, officer, "letters-officer-reply")
	clickThrough(t, officer, `#reply-form button[type="submit"]`, `#reply`)
	if got := text(t, officer, "#letter-state"); !strings.Contains(got, "已答复") {
		t.Fatalf("after the reply: %s", got)
	}

	// 张三 reads the reply on his phone and rates it.
	phone := phoneBrowser(t)
	citizenLogin(t, phone, ts, demo.People[0], "/cases", "main")
	do(t, phone, chromedp.Navigate(ts.URL+"/track?no="+url.QueryEscape(no)+"&who="+url.QueryEscape(demo.People[0].Name)),
		chromedp.WaitVisible(chromedp.CSS("main")))
	shot(t, phone, "letters-phone-track")
	var id string
	ts.app.db.SQL().QueryRow(`SELECT id FROM cases WHERE no = $1`, no).Scan(&id)
	do(t, phone, chromedp.Navigate(ts.URL+"/cases/"+id), chromedp.WaitVisible(chromedp.CSS(`#review form`)))
	if got := text(t, phone, "#reply"); !strings.Contains(got, "公平秤") {
		t.Fatalf("the reply on 张三's page: %s", got)
	}
	checkFits(t, phone, "the letter's page")
	for _, k := range []string{"overall", "efficiency", "level", "attitude"} {
		do(t, phone, chromedp.Click(chromedp.CSS(`input[name="s.`+k+`"][value="1"]`)))
	}
	shot(t, phone, "letters-phone-rate")
	clickThrough(t, phone, `#review form button[type="submit"]`, `#review .review-given`)
	if got := text(t, phone, "#review"); !strings.Contains(got, "非常满意") {
		t.Fatalf("the rating: %s", got)
	}
	shot(t, phone, "letters-phone-rated")

	// The portal form on a phone.
	do(t, phone, chromedp.Navigate(ts.URL+"/letters/new"), chromedp.WaitVisible(chromedp.CSS(`form[action="/letters/new"]`)))
	checkFits(t, phone, "the letter form")
	shot(t, phone, "letters-phone-form")
}

// staffLoginAt logs a demo staff member in with the TOTP code of the
// server's (fixed) time.
func staffLoginAt(t *testing.T, ctx context.Context, ts *testServer, username string, at time.Time) {
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
