package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// staffLogin logs a demo staff member in with password and TOTP.
func staffLogin(t *testing.T, ctx context.Context, ts *testServer, username string) {
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
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-code"), identity.CurrentTOTP(a.TOTPSecret, time.Now())),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS("#f-code")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`))) // the next page has loaded
}

// TestBrowserParallelReview: two departments approve the demo 宅基地 case in
// parallel, each from its own inbox; the town sees the decision unlock only
// after both and decides with the decision document attached.
func TestBrowserParallelReview(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	ctx := browser(t, 1280, 900)
	doc := filepath.Join(t.TempDir(), "决定书.pdf")
	if err := os.WriteFile(doc, []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The town, in a browser of its own (a second login within the same
	// TOTP window would be a replay): both reviews open, the decision waits.
	town := browser(t, 1280, 900)
	staffLogin(t, town, ts, "township")
	do(t, town, chromedp.Navigate(ts.URL+"/work"), chromedp.WaitVisible(chromedp.CSS(`table tbody a.code`)))
	href, err := chromedp.Run(town, chromedp.Evaluate[string](
		`[...document.querySelectorAll("table tbody tr")].find(r => r.textContent.includes("宅基地")).querySelector("a.code").getAttribute("href")`))
	if err != nil {
		t.Fatalf("the 宅基地 case in the town's inbox: %v", err)
	}
	do(t, town, chromedp.Navigate(ts.URL+href), chromedp.WaitVisible(chromedp.CSS(".tasks")))
	if p := text(t, town, "main"); !strings.Contains(p, "等待以下部门完成审查") || strings.Contains(p, "提交审查意见") {
		t.Fatalf("the town's page before the reviews: %s", p)
	}
	shot(t, town, "town-waits")
	for i, dept := range []string{"land", "agri"} {
		staffLogin(t, ctx, ts, dept)
		do(t, ctx, chromedp.Navigate(ts.URL+"/work"), chromedp.WaitVisible(chromedp.CSS(`table tbody a.code`)))
		if rows := text(t, ctx, "table tbody"); !strings.Contains(rows, "宅基地") || !strings.Contains(rows, "会办") {
			t.Fatalf("%s's inbox: %s", dept, rows)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`table tbody a.code`)), chromedp.WaitVisible(chromedp.CSS(".task-form")),
			chromedp.SendKeys(chromedp.CSS(".task-form #f-note"), "符合村庄规划，现场查看无异议"))
		if i == 0 {
			shot(t, ctx, "dept-review")
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`.task-form button[type="submit"]`)),
			chromedp.WaitNotPresent(chromedp.CSS(".task-form")))
		if tl := text(t, ctx, ".tasks"); strings.Count(tl, "已办理") != i+1 {
			t.Fatalf("after %s's review: %s", dept, tl)
		}
		// The department never gets the town's actions.
		if p := text(t, ctx, "main"); strings.Contains(p, "材料齐全，受理") || strings.Contains(p, "办结") && strings.Contains(p, "决定文书") {
			t.Fatalf("%s sees the town's actions: %s", dept, p)
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitNotPresent(chromedp.CSS(`form[action="/logout"]`)))
	}
	ctx = town
	do(t, ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`form[action$="/decide"]`)))
	if tl := text(t, ctx, ".timeline"); !strings.Contains(tl, "进入“审批并核发批准书”环节") {
		t.Fatalf("timeline after the join: %s", tl)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`form[action$="/decide"] #f-note`), "经联合审查，符合条件"),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-doc`), []string{doc}))
	shot(t, ctx, "town-decides")
	do(t, ctx, chromedp.Click(chromedp.CSS(`form[action$="/decide"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/decide"]`)))
	shot(t, ctx, "town-decided")
	if p := text(t, ctx, "main"); !strings.Contains(p, "办理结果文书") || !strings.Contains(p, "准予") {
		t.Fatalf("after the decision: %s", p)
	}
	// 宅基地 has no 制证 step: the town hands over the 批准书 next, with no task form in the way.
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".task-form").length`)); err != nil || n != 0 {
		t.Fatalf("task forms after the decision: %d %v", n, err)
	}
}

// TestBrowserBundle: on a phone, a citizen applies for 开办餐饮店 with one
// form and one set of materials and finds both cases in 我的办件.
func TestBrowserBundle(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	ctx := browser(t, 375, 812)
	pdf := filepath.Join(t.TempDir(), "材料.pdf")
	if err := os.WriteFile(pdf, testPDF, 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/login/citizen?with=password&next=/bundles"),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), demo.People[0].Mobile),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.CitizenPassword+"\r"),
		chromedp.WaitVisible(chromedp.CSS(`a.button[href="/bundles/open-restaurant"]`)))
	shot(t, ctx, "phone-bundles")
	do(t, ctx, chromedp.Click(chromedp.CSS(`a.button[href="/bundles/open-restaurant"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[type=file]`)))
	fill := map[string]string{"f.premises": "雨山区湖东路1号", "f.items": "热食类食品制售", "f.scope": "餐饮服务", "f.capital": "5"}
	for k, v := range fill {
		do(t, ctx, chromedp.SendKeys(chromedp.CSS(`[name="`+k+`"]`), v))
	}
	do(t, ctx, chromedp.SetValue(chromedp.CSS(`[name="f.format"]`), "餐饮服务经营者"),
		chromedp.SetValue(chromedp.CSS(`[name="f.online"]`), "否"),
		chromedp.SetValue(chromedp.CSS(`[name="f.form"]`), "个人经营"))
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("input[type=file]")].map(e => e.name)`))
	if err != nil || len(names) == 0 {
		t.Fatalf("file inputs: %v %v", names, err)
	}
	for _, n := range names {
		do(t, ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[name="`+n+`"]`), []string{pdf}))
	}
	shot(t, ctx, "phone-bundle-form")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#apply-form button[value="submit"]:not(.default-submit)`)),
		chromedp.WaitVisible(chromedp.CSS(`table tbody a.code`)))
	shot(t, ctx, "phone-bundle-cases")
	if rows := text(t, ctx, "table tbody"); strings.Count(rows, "一件事：开办餐饮店") != 2 {
		t.Fatalf("my cases after the bundle: %s", rows)
	}
}
