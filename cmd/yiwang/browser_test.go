package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// browser starts headless Chromium for a test. Without Chromium the test is
// skipped, unless YIWANG_REQUIRE_BROWSER=1 (CI), where it fails.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	path := os.Getenv("YIWANG_CHROMIUM")
	if path == "" {
		for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if _, err := exec.LookPath("chromium"); err == nil {
			path = "chromium"
		}
	}
	if path == "" {
		if os.Getenv("YIWANG_REQUIRE_BROWSER") == "1" {
			t.Fatal("browser journeys need Chromium (apt-get install chromium fonts-wqy-microhei)")
		}
		t.Skip("browser journeys skipped: Chromium not installed (apt-get install chromium fonts-wqy-microhei)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(width, height))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	if width < minWindowWidth {
		// A headless window is never narrower than minWindowWidth: a phone's
		// width is emulated, as a phone's browser lays the page out.
		do(t, ctx, chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile, chromedp.EmulateTouch))
	}
	return ctx
}

// minWindowWidth is the narrowest window headless Chromium opens: asked for
// 375 pixels it lays pages out 500 wide.
const minWindowWidth = 500

// shot saves a full-page screenshot to YIWANG_SCREENSHOTS (when set) for a
// person to look at.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("YIWANG_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserJourneys(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", 1280, 900}, {"phone", 375, 812}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browser(t, size.width, size.height)
			t.Run("chinese renders", func(t *testing.T) { journeyFonts(t, ctx, ts) })
			t.Run("citizen registers and logs in with a code", func(t *testing.T) { journeyCitizen(t, ctx, ts, size.name) })
			t.Run("admin creates staff and gives a role", func(t *testing.T) { journeyAdmin(t, ctx, ts, size.name) })
			t.Run("search 低保, read the guide, print it", func(t *testing.T) { journeyGuide(t, ctx, ts, size.name) })
		})
	}
}

