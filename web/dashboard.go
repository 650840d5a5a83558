package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/kpi"
	"github.com/yushan-gov/yiwang/org"
)

// The supervision dashboard (监察统计), its drill-down lists, the monthly
// report, the assessment (绩效考核) and its weights; the public summary
// (/stats, /api/v1/stats). The figures are counted by kpi; these pages
// only show them.

// trendMonths is how many months the trend chart shows.
const trendMonths = 12

// kpiCell is one figure as shown: its value, where it drills down to,
// and (on the cards) its gauge.
type kpiCell struct {
	kpi.Value
	Link  template.URL
	Gauge template.HTML
}

// kpiRowView is one org's line of the table.
type kpiRowView struct {
	Org    org.Org
	Rollup bool
	Cells  []kpiCell
}

// chartLink offers another figure for the bar chart.
type chartLink struct {
	Figure  kpi.Figure
	Link    template.URL
	Current bool
}

type dashboardView struct {
	Page
	Form    Form
	Failed  bool // the period was refused: only the form is shown
	Table   kpi.Table
	Cards   []kpiCell
	Rows    []kpiRowView
	Levels  []kpiRowView
	Figures []kpi.Figure
	Chart   kpi.Figure // the figure of the bar chart
	Charts  []chartLink
	Bars    template.HTML
	Trend   template.HTML
	Points  []kpi.Point
	Series  []kpi.Figure
	Orgs    []org.Node // the orgs the viewer may choose
	LevelOf []org.Level
	Report  template.URL
	Superv  bool
}

// dashQuery reads the selection of the dashboard's form.
func (s *Server) dashQuery(r *http.Request) (kpi.Query, Form, error) {
	f := newForm(r, "month", "from", "to", "org", "level", "chart")
	for _, k := range []string{"month", "from", "to", "org", "level", "chart"} {
		f.Values[k] = r.URL.Query().Get(k)
	}
	q := kpi.Query{OrgID: f.Values["org"], Only: r.URL.Query().Get("only") == "1"}
	q.Level, _ = strconv.Atoi(f.Values["level"])
	p, err := kpi.ParsePeriod(f.Values["month"], f.Values["from"], f.Values["to"], s.Clock.Now())
	if err != nil {
		f.Fail(err)
		return q, f, err
	}
	q.Period = p
	if f.Values["month"] == "" && f.Values["from"] == "" {
		f.Values["month"] = p.Month
	}
	return q, f, nil
}

// dashValues is the query string selecting q.
func dashValues(q kpi.Query) url.Values {
	v := url.Values{}
	if q.Period.Month != "" {
		v.Set("month", q.Period.Month)
	} else {
		v.Set("from", q.Period.From)
		v.Set("to", q.Period.To)
	}
	if q.OrgID != "" {
		v.Set("org", q.OrgID)
	}
	if q.Only {
		v.Set("only", "1")
	}
	if q.Level != 0 {
		v.Set("level", strconv.Itoa(q.Level))
	}
	return v
}

// drillLink is the drill-down of figure key under q; orgID, when set,
// narrows it to that one org (a row of the table).
func drillLink(q kpi.Query, key, orgID string) template.URL {
	if orgID != "" {
		q.OrgID, q.Only = orgID, true
	}
	v := dashValues(q)
	v.Set("figure", key)
	return template.URL("/work/dashboard/list?" + v.Encode())
}

func cellsOf(q kpi.Query, vs []kpi.Value, orgID string, gauges bool) []kpiCell {
	out := make([]kpiCell, len(vs))
	for i, v := range vs {
		out[i] = kpiCell{Value: v, Link: drillLink(q, v.Key, orgID)}
		if gauges {
			out[i].Gauge = gauge(v)
		}
	}
	return out
}

func requireDashboard(r *http.Request) (yiwang.Actor, error) {
	return requireRole(r, yiwang.RoleSupervisor, yiwang.RoleDeptHead)
}

// errNoKPI answers when the server runs without the statistics.
var errNoKPI = yiwang.Errorf(yiwang.ENOTFOUND, "本平台未开启统计功能")

