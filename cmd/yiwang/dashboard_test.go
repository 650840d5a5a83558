package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/kpi"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// orgOf is the org of a demo staff member.
func orgOf(t *testing.T, ts *testServer, username string) string {
	t.Helper()
	a, err := ts.app.db.AccountByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return a.OrgID
}

// withHistory starts the server with the demo's past months of cases.
func withHistory(c *serveConfig) { c.noHistory = false }

// lastMonth is the calendar month before the running one, Beijing time.
func lastMonth() string {
	now := time.Now().In(yiwang.Shanghai)
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, yiwang.Shanghai).AddDate(0, -1, 0).Format("2006-01")
}

// onTimeBySQL counts last month's decided service cases and those decided
// on or before their deadline, reading the rows and comparing in Go: a
// second way to the dashboard's numbers.
func onTimeBySQL(t *testing.T, ts *testServer, month string) (decided, onTime int) {
	t.Helper()
	first, _ := time.ParseInLocation("2006-01", month, yiwang.Shanghai)
	rows, err := ts.app.db.SQL().Query(`SELECT decided_at, deadline, simulated, kind FROM cases WHERE decided_at IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var at time.Time
		var deadline, kind string
		var sim bool
		if err := rows.Scan(&at, &deadline, &sim, &kind); err != nil {
			t.Fatal(err)
		}
		if sim || kind != "" || at.Before(first) || !at.Before(first.AddDate(0, 1, 0)) {
			continue
		}
		decided++
		if at.In(yiwang.Shanghai).Format(time.DateOnly) <= deadline {
			onTime++
		}
	}
	return decided, onTime
}

// TestDashboard: the supervisor's dashboard on the demo's history shows
// every figure with its definition, the numbers agree with the cases read
// another way, each drills down to what makes it; bad periods are refused;
// a department head sees their own org, an officer nothing; the monthly
// report opens and holds the numbers; weights are validated and change
// the assessment; the public summary and open data name no one.
func TestDashboard(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { dashboardJourney(t, engine) })
	}
}

func dashboardJourney(t *testing.T, engine string) {
	ts := startServer(t, engine, withHistory)
	month := lastMonth()
	superv := ts.client()
	ts.staffLogin(superv, "supervisor", demo.StaffPassword)
	p := superv.get("/work/dashboard?month=" + month)
	if p.Status != http.StatusOK {
		t.Fatalf("dashboard: %d %s", p.Status, p.Doc.Find("main").Text())
	}
	if n := p.Doc.Find(".kpi-card").Length(); n != len(kpi.Figures) {
		t.Errorf("%d cards, want %d", n, len(kpi.Figures))
	}
	defs := p.Doc.Find("#definitions").Text()
	for _, f := range kpi.Figures {
		if !strings.Contains(defs, f.Name) || !strings.Contains(defs, f.Den) {
			t.Errorf("no definition of %s", f.Name)
		}
	}
	if p.Doc.Find("svg#bars title").Length() == 0 || p.Doc.Find("svg#trend polyline").Length() == 0 {
		t.Error("charts missing")
	}
	if p.Doc.Find(".kpi-table tbody tr").Length() < 5 {
		t.Errorf("per-org table has %d rows", p.Doc.Find(".kpi-table tbody tr").Length())
	}
	// 按时办结率 agrees with the cases read another way.
	decided, onTime := onTimeBySQL(t, ts, month)
	if decided < 20 || onTime == decided {
		t.Fatalf("history gives last month %d decided, %d on time", decided, onTime)
	}
	card := p.Doc.Find(".kpi-card").Eq(6)
	if got, want := strings.TrimSpace(card.Find(".small").First().Text()), fmt.Sprintf("%d / %d", onTime, decided); !strings.HasPrefix(got, want) {
		t.Errorf("按时办结率 card %q, want %q", got, want)
	}
	wantRate := fmt.Sprintf("%.1f%%", float64(onTime)*100/float64(decided))
	if got := strings.TrimSpace(card.Find(".kpi-value").Text()); got != wantRate {
		t.Errorf("按时办结率 %q, want %q", got, wantRate)
	}
	// Its drill-down lists the cases, the on-time ones ticked.
	link, _ := card.Find(".kpi-value a").Attr("href")
	l := superv.get(link)
	if l.Status != http.StatusOK || l.Doc.Find("tbody tr").Length() != decided ||
		strings.Count(l.Doc.Find("tbody").Text(), "✓ 是") != onTime {
		t.Errorf("drill-down %s: %d, %d rows", link, l.Status, l.Doc.Find("tbody tr").Length())
	}
	// The supervisor opens a case of the list: its read-only record.
	caseLink, _ := l.Doc.Find("tbody tr td a").First().Attr("href")
	if c := superv.get(caseLink); !strings.HasPrefix(caseLink, "/work/supervision/cases/") || c.Status != http.StatusOK {
		t.Errorf("a drilled-down case %q: %d", caseLink, c.Status)
	}
	// A row's figure drills down to that org alone.
	rowLink, _ := p.Doc.Find(".kpi-table tbody tr").First().Find("td a").First().Attr("href")
	if l := superv.get(rowLink); l.Status != http.StatusOK || !strings.Contains(rowLink, "only=1") {
		t.Errorf("row drill-down %s: %d", rowLink, l.Status)
	}

	// Every page passes the accessibility checks of the others.
	for _, path := range []string{"/work/dashboard?month=" + month, link, "/work/dashboard/assessment?month=" + month,
		"/work/dashboard/weights", "/work/dashboard?org=" + url.QueryEscape(orgOf(t, ts, "head")) + "&month=" + month} {
		checkPage(t, path, superv.get(path))
	}
	checkPage(t, "/stats", ts.client().get("/stats"))

	// Bad periods: refused with a clear message.
	for q, want := range map[string]string{
		"from=2026-10-31&to=2026-10-01": "起始日期不能晚于截止日期",
		"month=2999-01":                 "尚未开始",
		"month=2026-1x":                 "月份格式",
		"from=2020-01-01&to=2026-10-01": "最长24个月",
	} {
		b := superv.get("/work/dashboard?" + q)
		if b.Status != http.StatusBadRequest || !strings.Contains(b.Doc.Find(".error-summary").Text(), want) {
			t.Errorf("%s: %d %q", q, b.Status, b.Doc.Find(".error-summary").Text())
		}
	}

	// The head of 市场监管局 sees their own org; the officer nothing.
	head := ts.client()
	ts.staffLogin(head, "head", demo.StaffPassword)
	h := head.get("/work/dashboard?month=" + month)
	if h.Status != http.StatusOK || h.Doc.Find(".kpi-table tbody tr").Length() > 1 {
		t.Errorf("head: %d, %d rows", h.Status, h.Doc.Find(".kpi-table tbody tr").Length())
	}
	var urban string
	ts.app.db.SQL().QueryRow(`SELECT id FROM orgs WHERE name LIKE '%城市管理%' OR name LIKE '%城管%' LIMIT 1`).Scan(&urban)
	if urban != "" {
		if h := head.get("/work/dashboard?org=" + urban); h.Status != http.StatusForbidden {
			t.Errorf("head asks for 城管局: %d", h.Status)
		}
	}
	// A history case opens like any other for its org, timeline and all.
	var histID, histNo string
	ts.app.db.SQL().QueryRow(`SELECT id, no FROM cases WHERE applicant_id = 'demo-history' AND org_id = $1 LIMIT 1`,
		orgOf(t, ts, "head")).Scan(&histID, &histNo)
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	if hp := officer.get("/cases/" + histID); hp.Status != http.StatusOK || !strings.Contains(hp.Body, histNo) || !strings.Contains(hp.Body, "送达") {
		t.Errorf("history case page: %d", hp.Status)
	}
	if o := officer.get("/work/dashboard"); o.Status != http.StatusForbidden {
		t.Errorf("officer: %d", o.Status)
	}

	// The monthly report.
	x := superv.get("/work/dashboard/report.xlsx?month=" + month)
	if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("report: %d %s", x.Status, x.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("汇总")
	found := false
	for _, r := range rows {
		if len(r) >= 4 && r[0] == "按时办结率" && r[1] == "合计" {
			found = r[2] == fmt.Sprint(onTime) && r[3] == fmt.Sprint(decided)
		}
	}
	if !found {
		t.Errorf("report does not hold %d/%d: %v", onTime, decided, rows)
	}
	f.Close()
	if x := superv.get("/work/dashboard/report.xlsx?month=2026-13"); x.Status != http.StatusBadRequest {
		t.Errorf("report of a bad month: %d", x.Status)
	}
	// The same report from the command line.
	file := filepath.Join(t.TempDir(), "report.xlsx")
	args := []string{"report", "--month", month, "--out", file, "--data", ts.cfg.Data}
	if ts.cfg.DB != "" {
		args = append(args, "--db", ts.cfg.DB)
	}
	if out, err := cli(t, args...); err != nil {
		t.Fatalf("yiwang report: %v %s", err, out)
	}
	if cf, err := excelize.OpenFile(file); err != nil {
		t.Errorf("the command's report: %v", err)
	} else {
		rows, _ := cf.GetRows("汇总")
		if len(rows) < 10 {
			t.Errorf("the command's report has %d rows", len(rows))
		}
		cf.Close()
	}
	if _, err := cli(t, append(args[:1:1], append([]string{"--month", "2999-01"}, args[3:]...)...)...); exitCode(err) != 2 {
		t.Errorf("report of a future month: %v", err)
	}

	// Weights: refused unless whole, non-negative and summing to 100.
	w := url.Values{}
	for _, fg := range kpi.Figures {
		w.Set(fg.Key, "0")
	}
	w.Set("on_time", "60")
	w.Set("good", "30")
	var before int
	ts.app.db.SQL().QueryRow(`SELECT COUNT(*) FROM kpi_weights`).Scan(&before)
	if r := superv.post("/work/dashboard/weights", w); r.Status != http.StatusBadRequest ||
		!strings.Contains(r.Doc.Find(".error-summary").Text(), "现在是90") {
		t.Errorf("weights summing to 90: %d %s", r.Status, r.Doc.Find(".error-summary").Text())
	}
	w.Set("web", "-10")
	w.Set("online", "20")
	if r := superv.post("/work/dashboard/weights", w); r.Status != http.StatusBadRequest || r.Doc.Find("#e-web").Length() == 0 {
		t.Errorf("negative weight: %d", r.Status)
	}
	w.Set("web", "10")
	w.Set("online", "0")
	if r := officer.post("/work/dashboard/weights", w); r.Status != http.StatusForbidden {
		t.Errorf("officer saves weights: %d", r.Status)
	}
	if ts.count("kpi_weights") != before {
		t.Fatal("refused weights were stored")
	}
	if r := superv.post("/work/dashboard/weights", w); r.Status != http.StatusSeeOther {
		t.Fatalf("weights: %d %s", r.Status, r.Doc.Find(".error-summary").Text())
	}
	a := superv.get("/work/dashboard/assessment?month=" + month)
	if a.Status != http.StatusOK || a.Doc.Find(".score-table tbody tr").Length() < 3 || !strings.Contains(a.Doc.Find(".calc").Text(), "× 60 =") {
		t.Errorf("assessment: %d %s", a.Status, a.Doc.Find("main").Text())
	}
	if a := superv.get("/work/dashboard/assessment?month=2999-01"); a.Status != http.StatusBadRequest {
		t.Errorf("assessment of a future month: %d", a.Status)
	}

	// The public summary and open data: the same numbers, no person.
	pub := ts.client()
	s := pub.get("/stats?month=" + month)
	if s.Status != http.StatusOK || s.Doc.Find(".kpi-card").Length() != len(kpi.Figures) {
		t.Fatalf("stats: %d", s.Status)
	}
	var names []string
	s.Doc.Find("main").Each(func(_ int, m *goquery.Selection) {
		for _, n := range []string{"赵明", "钱丽", "孙建国", demo.People[0].Name} {
			if strings.Contains(m.Text(), n) {
				names = append(names, n)
			}
		}
	})
	if len(names) > 0 {
		t.Errorf("the public page names %v", names)
	}
	j := pub.api(http.MethodGet, "/api/v1/stats?month="+month, "", "")
	var out struct {
		Month   string
		Figures []struct {
			Key                    string
			Numerator, Denominator int
			Rate                   *float64
		}
		Orgs []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(j.Body), &out); err != nil || j.Status != http.StatusOK || out.Month != month || len(out.Figures) != len(kpi.Figures) {
		t.Fatalf("open data: %d %v %s", j.Status, err, j.Body[:min(len(j.Body), 300)])
	}
	for _, fg := range out.Figures {
		if fg.Key == "on_time" && (fg.Numerator != onTime || fg.Denominator != decided || fg.Rate == nil) {
			t.Errorf("open data on_time %+v", fg)
		}
	}
	// A range: honoured when it makes sense, refused when it does not.
	if j := pub.api(http.MethodGet, "/api/v1/stats?from=2026-10-05&to=2026-10-01", "", ""); j.Status != http.StatusBadRequest || !strings.Contains(j.Body, "起始日期不能晚于截止日期") {
		t.Errorf("open data of a backwards range: %d %s", j.Status, j.Body)
	}
	if j := pub.api(http.MethodGet, "/api/v1/stats?from=2026-10-01&to=2026-10-07", "", ""); j.Status != http.StatusOK || !strings.Contains(j.Body, `"to":"2026-10-07"`) {
		t.Errorf("open data of a week: %d %.200s", j.Status, j.Body)
	}
	if j := pub.api(http.MethodGet, "/api/v1/stats?month=13", "", ""); j.Status != http.StatusBadRequest || !strings.Contains(j.Body, "EINVALID") {
		t.Errorf("open data of a bad month: %d %s", j.Status, j.Body)
	}
}

// TestBrowserDashboard looks at the dashboard as a supervisor on a desktop
// and a phone, and the public summary on a phone.
func TestBrowserDashboard(t *testing.T) {
	ts := startServer(t, "sqlite", withHistory)
	month := lastMonth()
	desk := browser(t, 1280, 900)
	staffLogin(t, desk, ts, "supervisor")
	do(t, desk, chromedp.Navigate(ts.URL+"/work/dashboard?month="+month), chromedp.WaitVisible(chromedp.CSS(`#bars`)))
	shot(t, desk, "dashboard-desktop")
	clickThrough(t, desk, `.kpi-card:nth-child(7) .kpi-value a`, `table tbody`)
	if got := text(t, desk, "h1"); !strings.Contains(got, "按时办结率明细") {
		t.Errorf("drill-down heading %q", got)
	}
	shot(t, desk, "dashboard-drill")
	do(t, desk, chromedp.Navigate(ts.URL+"/work/dashboard/assessment?month="+month), chromedp.WaitVisible(chromedp.CSS(`.score-table`)))
	do(t, desk, chromedp.Click(chromedp.CSS(`.score-table details summary`)))
	shot(t, desk, "dashboard-assessment")
	do(t, desk, chromedp.Navigate(ts.URL+"/work/dashboard/weights"), chromedp.WaitVisible(chromedp.CSS(`#f-on_time`)))
	shot(t, desk, "dashboard-weights")

	// The same session on a phone (a second login within the same 30 s
	// would reuse the TOTP code, which is refused).
	phone := desk
	do(t, phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	do(t, phone, chromedp.Navigate(ts.URL+"/work/dashboard?month="+month), chromedp.WaitVisible(chromedp.CSS(`#bars`)))
	shot(t, phone, "dashboard-phone")
	checkFits(t, phone, "the dashboard")
	public := phoneBrowser(t)
	do(t, public, chromedp.Navigate(ts.URL+"/stats"), chromedp.WaitVisible(chromedp.CSS(`.kpi-cards`)))
	shot(t, public, "stats-phone")
	checkFits(t, public, "the public statistics")
}
