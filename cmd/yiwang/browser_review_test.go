package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestBrowserReview is 好差评 as people do it: 张三, on a phone, adds a
// bad follow-up to his granted demo case; the 市场监管局 officer records
// the revisit and replies on the workbench; 张三 finds the reply in his
// messages; the public column shows the rectified review.
func TestBrowserReview(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	var caseID string
	ts.app.db.SQL().QueryRow(`SELECT id FROM cases WHERE state = 'decided' AND applicant_id <> '' ORDER BY submitted_at LIMIT 1`).Scan(&caseID)

	citizen := phoneBrowser(t)
	citizenLogin(t, citizen, ts, demo.People[0], "/cases/"+caseID, `#review form`)
	for _, k := range []string{"overall", "efficiency", "guide", "convenience", "usability"} {
		do(t, citizen, chromedp.Click(chromedp.CSS(`input[name="s.`+k+`"][value="4"]`)))
	}
	do(t, citizen, chromedp.SendKeys(chromedp.CSS(`#review #f-text`), "补正材料要来回跑"))
	shot(t, citizen, "review-phone-form")
	checkFits(t, citizen, "the review form")
	clickThrough(t, citizen, `#review form button[type="submit"]`, `#review .review-given`)
	if got := text(t, citizen, "#review"); !strings.Contains(got, "追评") || !strings.Contains(got, "不满意") {
		t.Fatalf("the follow-up is not shown: %s", got)
	}

	officer := browser(t, 1280, 900)
	staffLogin(t, officer, ts, "officer")
	do(t, officer, chromedp.Navigate(ts.URL+"/work/reviews"), chromedp.WaitVisible(chromedp.CSS(`#rectifications`)))
	// The demo's open rectification is there too: find ours by its text.
	id, err := chromedp.Run(officer, chromedp.Evaluate[string](`[...document.querySelectorAll("#rectifications article")].find(a => a.textContent.includes("补正材料要来回跑")).id`))
	if err != nil || id == "" {
		t.Fatalf("the officer does not see the rectification: %v", err)
	}
	do(t, officer, chromedp.SendKeys(chromedp.CSS(`#`+id+` textarea`), "电话回访张三，了解补正往返情况"))
	clickThrough(t, officer, `#`+id+` button[formaction$="/revisit"]`, `#rectifications`)
	do(t, officer, chromedp.SendKeys(chromedp.CSS(`#`+id+` textarea`), "已推行一次性告知清单，补正材料可在网上提交"))
	shot(t, officer, "review-officer-reply")
	clickThrough(t, officer, `#`+id+` button[formaction$="/reply"]`, `#rectifications`)
	if got := text(t, officer, "#"+id); !strings.Contains(got, "已整改答复") {
		t.Fatalf("after the reply: %s", got)
	}

	do(t, citizen, chromedp.Navigate(ts.URL+"/messages"), chromedp.WaitVisible(chromedp.CSS(`#messages`)))
	if got := text(t, citizen, "#messages"); !strings.Contains(got, "整改答复") {
		t.Fatalf("张三's messages: %s", got)
	}
	public := phoneBrowser(t)
	do(t, public, chromedp.Navigate(ts.URL+"/reviews"), chromedp.WaitVisible(chromedp.CSS(`#by-org`)))
	shot(t, public, "review-public-phone")
	checkFits(t, public, "the 好差评 column")
	if got := text(t, public, "#recent"); !strings.Contains(got, "补正材料要来回跑") {
		t.Fatalf("the public column: %s", got)
	}
}