// dashboard is /work/dashboard: KPI cards, the per-org table, the charts.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	if s.KPI == nil {
		return errNoKPI
	}
	actor, err := requireDashboard(r)
	if err != nil {
		return err
	}
	v := &dashboardView{Page: s.page(r, "监察统计"), Figures: kpi.Figures, Superv: actor.Has(yiwang.RoleSupervisor),
		LevelOf: []org.Level{org.LevelCounty, org.LevelTownship, org.LevelVillage}}
	all, err := s.Orgs.Tree(r.Context())
	if err != nil {
		return err
	}
	var mine map[string]bool
	if !v.Superv {
		mine = org.Descendants(all, actor.OrgID)
	}
	for _, n := range org.Walk(all) {
		if (mine == nil || mine[n.ID]) && n.Kind != org.KindWindow && n.Kind != org.KindAgentPoint {
			v.Orgs = append(v.Orgs, n)
		}
	}
	q, form, err := s.dashQuery(r)
	v.Form = form
	if err != nil {
		v.Failed = true
		w.WriteHeader(status(err))
		s.render(w, r, "dashboard", v)
		return nil
	}
	if v.Table, v.Points, err = s.KPI.Dashboard(r.Context(), actor, q, trendMonths); err != nil {
		return err
	}
	v.Cards = cellsOf(q, v.Table.Total.Values, "", true)
	for _, row := range v.Table.Rows {
		rv := kpiRowView{Org: row.Org, Rollup: row.Rollup, Cells: cellsOf(q, row.Values, row.Org.ID, false)}
		if row.Rollup { // the township with everything under it
			rq := q
			rq.OrgID, rq.Only = row.Org.ID, false
			rv.Cells = cellsOf(rq, row.Values, "", false)
		}
		v.Rows = append(v.Rows, rv)
	}
	for _, row := range v.Table.Levels {
		lq := q
		lq.Level = int(row.Org.Level)
		v.Levels = append(v.Levels, kpiRowView{Org: row.Org, Cells: cellsOf(lq, row.Values, "", false)})
	}
	v.Chart, _ = kpi.FigureByKey("on_time")
	if c, ok := kpi.FigureByKey(form.Values["chart"]); ok {
		v.Chart = c
	}
	for _, f := range kpi.Figures {
		cv := dashValues(q)
		cv.Set("chart", f.Key)
		v.Charts = append(v.Charts, chartLink{Figure: f, Link: template.URL("/work/dashboard?" + cv.Encode() + "#chart"),
			Current: f.Key == v.Chart.Key})
	}
	v.Bars = barChart("bars", v.Chart, v.Table.Rows, func(row kpi.Row) template.URL {
		if row.Rollup {
			rq := q
			rq.OrgID, rq.Only = row.Org.ID, false
			return drillLink(rq, v.Chart.Key, "")
		}
		return drillLink(q, v.Chart.Key, row.Org.ID)
	})
	month := q.Period.Month
	if month == "" {
		month = q.Period.To[:7]
	}
	v.Report = template.URL("/work/dashboard/report.xlsx?month=" + month)
	series := []trendSeries{{Color: "#1d5fb4"}, {Color: "#1a7f37", Dash: "6 3"}, {Color: "#9a6700", Dash: "2 3"}}
	for i, k := range []string{"on_time", "web", "good"} {
		series[i].Figure, _ = kpi.FigureByKey(k)
		v.Series = append(v.Series, series[i].Figure)
	}
	v.Trend = trendChart("trend", v.Points, series)
	s.render(w, r, "dashboard", v)
	return nil
}

type dashListView struct {
	Page
	Figure kpi.Figure
	Value  kpi.Value
	Scope  string
	Period kpi.Period
	Items  []kpi.Item
	In     int // items listed in the numerator
	Limit  int
	Back   template.URL
	Orgs   map[string]string
	// Open: the viewer works cases and may open them (of their own org);
	// others (supervisors, heads) get the read-only record in supervision.
	Open bool
}