// journeyFonts proves Chinese text is drawn with real glyphs, not tofu: the
// same-sized images of Chinese text and of unassigned code points (which
// every font draws as the same empty box) must differ.
func journeyFonts(t *testing.T, ctx context.Context, ts *testServer) {
	do(t, ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(".brand")))
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){
		for (const [id, txt] of [["zh","雨山区政务"],["tofu","\uE000\uE001\uE002\uE003\uE004"]]) {
			const s = document.createElement("span"); s.id = id; s.textContent = txt;
			s.style.cssText = "font-size:40px;display:inline-block;padding:4px;background:#fff;color:#000";
			document.body.prepend(s);
		}
		return true })()`))
	if err != nil {
		t.Fatal(err)
	}
	zh, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#zh")))
	if err != nil {
		t.Fatal(err)
	}
	tofu, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS("#tofu")))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(zh, tofu) {
		t.Fatal("Chinese text renders as tofu boxes: install fonts-wqy-microhei")
	}
	shot(t, ctx, "fonts")
}

func journeyCitizen(t *testing.T, ctx context.Context, ts *testServer, size string) {
	p := demo.People[3] // in the population base, not registered
	if size == "phone" {
		p = demo.Person{Name: "周八", IDCard: idcard("34050419660606011"), Mobile: "13700000008"}
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/"), chromedp.Click(chromedp.CSS(`a[href="/register"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-name")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), p.Name),
		chromedp.SendKeys(chromedp.CSS("#f-idcard"), p.IDCard),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), p.Mobile),
		chromedp.Click(chromedp.CSS(`button[value="send"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice[role="status"]`)))
	shot(t, ctx, size+"-register")
	code := ts.client().lastCode(p.Mobile)
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-code"), code),
		chromedp.Click(chromedp.CSS(`button.button[value="register"]`)),
		chromedp.WaitVisible(chromedp.CSS(".facts")))
	facts := text(t, ctx, ".facts")
	if !strings.Contains(facts, p.Name) || strings.Contains(facts, p.IDCard) {
		t.Fatalf("account page: %q", facts)
	}
	shot(t, ctx, size+"-account")
	// Log out, then back in with a code (a minute after the first code).
	do(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)))
	ts.app.db.SQL().Exec(`UPDATE otp_codes SET created_at = $1`, time.Now().Add(-2*time.Minute))
	do(t, ctx, chromedp.Navigate(ts.URL+"/login/citizen"),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), p.Mobile),
		chromedp.Click(chromedp.CSS(`button[value="send"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice[role="status"]`)))
	code = ts.client().lastCode(p.Mobile)
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-code"), code+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".facts, .error-summary")))
	if msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(".error-summary")||{}).innerText||""`)); msg != "" {
		t.Fatalf("code login refused: %s (typed %s; outbox: %s)", msg, code, ts.client().get("/dev/outbox").Doc.Find("table").Eq(1).Text())
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)))
}

func journeyAdmin(t *testing.T, ctx context.Context, ts *testServer, size string) {
	a, err := ts.app.db.AccountByUsername(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.StaffPassword),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-code")))
	shot(t, ctx, size+"-totp")
	at := time.Now()
	if a.TOTPLastStep >= at.Unix()/30 {
		at = at.Add(30 * time.Second)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-code"), identity.CurrentTOTP(a.TOTPSecret, at)),
		chromedp.Click(chromedp.CSS(`button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/staff"]`)))
	shot(t, ctx, size+"-staff-home")
	username := "clerk2" + size[:1]
	do(t, ctx, chromedp.Navigate(ts.URL+"/admin/staff/new"), chromedp.WaitVisible(chromedp.CSS("#f-username")),
		chromedp.SendKeys(chromedp.CSS("#f-username"), username),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "吴窗口"),
		chromedp.SetValue(chromedp.CSS("#f-org_id"), orgID(t, ts, "综合受理窗口2号")),
		chromedp.Click(chromedp.CSS(`input[name="roles"][value="window_clerk"]`)),
		chromedp.Click(chromedp.CSS(`button.button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#initial-password")))
	shot(t, ctx, size+"-staff-created")
	if got := text(t, ctx, "#created-username"); got != username {
		t.Fatalf("created %q", got)
	}
	stored, err := ts.app.db.AccountByUsername(context.Background(), username)
	if err != nil || len(stored.Roles) != 1 || stored.Roles[0] != "window_clerk" {
		t.Fatalf("stored %+v %v", stored.Roles, err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/admin/orgs"), chromedp.WaitVisible(chromedp.CSS(".tree")))
	shot(t, ctx, size+"-orgs")
	do(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)))
}

func journeyGuide(t *testing.T, ctx context.Context, ts *testServer, size string) {
	do(t, ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#f-q")),
		chromedp.SendKeys(chromedp.CSS("#f-q"), "低保\r"),
		chromedp.WaitVisible(chromedp.CSS(".item h3 a")))
	shot(t, ctx, size+"-search")
	do(t, ctx, chromedp.Click(chromedp.CSS(".item h3 a")), chromedp.WaitVisible(chromedp.CSS("#materials")))
	if h := text(t, ctx, "h1"); !strings.Contains(h, "最低生活保障") {
		t.Fatalf("guide title %q", h)
	}
	shot(t, ctx, size+"-guide")
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#materials tbody tr").length`))
	if err != nil || rows == 0 {
		t.Fatalf("materials rows: %d %v", rows, err)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`a[href$="/print"]`)), chromedp.WaitVisible(chromedp.CSS(".print-view")))
	printed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#materials tbody tr").length`))
	if err != nil || printed != rows {
		t.Fatalf("print view has %d materials, guide %d", printed, rows)
	}
	shot(t, ctx, size+"-guide-print")
}

