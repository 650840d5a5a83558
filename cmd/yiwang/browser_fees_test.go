package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestBrowserFees: the officer records a fee the guide does not list while
// deciding (a phone-sized screen), the applicant sees it on the case page,
// and the supervisor finds the red alert under the fee rule.
func TestBrowserFees(t *testing.T) {
	ts, clk, sv := supervisedServer(t, sqlstore.SQLite)
	ctx := context.Background()
	var caseID string
	ts.app.db.SQL().QueryRow(`SELECT id FROM cases WHERE state = 'special' AND item_name = '食品经营许可'`).Scan(&caseID)
	acc, err := ts.app.db.AccountByUsername(ctx, "officer")
	if err != nil {
		t.Fatal(err)
	}
	off := acc.Actor("127.0.0.1", "web")
	if _, err := ts.app.cases.EndSpecial(ctx, off, caseID, "核查合格"); err != nil {
		t.Fatal(err)
	}
	c, _, err := ts.app.cases.Get(ctx, off, caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range ts.app.cases.MyTasks(ctx, off, c) {
		if _, err := ts.app.cases.CompleteTask(ctx, off, caseID, tk.ID, casework.TaskWork{Opinion: casework.OpinionAgree}); err != nil {
			t.Fatal(err)
		}
	}

	officer := browser(t, 390, 844)
	staffLoginClock(t, officer, ts, "officer", clk.Now())
	do(t, officer, chromedp.Navigate(ts.URL+"/cases/"+caseID), chromedp.WaitVisible(chromedp.CSS(`form[action$="/decide"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/decide"] #f-note`), "符合条件"),
		chromedp.SendKeys(chromedp.CSS(`input[name="fees[0].name"]`), "资料费"),
		chromedp.SendKeys(chromedp.CSS(`input[name="fees[0].amount"]`), "1e3"))
	shot(t, officer, "fees-decide-form-phone")
	clickThrough(t, officer, `form[action$="/decide"] button[type="submit"]`, ".error-summary")
	shot(t, officer, "fees-decide-refused-phone")
	do(t, officer, chromedp.SetValue(chromedp.CSS(`input[name="fees[0].amount"]`), "50"))
	clickThrough(t, officer, `form[action$="/decide"] button[type="submit"]`, "#fees")
	if got := text(t, officer, "#fees"); !strings.Contains(got, "资料费") || !strings.Contains(got, "50.00 元") {
		t.Fatalf("the officer's fee table: %s", got)
	}
	shot(t, officer, "fees-officer-case-phone")

	if r, err := sv.Scan(ctx); err != nil || r.Raised == 0 {
		t.Fatalf("scan: %+v %v", r, err)
	}
	superv := browser(t, 1280, 900)
	staffLoginClock(t, superv, ts, "supervisor", clk.Now())
	do(t, superv, chromedp.Navigate(ts.URL+"/work/supervision?rule=fee"), chromedp.WaitVisible(chromedp.CSS("#alerts")))
	if got := text(t, superv, "#alerts"); !strings.Contains(got, "资料费") || !strings.Contains(got, "红色报警") {
		t.Fatalf("the supervisor's fee alerts: %s", got)
	}
	shot(t, superv, "fees-supervisor-alerts")

	citizen := browser(t, 390, 844)
	var who demo.Person
	for _, p := range demo.People {
		if p.Name == c.Applicant {
			who = p
		}
	}
	citizenLogin(t, citizen, ts, who, "/cases/"+caseID, "#fees")
	if got := text(t, citizen, "#fees"); !strings.Contains(got, "资料费") {
		t.Fatalf("the applicant's fee table: %s", got)
	}
	shot(t, citizen, "fees-applicant-case-phone")
}