// dashboardList is the drill-down: what a figure counts.
func (s *Server) dashboardList(w http.ResponseWriter, r *http.Request) error {
	if s.KPI == nil {
		return errNoKPI
	}
	actor, err := requireDashboard(r)
	if err != nil {
		return err
	}
	q, _, err := s.dashQuery(r)
	if err != nil {
		return err
	}
	key := r.URL.Query().Get("figure")
	f, items, err := s.KPI.List(r.Context(), actor, key, q)
	if err != nil {
		return err
	}
	t, err := s.KPI.Table(r.Context(), actor, q)
	if err != nil {
		return err
	}
	v := &dashListView{Page: s.page(r, f.Name+"明细"), Figure: f, Value: t.Total.Value(f), Scope: t.ScopeName,
		Period: q.Period, Items: items, Limit: kpi.ListLimit, Back: template.URL("/work/dashboard?" + dashValues(q).Encode()),
		Open: actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk)}
	if q.Level != 0 {
		v.Scope += "·" + org.Level(q.Level).Name()
	}
	if v.Orgs, _, err = s.orgNames(r); err != nil {
		return err
	}
	for _, it := range items {
		if it.In {
			v.In++
		}
	}
	s.render(w, r, "dashboard_list", v)
	return nil
}

// dashboardReport downloads the monthly report as XLSX.
func (s *Server) dashboardReport(w http.ResponseWriter, r *http.Request) error {
	if s.KPI == nil {
		return errNoKPI
	}
	actor, err := requireDashboard(r)
	if err != nil {
		return err
	}
	month := r.URL.Query().Get("month")
	if month == "" {
		month = kpi.MonthOf(s.Clock.Now()).Month
	}
	p, err := kpi.ParseMonth(month, s.Clock.Now())
	if err != nil {
		return err
	}
	b, err := s.KPI.Report(r.Context(), actor, p)
	if err != nil {
		return err
	}
	name := "监察统计月报-" + p.Month + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="report-`+p.Month+`.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	_, err = w.Write(b)
	return err
}

type assessView struct {
	Page
	Form    Form
	Failed  bool
	Period  kpi.Period
	Scores  []kpi.Score
	Weights kpi.Weights
	Figures []kpi.Figure
	CanEdit bool
}

// assessment is the monthly 绩效考核 with each score's calculation.
func (s *Server) assessment(w http.ResponseWriter, r *http.Request) error {
	if s.KPI == nil {
		return errNoKPI
	}
	actor, err := requireDashboard(r)
	if err != nil {
		return err
	}
	v := &assessView{Page: s.page(r, "绩效考核"), Figures: kpi.Figures,
		CanEdit: actor.HasAny(yiwang.RoleSupervisor, yiwang.RoleSysAdmin)}
	v.Form = newForm(r, "month")
	v.Form.Values["month"] = r.URL.Query().Get("month")
	month := v.Form.Values["month"]
	if month == "" {
		month = kpi.MonthOf(s.Clock.Now()).Month
		v.Form.Values["month"] = month
	}
	p, err := kpi.ParseMonth(month, s.Clock.Now())
	if err != nil {
		v.Form.Fail(err)
		v.Failed = true
		w.WriteHeader(status(err))
		s.render(w, r, "assessment", v)
		return nil
	}
	v.Period = p
	if v.Scores, v.Weights, err = s.KPI.Assess(r.Context(), actor, p); err != nil {
		return err
	}
	s.render(w, r, "assessment", v)
	return nil
}

type weightsView struct {
	Page
	Form    Form
	Figures []kpi.Figure
	Sum     int
}

func requireWeights(r *http.Request) (yiwang.Actor, error) {
	return requireRole(r, yiwang.RoleSupervisor, yiwang.RoleSysAdmin)
}