// TestBrowserCatalogRevision: a maintainer revises a published guide, the
// head approves, the portal shows the new version and the old one stays
// readable for cases filed under it.
func TestBrowserCatalogRevision(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	ctx := browser(t, 1280, 900)
	food := publishedByName(t, ts, "食品经营许可")
	login := func(user string) {
		a, err := ts.app.db.AccountByUsername(context.Background(), user)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Now()
		if a.TOTPLastStep >= at.Unix()/30 {
			at = at.Add(30 * time.Second)
		}
		do(t, ctx, chromedp.Navigate(ts.URL+"/staff/login"),
			chromedp.SendKeys(chromedp.CSS("#f-username"), user),
			chromedp.SendKeys(chromedp.CSS("#f-password"), demo.StaffPassword+"\r"),
			chromedp.WaitVisible(chromedp.CSS("#f-code")),
			chromedp.SendKeys(chromedp.CSS("#f-code"), identity.CurrentTOTP(a.TOTPSecret, at)+"\r"),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/catalog"]`)))
	}
	logout := func() {
		do(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitNotPresent(chromedp.CSS(`form[action="/logout"]`)))
	}
	login("catalog")
	do(t, ctx, chromedp.Navigate(ts.URL+"/admin/catalog/"+food.ID),
		chromedp.Click(chromedp.CSS(`form[action$="/new-version"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href$="/edit"]`)),
		chromedp.Click(chromedp.CSS(`a[href$="/edit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-promise_days")),
		chromedp.SetValue(chromedp.CSS("#f-promise_days"), "4"))
	shot(t, ctx, "catalog-edit")
	do(t, ctx, chromedp.Click(chromedp.CSS(`form.entry-form button.button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/submit"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/submit"] button`)),
		// Not ".notice.success": the save before left one on the page.
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/submit"]`)))
	logout()
	login("head")
	// The version waiting for review, opened by its address: clicking a
	// link of a page still loading made this test flaky.
	waiting, err := ts.app.db.ListEntries(context.Background(), catalog.Filter{Statuses: []string{catalog.StatusSubmitted}})
	if err != nil || len(waiting) != 1 {
		t.Fatalf("versions waiting for review: %d %v", len(waiting), err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/admin/catalog?status=submitted"), chromedp.WaitVisible(chromedp.CSS(`tbody a[href="/admin/catalog/`+waiting[0].ID+`"]`)),
		chromedp.Navigate(ts.URL+"/admin/catalog/"+waiting[0].ID),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/approve"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/approve"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/approve"]`)))
	logout()
	do(t, ctx, chromedp.Navigate(ts.URL+"/items/"+food.Code), chromedp.WaitVisible(chromedp.CSS(".summary-box")))
	if s := text(t, ctx, ".summary-box"); !strings.Contains(s, "承诺 4 个工作日") {
		t.Fatalf("portal after approval: %s", s)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/items/"+food.Code+"?v=1"), chromedp.WaitVisible(chromedp.CSS(".summary-box")))
	if s := text(t, ctx, ".summary-box"); !strings.Contains(s, "承诺 "+strconv.Itoa(food.PromiseDays)+" 个工作日") {
		t.Fatalf("version 1: %s", s)
	}
	shot(t, ctx, "catalog-old-version")
}

func orgID(t *testing.T, ts *testServer, name string) string {
	t.Helper()
	all, err := ts.app.orgs.Tree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no org %s", name)
	return ""
}

// TestBrowserApply: a citizen applies online from the guide with uploaded
// materials, and follows the case on the tracker.
func TestBrowserApply(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	ctx := browser(t, 375, 812)
	food := publishedByName(t, ts, "食品经营许可")
	pdf := filepath.Join(t.TempDir(), "材料.pdf")
	if err := os.WriteFile(pdf, testPDF, 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/login/citizen?with=password&next=/items/"+food.Code),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), demo.People[0].Mobile),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.CitizenPassword+"\r"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/apply/`+food.Code+`"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/apply/`+food.Code+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[type=file]`)))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("input[type=file]").length`))
	if err != nil || n == 0 {
		t.Fatalf("file inputs: %d %v", n, err)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`[name="f.operator"]`), "雨山区张三小吃店"),
		chromedp.SendKeys(chromedp.CSS(`[name="f.premises"]`), "雨山区湖东路1号"),
		chromedp.SetValue(chromedp.CSS(`[name="f.format"]`), "餐饮服务经营者"),
		chromedp.SendKeys(chromedp.CSS(`[name="f.items"]`), "热食类食品制售"),
		chromedp.SetValue(chromedp.CSS(`[name="f.online"]`), "否"))
	for i := range food.Guide.Materials {
		if food.Guide.Materials[i].Source == "applicant" {
			do(t, ctx, chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf(`input[name="m%d"]`, i)), []string{pdf}))
		}
	}
	// The script autosaves the chosen files as a draft.
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(text(t, ctx, "#saved"), "已自动保存") {
		if time.Now().After(deadline) {
			t.Fatalf("no autosave: %q", text(t, ctx, "#saved"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	shot(t, ctx, "phone-apply")
	do(t, ctx, chromedp.Click(chromedp.CSS(`form[action^="/apply/"] button.button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#case-no")))
	no := text(t, ctx, "#case-no")
	if len(no) != 43 {
		t.Fatalf("case number %q", no)
	}
	shot(t, ctx, "phone-case")
	checkFits(t, ctx, "the case page with its 申报成功 notice")
	do(t, ctx, chromedp.Navigate(ts.URL+"/track"),
		chromedp.SendKeys(chromedp.CSS("#f-no"), no),
		chromedp.SendKeys(chromedp.CSS("#f-who"), "张三\r"),
		chromedp.WaitVisible(chromedp.CSS(".timeline li")))
	shot(t, ctx, "phone-track")
	// The officer asks for one correction; the notice prints with its QR code.
	off, _ := ts.app.db.AccountByUsername(context.Background(), "officer")
	c, err := ts.app.db.CaseByNo(context.Background(), no)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.app.cases.RequestCorrection(context.Background(), off.Actor("127.0.0.1", "web"), c.ID,
		[]casework.Correction{{Material: 0, Condition: -1, Reason: "申请书缺少申请人签字"}}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/cases/"+c.ID+"/notice"), chromedp.WaitVisible(chromedp.CSS(".qr img")))
	shot(t, ctx, "phone-notice")
}

// TestBrowserOfficerDelivers: the officer sees the demo cases in the inbox,
// filters those waiting for delivery, and records a mailed result.
func TestBrowserOfficerDelivers(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	ctx := browser(t, 1280, 900)
	staffLogin(t, ctx, ts, "officer")
	do(t, ctx, chromedp.Navigate(ts.URL+"/work"), chromedp.WaitVisible(chromedp.CSS("table tbody tr")))
	shot(t, ctx, "officer-inbox")
	if rows := text(t, ctx, "table tbody"); !strings.Contains(rows, "待送达") || !strings.Contains(rows, "特别程序") || !strings.Contains(rows, "需补齐补正") {
		t.Fatalf("the demo cases are not in the inbox: %s", rows)
	}
	// The filter form is a GET form: going to its URL avoids clicking a row of
	// the page being replaced.
	do(t, ctx, chromedp.Navigate(ts.URL+"/work?state=decided"),
		chromedp.WaitVisible(chromedp.CSS(`table tbody a.code`)),
		chromedp.Click(chromedp.CSS(`table tbody a.code`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="method"][value="mail"]`)),
		chromedp.Click(chromedp.CSS(`input[name="method"][value="mail"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-address"), "雨山区湖东南路1号"),
		chromedp.SendKeys(chromedp.CSS("#f-carrier"), "中国邮政EMS"),
		chromedp.SendKeys(chromedp.CSS("#f-tracking"), "EA123456789CN"))
	shot(t, ctx, "officer-deliver")
	do(t, ctx, chromedp.Click(chromedp.CSS(`form[action$="/deliver"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/deliver"]`)))
	shot(t, ctx, "officer-delivered")
	if tl := text(t, ctx, ".timeline"); !strings.Contains(tl, "EA123456789CN") || !strings.Contains(tl, "归档") {
		t.Fatalf("timeline after delivery: %s", tl)
	}
}
