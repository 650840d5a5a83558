package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestBrowserLicense is the e-license journey in Chromium, each person in a
// browser of their own: 王五 applies online for 个体工商户设立登记; the
// 市场监管局 officer accepts, reviews and grants it; 王五 finds the 营业执照
// on his case and in 我的证照 (desktop and phone); anyone verifies it as
// valid; the officer revokes it and the verification page says so; 张三,
// who holds a valid 营业执照, applies for 食品经营许可 without handing it in.
func TestBrowserLicense(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	biz := publishedByName(t, ts, "个体工商户设立登记")
	food := publishedByName(t, ts, "食品经营许可")
	pdf := filepath.Join(t.TempDir(), "材料.pdf")
	if err := os.WriteFile(pdf, testPDF, 0o644); err != nil {
		t.Fatal(err)
	}
	const shop = "雨山区王五五金店"
	wang := demo.People[1]

	// 1. 王五 applies online from the guide.
	citizen := browser(t, 1280, 900)
	citizenLogin(t, citizen, ts, wang, "/items/"+biz.Code, `a[href="/apply/`+biz.Code+`"]`)
	do(t, citizen, chromedp.Click(chromedp.CSS(`a[href="/apply/`+biz.Code+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#apply-form [name="f.shop"]`)))
	if got := inputValue(t, citizen, `[name="f.operator"]`); got != wang.Name {
		t.Fatalf("the operator is not filled in from the account: %q", got)
	}
	do(t, citizen, chromedp.SendKeys(chromedp.CSS(`[name="f.shop"]`), shop),
		chromedp.SendKeys(chromedp.CSS(`[name="f.premises"]`), "雨山区佳山路18号"),
		chromedp.SendKeys(chromedp.CSS(`[name="f.scope"]`), "五金交电零售；日用百货零售"),
		chromedp.SendKeys(chromedp.CSS(`[name="f.capital"]`), "5"),
		chromedp.SetValue(chromedp.CSS(`[name="f.form"]`), "个人经营"))
	uploadRequired(t, citizen, biz, pdf)
	shot(t, citizen, "license-apply")
	clickThrough(t, citizen, `#apply-form button.button[value="submit"]`, "#case-no")
	no := text(t, citizen, "#case-no")
	caseURL, err := chromedp.Run(citizen, chromedp.Location())
	if err != nil || len(no) != 43 {
		t.Fatalf("case %q at %s: %v", no, caseURL, err)
	}

	// 2. The officer finds it in the inbox, accepts, reviews and grants it.
	officer := browser(t, 1280, 900)
	staffLogin(t, officer, ts, "officer")
	do(t, officer, chromedp.Navigate(ts.URL+"/work"), chromedp.WaitVisible(chromedp.CSS(`form.filters #f-q`)),
		chromedp.SendKeys(chromedp.CSS(`form.filters #f-q`), no))
	clickThrough(t, officer, `form.filters button[type="submit"]`, `table tbody a.code`)
	if rows := text(t, officer, "table tbody"); !strings.Contains(rows, no) || !strings.Contains(rows, "个体工商户设立登记") {
		t.Fatalf("the officer's inbox: %s", rows)
	}
	do(t, officer, chromedp.Click(chromedp.CSS(`table tbody a.code`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/accept"] button`)))
	if p := text(t, officer, "main"); !strings.Contains(p, shop) {
		t.Fatalf("the officer's case page lacks the shop name: %s", p)
	}
	clickThrough(t, officer, `form[action$="/accept"] button`, "h1")
	for range 5 { // one review per stage before the decision
		action, err := chromedp.Run(officer, chromedp.Evaluate[string](
			`(document.querySelector(".task-form input[name=opinion]")||{form:{}}).form.getAttribute?.("action")||""`))
		if err != nil {
			t.Fatal(err)
		}
		if action == "" {
			break
		}
		form := `form[action="` + action + `"]`
		do(t, officer, chromedp.Click(chromedp.CSS(form+` input[name="opinion"][value="agree"]`)),
			chromedp.SendKeys(chromedp.CSS(form+` #f-note`), "经营场所与经营范围符合登记规定"))
		clickThrough(t, officer, form+` button[type="submit"]`, "h1")
		if n, _ := chromedp.Run(officer, chromedp.Evaluate[int](`document.querySelectorAll('`+form+`').length`)); n != 0 {
			t.Fatalf("the review task %s is still open: %s", action, text(t, officer, "main"))
		}
	}
	do(t, officer, chromedp.WaitVisible(chromedp.CSS(`form[action$="/decide"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/decide"] input[name="decision"][value="granted"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/decide"] #f-note`), "申请材料齐全，符合法定形式，准予登记"))
	shot(t, officer, "license-officer-decides")
	clickThrough(t, officer, `form[action$="/decide"] button[type="submit"]`, ".case-state")
	if st := text(t, officer, ".case-state"); !strings.Contains(st, "准予") {
		t.Fatalf("after the decision: %s", st)
	}
	if tl := text(t, officer, ".timeline"); !strings.Contains(tl, "营业执照") {
		t.Fatalf("the timeline does not tell the license was issued: %s", tl)
	}

	// 3. 王五 sees the results on his case, then the license in 我的证照.
	reloadAndWait(t, citizen, "#results")
	results := text(t, citizen, "#results")
	for _, want := range []string{"营业执照", "准予行政许可决定书"} {
		if !strings.Contains(results, want) {
			t.Fatalf("the case's results lack %s: %s", want, results)
		}
	}
	id, err := chromedp.Run(citizen, chromedp.Evaluate[string](
		`[...document.querySelectorAll("#results li")].find(li => li.textContent.trim().startsWith("营业执照")).querySelector('a[href^="/licenses/"]').getAttribute("href").slice("/licenses/".length)`))
	if err != nil || !strings.HasPrefix(id, "1.2.156.") {
		t.Fatalf("the 营业执照 link on the case: %q %v", id, err)
	}
	shot(t, citizen, "license-case-results")
	card := `#licenses a[href="/licenses/` + id + `"]`
	clickThrough(t, citizen, `header a[href="/licenses"]`, card)
	if c := text(t, citizen, "#licenses"); !strings.Contains(c, "营业执照") || !strings.Contains(c, "有效") || !strings.Contains(c, id) {
		t.Fatalf("the wallet's license cards: %s", c)
	}
	if d := text(t, citizen, "#documents"); !strings.Contains(d, "准予行政许可决定书") || !strings.Contains(d, no) {
		t.Fatalf("the wallet's documents: %s", d)
	}
	shot(t, citizen, "license-wallet-desktop")
	clickThrough(t, citizen, card, "#license-doc")
	checkLicenseDoc(t, citizen, shop, wang.Name)
	if n, _ := chromedp.Run(citizen, chromedp.Evaluate[int](`document.querySelectorAll("#license-manage").length`)); n != 0 {
		t.Fatal("the holder is offered the issuer's changes")
	}
	shot(t, citizen, "license-doc-desktop")

	// The same on his phone.
	phone := phoneBrowser(t)
	citizenLogin(t, phone, ts, wang, "/licenses", card)
	checkFits(t, phone, "the wallet")
	shot(t, phone, "license-wallet-phone")
	clickThrough(t, phone, card, "#license-doc")
	checkLicenseDoc(t, phone, shop, wang.Name)
	checkFits(t, phone, "the license")
	shot(t, phone, "license-doc-phone")

	// 4. Anyone verifies it by its identifier: valid, the holder masked.
	anon := phoneBrowser(t)
	do(t, anon, chromedp.Navigate(ts.URL+"/verify"), chromedp.WaitVisible(chromedp.CSS("#f-q")),
		chromedp.SendKeys(chromedp.CSS("#f-q"), id))
	clickThrough(t, anon, `form[action="/verify"][method="get"] button[type="submit"]`, "#verdict-word")
	if w := strings.TrimSpace(text(t, anon, "#verdict-word")); w != "有效" {
		t.Fatalf("verdict before revocation: %q (%s)", w, text(t, anon, "main"))
	}
	if m := text(t, anon, "main"); strings.Contains(m, wang.Name) || strings.Contains(m, wang.IDCard) || !strings.Contains(m, "营业执照") {
		t.Fatalf("the public verification page: %s", m)
	}
	checkFits(t, anon, "the verification page")
	shot(t, anon, "license-verify-valid")

	// 5. The officer finds it among the licenses the office issued and revokes it.
	do(t, officer, chromedp.Navigate(ts.URL+"/staff"), chromedp.WaitVisible(chromedp.CSS(`a[href="/work/licenses"]`)))
	clickThrough(t, officer, `a[href="/work/licenses"]`, "#work-licenses")
	do(t, officer, chromedp.SendKeys(chromedp.CSS("#f-q"), wang.Name))
	row := `#work-licenses a[href="/licenses/` + id + `"]`
	clickThrough(t, officer, `form[action="/work/licenses"] button[type="submit"]`, row)
	if rows := text(t, officer, "#work-licenses tbody"); strings.Contains(rows, "张三") {
		t.Fatalf("the search for %s lists others' licenses: %s", wang.Name, rows)
	}
	shot(t, officer, "license-work-list")
	clickThrough(t, officer, row, "#license-manage #f-reason")
	checkLicenseDoc(t, officer, shop, wang.Name)
	do(t, officer, chromedp.SendKeys(chromedp.CSS("#f-reason"), "经营场所系伪造租赁合同取得，依法吊销营业执照"))
	shot(t, officer, "license-officer-revokes")
	clickThrough(t, officer, "#revoke", "#license-status")
	if st := text(t, officer, "#license-status"); !strings.Contains(st, "已吊销") || !strings.Contains(st, "伪造租赁合同") {
		t.Fatalf("after revocation: %s", st)
	}
	if ev := text(t, officer, "#license-events"); !strings.Contains(ev, "伪造租赁合同") {
		t.Fatalf("the license's history lacks the revocation: %s", ev)
	}
	shot(t, officer, "license-revoked")

	// 6. The verification page, reloaded, says so.
	reloadAndWait(t, anon, "#verdict-word")
	if w := strings.TrimSpace(text(t, anon, "#verdict-word")); w != "已吊销" {
		t.Fatalf("verdict after revocation: %q (%s)", w, text(t, anon, "main"))
	}
	checkFits(t, anon, "the verification page")
	shot(t, anon, "license-verify-revoked")

	// 7. 张三's valid 营业执照 is used for his 食品经营许可 instead of an upload.
	held := demoLicense(t, ts)
	mi := -1
	for i, m := range food.Guide.Materials {
		if m.Source == "license" && m.License == "营业执照" {
			mi = i
		}
	}
	if mi < 0 {
		t.Fatal("食品经营许可 does not ask for a 营业执照")
	}
	zhang := browser(t, 1280, 900)
	auto := "#auto-" + itoa(mi)
	citizenLogin(t, zhang, ts, demo.People[0], "/apply/"+food.Code, auto)
	if a := text(t, zhang, auto); !strings.Contains(a, "电子证照免提交") || !strings.Contains(a, held.ID) {
		t.Fatalf("the 营业执照 material on the apply page: %s", a)
	}
	if n, _ := chromedp.Run(zhang, chromedp.Evaluate[int](`document.querySelectorAll('input[name="m`+itoa(mi)+`"]').length`)); n != 0 {
		t.Fatal("the apply page asks for a file for the 营业执照 it already has")
	}
	do(t, zhang, chromedp.SendKeys(chromedp.CSS(`[name="f.operator"]`), "雨山区张三便利店"),
		chromedp.SendKeys(chromedp.CSS(`[name="f.premises"]`), "雨山区佳山路6号"),
		chromedp.SetValue(chromedp.CSS(`[name="f.format"]`), "食品销售经营者"),
		chromedp.SendKeys(chromedp.CSS(`[name="f.items"]`), "预包装食品销售（含冷藏冷冻食品）"),
		chromedp.SetValue(chromedp.CSS(`[name="f.online"]`), "否"))
	uploadRequired(t, zhang, food, pdf)
	shot(t, zhang, "license-apply-auto")
	clickThrough(t, zhang, `#apply-form button.button[value="submit"]`, "#case-no")
	got, err := chromedp.Run(zhang, chromedp.Evaluate[[]string](`(li => li ? [li.textContent, li.querySelector('a[href^="/verify?id="]')?.getAttribute("href") || ""] : [])(
		[...document.querySelectorAll("main section.panel li")].find(li => li.textContent.trim().startsWith("营业执照")))`))
	if err != nil || len(got) != 2 || !strings.Contains(got[0], "电子证照免提交") || got[1] != "/verify?id="+held.ID {
		t.Fatalf("the 营业执照 among the submitted materials: %q %v", got, err)
	}
	shot(t, zhang, "license-case-auto")
}

// phoneBrowser is a browser with a phone's 390×844 viewport. (Headless
// Chromium keeps its window at least 500 pixels wide, so the size is
// emulated.)
func phoneBrowser(t *testing.T) context.Context {
	t.Helper()
	ctx := browser(t, 390, 844)
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	return ctx
}

// citizenLogin logs a demo citizen in with the password, going next, and
// waits for want there.
func citizenLogin(t *testing.T, ctx context.Context, ts *testServer, p demo.Person, next, want string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(ts.URL+"/login/citizen?with=password&next="+url.QueryEscape(next)),
		chromedp.SendKeys(chromedp.CSS("#f-mobile"), p.Mobile),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.CitizenPassword+"\r"),
		chromedp.WaitVisible(chromedp.CSS(want)))
}

// clickThrough clicks sel, which loads another page, and waits for want on
// that page: the page being left is marked, so want is never found there.
func clickThrough(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = "1"`),
		chromedp.Click(chromedp.CSS(sel)),
		chromedp.WaitVisible(chromedp.CSS(`body:not([data-left]) `+want)))
}

// reloadAndWait reloads the page and waits for want on the new one.
func reloadAndWait(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.body.dataset.left = "1"`),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`body:not([data-left]) `+want)))
}

func inputValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// uploadRequired chooses pdf for every required material the applicant
// hands in, then waits until the page's autosave has kept them all in the
// draft.
func uploadRequired(t *testing.T, ctx context.Context, en catalog.Entry, pdf string) {
	t.Helper()
	n := 0
	for i, m := range en.Guide.Materials {
		if m.Source == "applicant" && m.Required {
			do(t, ctx, chromedp.SetUploadFiles(chromedp.CSS(`#apply-form input[name="m`+itoa(i)+`"]`), []string{pdf}))
			n++
		}
	}
	if n == 0 {
		t.Fatalf("%s asks for no uploads", en.Base.Name)
	}
	// Saved files are cleared from their inputs and marked 已上传.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("saved").textContent.includes("已自动保存") &&
		[...document.querySelectorAll("#apply-form input[type=file]")].every(f => !f.files.length) &&
		document.querySelectorAll('#apply-form [id^="have-"]').length >= `+itoa(n))); err != nil {
		t.Fatalf("the chosen files were not autosaved: %v (%s)", err, text(t, ctx, "#saved"))
	}
}

// checkLicenseDoc checks the license page shows the document: its title,
// holder and shop, the issuer's seal and a decoded QR code image.
func checkLicenseDoc(t *testing.T, ctx context.Context, shop, holder string) {
	t.Helper()
	doc := text(t, ctx, "#license-doc")
	for _, want := range []string{"营业执照", shop, holder, "仅供办理政务服务事项时使用", "雨山区市场监督管理局"} {
		if !strings.Contains(doc, want) {
			t.Fatalf("the license document lacks %q: %s", want, doc)
		}
	}
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const seal = document.querySelector("#license-doc .license-seal svg");
		const qr = document.querySelector('#license-doc .license-qr img[src^="data:image/png"]');
		return !!seal && seal.getBoundingClientRect().width > 0 && !!qr && qr.complete && qr.naturalWidth > 0;
	})()`))
	if err != nil || !ok {
		t.Fatalf("the license document lacks its seal or QR code: %v", err)
	}
}

// checkFits checks the page does not scroll sideways on a phone.
func checkFits(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
	if err != nil || len(w) != 2 || w[0] > w[1] || w[1] > 390 {
		// The innermost elements whose content is wider than they are.
		wide, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			const over = [...document.body.querySelectorAll("*")].filter(e => e.scrollWidth > e.clientWidth + 1 &&
				getComputedStyle(e).overflowX === "visible" && getComputedStyle(e).display !== "inline");
			return over.filter(e => !over.some(o => o !== e && e.contains(o))).map(e =>
				e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className.toString().trim().split(/\s+/).join(".") : "") +
				" " + JSON.stringify(e.textContent.trim().slice(0, 40)));
		})()`))
		t.Errorf("%s scrolls sideways on a phone (page %v wide): %v", what, w, wide)
	}
}
