package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestBrowserWholeCase is the journey in one go, each person in a
// browser of their own: a citizen applies for a road permit on a phone with
// a material missing and is told which; the 城管 officer sends one notice
// listing two corrections; the citizen corrects; the officer accepts and
// reviews; the traffic police review in parallel; the officer decides; the
// citizen sees the whole timeline, and anyone with the number and the name
// follows it. Then a village agent files a 宅基地 application for a
// resident without an account.
func TestBrowserWholeCase(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	road := publishedByName(t, ts, "占用、挖掘城市道路审批")
	pdf := filepath.Join(t.TempDir(), "材料.pdf")
	if err := os.WriteFile(pdf, testPDF, 0o644); err != nil {
		t.Fatal(err)
	}
	citizen := browser(t, 375, 812)
	do(t, citizen, chromedp.Navigate(ts.URL+"/login/citizen?with=password&next=/apply/"+road.Code),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), demo.People[0].Mobile),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.CitizenPassword+"\r"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="m0"]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="m0"]`), []string{pdf}),
		chromedp.Click(chromedp.CSS(`form[action^="/apply/"] button.button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".error-summary")))
	if e := text(t, citizen, ".error-summary"); !strings.Contains(e, road.Guide.Materials[1].Name) {
		t.Fatalf("the missing material is not named: %s", e)
	}
	shot(t, citizen, "journey-missing")
	// The file chosen before is kept: only the missing one is asked for.
	if have := text(t, citizen, "#have-0"); !strings.Contains(have, "已上传") {
		t.Fatalf("the uploaded file was forgotten: %q", have)
	}
	do(t, citizen, chromedp.SetUploadFiles(chromedp.CSS(`input[name="m1"]`), []string{pdf}),
		chromedp.Click(chromedp.CSS(`form[action^="/apply/"] button.button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#case-no")))
	no := text(t, citizen, "#case-no")
	caseURL, err := chromedp.Run(citizen, chromedp.Location())
	if err != nil || len(no) != 43 {
		t.Fatalf("case %q at %s: %v", no, caseURL, err)
	}

	// The 城管 officer sends ONE notice with two corrections.
	officer := browser(t, 1280, 900)
	staffLogin(t, officer, ts, "urban")
	do(t, officer, chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.CSS(`form[action$="/correct"]`)),
		chromedp.Click(chromedp.CSS(`input[name="item"][value="m:0"]`)),
		chromedp.SendKeys(chromedp.CSS(`#r-m-0`), "申请表缺少申请人签字"),
		chromedp.Click(chromedp.CSS(`input[name="item"][value="m:1"]`)),
		chromedp.SendKeys(chromedp.CSS(`#r-m-1`), "平面图未标明占用范围和尺寸"),
		chromedp.Click(chromedp.CSS(`form[action$="/correct"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/correct"]`)))

	// The citizen sees both and corrects them at once.
	do(t, citizen, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".notice-box")))
	if n, err := chromedp.Run(citizen, chromedp.Evaluate[int](`document.querySelectorAll(".notice-box li").length`)); err != nil || n != 2 {
		t.Fatalf("corrections listed: %d %v", n, err)
	}
	shot(t, citizen, "journey-correct")
	do(t, citizen, chromedp.SetUploadFiles(chromedp.CSS(`#f-m0`), []string{pdf}),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-m1`), []string{pdf}),
		chromedp.Click(chromedp.CSS(`form[action$="/resubmit"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(".notice-box")))

	// Accepted; the 城管 review done, the decision waits for the police.
	do(t, officer, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`form[action$="/accept"]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".task-form")),
		chromedp.SendKeys(chromedp.CSS(".task-form #f-note"), "现场踏勘无异议"),
		chromedp.Click(chromedp.CSS(`.task-form button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(".task-form")))
	if p := text(t, officer, "main"); !strings.Contains(p, "等待以下部门完成审查：马鞍山市公安局雨山分局") {
		t.Fatalf("the officer's page while the police review: %s", p)
	}
	police := browser(t, 1280, 900)
	staffLogin(t, police, ts, "police")
	do(t, police, chromedp.Navigate(ts.URL+"/work"), chromedp.WaitVisible(chromedp.CSS(`table tbody a.code`)))
	if rows := text(t, police, "table tbody"); !strings.Contains(rows, no) || !strings.Contains(rows, "会办") {
		t.Fatalf("the police inbox: %s", rows)
	}
	do(t, police, chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.CSS(".task-form")),
		chromedp.SendKeys(chromedp.CSS(".task-form #f-note"), "同意，请设置交通安全设施"),
		chromedp.Click(chromedp.CSS(`.task-form button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(".task-form")))

	// Decided.
	do(t, officer, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`form[action$="/decide"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/decide"] #f-note`), "经审查及交警部门同意，准予临时占用"),
		chromedp.Click(chromedp.CSS(`form[action$="/decide"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/decide"]`)))

	// The citizen sees the whole timeline; so does anyone with number and name.
	do(t, citizen, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".timeline")))
	shot(t, citizen, "journey-decided")
	tl := text(t, citizen, ".timeline")
	for _, want := range []string{"提交申请", "一次性告知需补正 2 项", "提交补正材料", "已受理", "城管局已办理", "公安局雨山分局已办理", "办结：准予"} {
		if !strings.Contains(tl, want) {
			t.Fatalf("timeline lacks %q: %s", want, tl)
		}
	}
	if strings.Contains(tl, "交通安全设施") {
		t.Fatal("a reviewer's remark is on the applicant's timeline")
	}
	anon := browser(t, 375, 812)
	do(t, anon, chromedp.Navigate(ts.URL+"/track"),
		chromedp.SendKeys(chromedp.CSS("#f-no"), no),
		chromedp.SendKeys(chromedp.CSS("#f-who"), "张三\r"),
		chromedp.WaitVisible(chromedp.CSS(".timeline li")))
	if tr := text(t, anon, "main"); !strings.Contains(tr, "办结：准予") || strings.Contains(tr, "张三") {
		t.Fatalf("public tracker: %s", tr)
	}

	// A village agent files for a resident who has no account.
	var homestead catalog.Entry
	town, _ := ts.app.db.AccountByUsername(context.Background(), "township")
	list, _ := ts.app.db.ListEntries(context.Background(), catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	for _, e := range list {
		if e.Base.Name == "农村村民宅基地审批" && e.OrgID == town.OrgID {
			homestead = e
		}
	}
	agent := browser(t, 1280, 900)
	staffLogin(t, agent, ts, "agent")
	p := demo.People[2]
	do(t, agent, chromedp.Navigate(ts.URL+"/window/file?code="+homestead.Code), chromedp.WaitVisible(chromedp.CSS("#f-name")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), p.Name),
		chromedp.SendKeys(chromedp.CSS("#f-idcard"), p.IDCard),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), p.Mobile))
	for i, m := range homestead.Guide.Materials {
		if m.Source == "applicant" && m.Required {
			do(t, agent, chromedp.SetUploadFiles(chromedp.CSS(`input[name="m`+itoa(i)+`"]`), []string{pdf}))
		}
	}
	do(t, agent, chromedp.Click(chromedp.CSS(`form[method="post"][action^="/window/file"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#case-no")))
	shot(t, agent, "journey-agent")
	if head := text(t, agent, "main"); !strings.Contains(head, "村（社区）代办") || !strings.Contains(head, "向山镇") {
		t.Fatalf("the agent's case: %s", head)
	}
}
