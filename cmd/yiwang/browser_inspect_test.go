package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/inspect"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestBrowserInspect: a person on a phone reads the exposure column and
// one item; the supervisor, at a desk, draws a spot check, opens a drawn
// case and records a finding, and looks at the exposure admin and the
// simulated application form; the supervisor's pages fit a phone too.
func TestBrowserInspect(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)

	public := phoneBrowser(t)
	do(t, public, chromedp.Navigate(ts.URL+"/exposure"), chromedp.WaitVisible(chromedp.CSS(`article.exposure-card`)))
	shot(t, public, "inspect-exposure-phone")
	checkFits(t, public, "the exposure column")
	clickThrough(t, public, `article.exposure-card h2 a`, `.facts`)
	if got := text(t, public, "main"); !strings.Contains(got, "整改情况") || !strings.Contains(got, "已整改") {
		t.Fatalf("exposure item: %s", got)
	}
	shot(t, public, "inspect-exposure-item-phone")
	checkFits(t, public, "an exposure item")

	desk := browser(t, 1280, 900)
	do(t, desk, chromedp.Navigate(ts.URL+"/exposure"), chromedp.WaitVisible(chromedp.CSS(`article.exposure-card`)))
	shot(t, desk, "inspect-exposure-desktop")

	staffLogin(t, desk, ts, "supervisor")
	officer, err := ts.app.db.AccountByUsername(context.Background(), "officer")
	if err != nil {
		t.Fatal(err)
	}
	do(t, desk, chromedp.Navigate(ts.URL+"/work/spotchecks"), chromedp.WaitVisible(chromedp.CSS(`#draw`)))
	do(t, desk, chromedp.SetValue(chromedp.CSS("#f-org"), officer.OrgID),
		chromedp.SetValue(chromedp.CSS("#f-from"), "2020-01-01"),
		chromedp.SetValue(chromedp.CSS("#f-to"), time.Now().In(yiwang.Shanghai).Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS("#f-n"), "2"))
	shot(t, desk, "inspect-spotchecks-desktop")
	clickThrough(t, desk, `#draw button[type="submit"]`, `#items`)
	shot(t, desk, "inspect-spotcheck-desktop")
	clickThrough(t, desk, `#items a.button`, `#finding`)
	do(t, desk, chromedp.Click(chromedp.CSS(`input[name="result"][value="fail"]`)))
	clickThrough(t, desk, `#finding button[type="submit"]`, `.error-summary`)
	shot(t, desk, "inspect-finding-error-desktop")
	do(t, desk, chromedp.SendKeys(chromedp.CSS("#f-note"), "决定书未写明法律依据"))
	clickThrough(t, desk, `#finding button[type="submit"]`, `#items`)
	if got := text(t, desk, "#items"); !strings.Contains(got, "不合格") || !strings.Contains(got, "决定书未写明法律依据") {
		t.Fatalf("the finding is not listed: %s", got)
	}
	do(t, desk, chromedp.Navigate(ts.URL+"/work/exposure"), chromedp.WaitVisible(chromedp.CSS(`#new`)))
	shot(t, desk, "inspect-exposure-admin-desktop")
	clickThrough(t, desk, `#list td a`, `#correct`)
	shot(t, desk, "inspect-exposure-edit-desktop")
	business := publishedByName(t, ts, "个体工商户设立登记")
	do(t, desk, chromedp.Navigate(ts.URL+"/work/simulate?code="+business.Code), chromedp.WaitVisible(chromedp.CSS(`#simulate-form`)))
	shot(t, desk, "inspect-simulate-desktop")
	// A simulated application, as the supervisor follows it.
	supAcc, err := ts.app.db.AccountByUsername(context.Background(), "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	var mats []casework.Material
	for i, m := range business.Guide.Materials {
		if m.Source != "department" && m.Required {
			mats = append(mats, casework.Material{Index: i, FileID: fmt.Sprintf("%064d", i)})
		}
	}
	c, _, err := ts.app.inspect.Simulate(context.Background(), supAcc.Actor("127.0.0.1", "web"),
		inspect.TestIdentity{Name: "测试员丙", IDCard: "11010519491231002X", Mobile: "13900139001"},
		casework.Application{EntryCode: business.Code, Materials: mats, Fields: map[string]string{"shop": "雨山区佳山便利店",
			"premises": "雨山区佳山路9号", "scope": "日用百货零售", "capital": "5", "form": "个人经营"}})
	if err != nil {
		t.Fatalf("simulate: %v %v", err, yiwang.ErrorFields(err))
	}
	do(t, desk, chromedp.Navigate(ts.URL+"/cases/"+c.ID), chromedp.WaitVisible(chromedp.CSS(`#simulated-note`)))
	shot(t, desk, "inspect-simulated-case-desktop")

	// The same session on a phone (a second TOTP login in the same 30 s
	// step would be a replay).
	phone := desk
	do(t, phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	for _, p := range []struct{ path, want, name string }{
		{"/work/spotchecks", "#checks", "inspect-spotchecks-phone"},
		{"/work/exposure", "#list", "inspect-exposure-admin-phone"},
		{"/work/simulate?code=" + business.Code, "#simulate-form", "inspect-simulate-phone"},
	} {
		do(t, phone, chromedp.Navigate(ts.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.want)))
		shot(t, phone, p.name)
		checkFits(t, phone, p.path)
	}
}