// weightsPage shows the assessment weights for editing.
func (s *Server) weightsPage(w http.ResponseWriter, r *http.Request) error {
	if s.KPI == nil {
		return errNoKPI
	}
	if _, err := requireWeights(r); err != nil {
		return err
	}
	ws, err := s.KPI.Weights(r.Context())
	if err != nil {
		return err
	}
	v := &weightsView{Page: s.page(r, "考核权重"), Figures: kpi.Figures, Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	for _, f := range kpi.Figures {
		v.Form.Values[f.Key] = strconv.Itoa(ws[f.Key])
		v.Sum += ws[f.Key]
	}
	s.render(w, r, "dashboard_weights", v)
	return nil
}

// weightsSave stores new weights (non-negative whole numbers, sum 100).
func (s *Server) weightsSave(w http.ResponseWriter, r *http.Request) error {
	if s.KPI == nil {
		return errNoKPI
	}
	actor, err := requireWeights(r)
	if err != nil {
		return err
	}
	in := map[string]string{}
	keys := []string{}
	for _, f := range kpi.Figures {
		in[f.Key] = r.PostFormValue(f.Key)
		keys = append(keys, f.Key)
	}
	if _, err := s.KPI.SaveWeights(r.Context(), actor, in); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v := &weightsView{Page: s.page(r, "考核权重"), Figures: kpi.Figures, Form: newForm(r, keys...)}
		for _, k := range keys {
			n, _ := strconv.Atoi(in[k])
			v.Sum += n
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "dashboard_weights", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "考核权重已保存，此后查看的考核得分按新权重计算")
	next := "/work/dashboard/assessment"
	if !actor.Has(yiwang.RoleSupervisor) {
		next = "/work/dashboard/weights" // the system administrator sees no scores
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

type statsView struct {
	Page
	Form    Form
	Failed  bool
	Table   kpi.Table
	Cards   []kpi.Value
	Figures []kpi.Figure
	Rows    []kpi.Row // departments and townships with something counted
}

// statsPublic is /stats: the public summary, counts only.
func (s *Server) statsPublic(w http.ResponseWriter, r *http.Request) error {
	if s.KPI == nil {
		return errNoKPI
	}
	v := &statsView{Page: s.page(r, "政务服务统计"), Figures: kpi.Figures, Form: newForm(r, "month")}
	v.Form.Values["month"] = r.URL.Query().Get("month")
	p, err := kpi.ParsePeriod(v.Form.Values["month"], "", "", s.Clock.Now())
	if err != nil {
		v.Form.Fail(err)
		v.Failed = true
		w.WriteHeader(status(err))
		s.render(w, r, "stats", v)
		return nil
	}
	v.Form.Values["month"] = p.Month
	if v.Table, err = s.KPI.Public(r.Context(), p); err != nil {
		return err
	}
	v.Cards = v.Table.Total.Values
	v.Rows = v.Table.Rows
	s.render(w, r, "stats", v)
	return nil
}

// apiStatsFigure is one figure of the open data.
type apiStatsFigure struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	Numerator   int      `json:"numerator"`
	Denominator int      `json:"denominator"`
	Rate        *float64 `json:"rate"` // null when there is nothing to count
	Target      *float64 `json:"target,omitempty"`
	Definition  string   `json:"definition"`
}

type apiStatsOrg struct {
	ID      string           `json:"id"`
	Name    string           `json:"name"`
	Level   int              `json:"level"`
	Figures []apiStatsFigure `json:"figures"`
}

func apiFigures(vs []kpi.Value) []apiStatsFigure {
	out := make([]apiStatsFigure, len(vs))
	for i, v := range vs {
		out[i] = apiStatsFigure{Key: v.Key, Name: v.Name, Numerator: v.N, Denominator: v.D, Definition: v.Num + " ÷ " + v.Den}
		if v.OK {
			r := v.Rate
			out[i].Rate = &r
		}
		if v.Target > 0 {
			t := v.Target
			out[i].Target = &t
		}
	}
	return out
}

// apiStats is /api/v1/stats: the public summary as open data.
func (s *Server) apiStats(w http.ResponseWriter, r *http.Request) error {
	if s.KPI == nil {
		return errNoKPI
	}
	q := r.URL.Query()
	p, err := kpi.ParsePeriod(q.Get("month"), q.Get("from"), q.Get("to"), s.Clock.Now())
	if err != nil {
		return err
	}
	t, err := s.KPI.Public(r.Context(), p)
	if err != nil {
		return err
	}
	out := struct {
		Month   string           `json:"month"`
		From    string           `json:"from"`
		To      string           `json:"to"`
		Note    string           `json:"note"`
		Figures []apiStatsFigure `json:"figures"`
		Orgs    []apiStatsOrg    `json:"orgs"`
	}{Month: p.Month, From: p.From, To: p.To, Figures: apiFigures(t.Total.Values), Orgs: []apiStatsOrg{},
		Note: "事项类指标为当前已发布目录的时点数；办件和评价类指标按期内办结、评价计；模拟办事和投诉、咨询、建议不计入。数字每分钟更新一次。"}
	for _, row := range t.Rows {
		out.Orgs = append(out.Orgs, apiStatsOrg{ID: row.Org.ID, Name: row.Org.Name, Level: int(row.Org.Level), Figures: apiFigures(row.Values)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
