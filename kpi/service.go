package kpi

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
)

// Orgs is what kpi needs of the org tree.
type Orgs interface {
	Tree(ctx context.Context) ([]org.Org, error)
}

// Service computes the dashboard.
type Service struct {
	Store Store
	Orgs  Orgs
	Clock yiwang.Clock
	// months keeps the trend's ended months and the public statistics'
	// periods (trend_cache.go).
	months monthCounts
	// publicCount is held by the public statistics' count in progress.
	publicCount sync.Mutex
}

// Query selects what the dashboard counts.
type Query struct {
	OrgID  string // an org and everything under it; "" for all the actor may see
	Only   bool   // OrgID alone, without the orgs under it (a row of the table)
	Level  int    // org.Level of the rows; 0 for every level
	Period Period
}

// Row is one org's (or a group's) counts and figures.
type Row struct {
	Org org.Org
	// Rollup marks a township's row that sums it and everything under it.
	Rollup bool
	Counts
	Values []Value
}

func newRow(o org.Org, c Counts) Row { return Row{Org: o, Counts: c, Values: c.Values()} }

// Table is the dashboard for one query.
type Table struct {
	Query
	ScopeName string
	Rows      []Row // one per org with something counted, in tree order
	Levels    []Row // one per level (Org.Name is the level's name)
	Total     Row
}

// scope returns the org tree and the IDs the actor may see under q.OrgID
// (nil: every org).
func (s *Service) scope(ctx context.Context, actor yiwang.Actor, orgID string) ([]org.Org, map[string]bool, error) {
	if !actor.HasAny(yiwang.RoleSupervisor, yiwang.RoleDeptHead) {
		return nil, nil, yiwang.Errorf(yiwang.EFORBIDDEN, "只有监察人员和部门负责人可以查看监察统计")
	}
	all, err := s.Orgs.Tree(ctx)
	if err != nil {
		return nil, nil, err
	}
	var ids map[string]bool
	if !actor.Has(yiwang.RoleSupervisor) {
		if actor.OrgID == "" {
			return nil, nil, yiwang.Errorf(yiwang.EFORBIDDEN, "您的账号不属于任何单位，不能查看监察统计")
		}
		ids = org.Descendants(all, actor.OrgID)
	}
	if orgID != "" {
		if !slices.ContainsFunc(all, func(o org.Org) bool { return o.ID == orgID }) {
			return nil, nil, yiwang.Errorf(yiwang.ENOTFOUND, "没有这个单位")
		}
		if ids != nil && !ids[orgID] {
			return nil, nil, yiwang.Errorf(yiwang.EFORBIDDEN, "只能查看本单位及下属单位的统计")
		}
		ids = org.Descendants(all, orgID)
	}
	return all, ids, nil
}

// scopeOf is scope for a query: with Only, just the org.
func (s *Service) scopeOf(ctx context.Context, actor yiwang.Actor, q Query) ([]org.Org, map[string]bool, error) {
	all, ids, err := s.scope(ctx, actor, q.OrgID)
	if err == nil && q.Only && q.OrgID != "" {
		ids = map[string]bool{q.OrgID: true}
	}
	return all, ids, err
}

// counts merges the store's three counts for a period.
func (s *Service) counts(ctx context.Context, p Period) (map[string]Counts, error) {
	from, to := p.Bounds()
	cs, err := s.periodCounts(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("kpi cases and reviews: %w", err)
	}
	return s.withCatalog(ctx, cs)
}

// withCatalog is the catalog's counts with the period's counts cs added
// (cs itself unchanged: it may be kept for the trend).
func (s *Service) withCatalog(ctx context.Context, cs map[string]Counts) (map[string]Counts, error) {
	out, err := s.Store.KPICatalog(ctx)
	if err != nil {
		return nil, fmt.Errorf("kpi catalog: %w", err)
	}
	return addCounts(out, cs), nil
}

func levelName(l int) string { return org.Level(l).Name() }

// Table computes the dashboard.
func (s *Service) Table(ctx context.Context, actor yiwang.Actor, q Query) (Table, error) {
	all, ids, err := s.scopeOf(ctx, actor, q)
	if err != nil {
		return Table{}, err
	}
	by, err := s.counts(ctx, q.Period)
	if err != nil {
		return Table{}, err
	}
	return build(q, all, ids, by), nil
}

// townish reports whether an org is a township, town, street or zone:
// the unit the district's overview and the assessment roll up to.
func townish(k org.Kind) bool {
	return k == org.KindTown || k == org.KindTownship || k == org.KindStreet || k == org.KindDevZone
}

// build makes the table. The district-wide overview (no org, no level, every
// org visible) has a row per district-level org and one per township with
// everything under it (Rollup); any narrower query a row per org.
func build(q Query, all []org.Org, ids map[string]bool, by map[string]Counts) Table {
	t := Table{Query: q, ScopeName: "全区"}
	group := q.OrgID == "" && q.Level == 0 && ids == nil
	parent := map[string]org.Org{}
	byID := map[string]org.Org{}
	for _, o := range all {
		byID[o.ID] = o
	}
	for _, o := range all {
		parent[o.ID] = byID[o.ParentID]
	}
	// rowOf is the org whose row o counts in.
	rowOf := func(o org.Org) org.Org {
		if !group {
			return o
		}
		for x := o; x.ID != ""; x = parent[x.ID] {
			if townish(x.Kind) {
				return x
			}
		}
		return o
	}
	levels := map[int]*Counts{}
	rows := map[string]*Row{}
	var order []string
	var total Counts
	for _, o := range org.Ordered(all) {
		if ids != nil && !ids[o.ID] || q.Level != 0 && int(o.Level) != q.Level {
			continue
		}
		if o.ID == q.OrgID {
			t.ScopeName = o.Name
		}
		c, ok := by[o.ID]
		if !ok {
			continue
		}
		ro := rowOf(o)
		r := rows[ro.ID]
		if r == nil {
			r = &Row{Org: ro, Rollup: ro.ID != o.ID}
			rows[ro.ID] = r
			order = append(order, ro.ID)
		}
		r.Counts.Add(c)
		if ro.ID != o.ID {
			r.Rollup = true
		}
		total.Add(c)
		if levels[int(o.Level)] == nil {
			levels[int(o.Level)] = &Counts{}
		}
		levels[int(o.Level)].Add(c)
	}
	for _, id := range order {
		r := rows[id]
		r.Values = r.Counts.Values()
		t.Rows = append(t.Rows, *r)
	}
	for _, l := range []int{int(org.LevelCounty), int(org.LevelTownship), int(org.LevelVillage)} {
		if c := levels[l]; c != nil {
			t.Levels = append(t.Levels, newRow(org.Org{Name: levelName(l), Level: org.Level(l)}, *c))
		}
	}
	t.Total = newRow(org.Org{Name: "合计"}, total)
	return t
}

// Point is one month of the trend.
type Point struct {
	Period Period
	Counts
}

// Trend counts the period-bound figures of the scope month by month, for
// the n months ending with the query's period.
func (s *Service) Trend(ctx context.Context, actor yiwang.Actor, q Query, n int) ([]Point, error) {
	all, ids, err := s.scopeOf(ctx, actor, q)
	if err != nil {
		return nil, err
	}
	return s.trend(ctx, all, ids, q, n, nil)
}

// Dashboard is Table and Trend of one query, the period counted once when
// it is the trend's last month.
func (s *Service) Dashboard(ctx context.Context, actor yiwang.Actor, q Query, n int) (Table, []Point, error) {
	all, ids, err := s.scopeOf(ctx, actor, q)
	if err != nil {
		return Table{}, nil, err
	}
	from, to := q.Period.Bounds()
	cs, err := s.periodCounts(ctx, from, to)
	if err != nil {
		return Table{}, nil, fmt.Errorf("kpi cases and reviews: %w", err)
	}
	by, err := s.withCatalog(ctx, cs)
	if err != nil {
		return Table{}, nil, err
	}
	pts, err := s.trend(ctx, all, ids, q, n, &counted{bounds{from, to}, cs})
	return build(q, all, ids, by), pts, err
}

// counted is a period's counts already in hand.
type counted struct {
	bounds
	counts map[string]Counts
}

// trend is Trend in the scope all and ids; known, when set, is the count
// of a period that may be the last month's.
func (s *Service) trend(ctx context.Context, all []org.Org, ids map[string]bool, q Query, n int, known *counted) ([]Point, error) {
	var out []Point
	months := Months(q.Period, n)
	now := s.Clock.Now()
	for i, m := range months {
		from, to := m.Bounds()
		ended := !to.After(now)
		var cs map[string]Counts
		var err error
		switch {
		case i < len(months)-1 && ended:
			cs, err = s.keptCounts(ctx, from, to, nil)
		case known != nil && known.bounds == bounds{from, to}:
			cs = known.counts
		default:
			cs, err = s.periodCounts(ctx, from, to)
		}
		if err != nil {
			return nil, err
		}
		if i == len(months)-1 && ended {
			s.keep(from, to, cs)
		}
		p := Point{Period: m}
		for _, o := range all {
			if ids != nil && !ids[o.ID] || q.Level != 0 && int(o.Level) != q.Level {
				continue
			}
			p.Add(cs[o.ID])
		}
		out = append(out, p)
	}
	return out, nil
}

// ListLimit is how many items a drill-down shows.
const ListLimit = 500

// List returns the items behind figure key for the query: the numerator's
// and the rest of the denominator's, numerator first.
func (s *Service) List(ctx context.Context, actor yiwang.Actor, key string, q Query) (Figure, []Item, error) {
	f, ok := FigureByKey(key)
	if !ok {
		return f, nil, yiwang.Errorf(yiwang.ENOTFOUND, "没有这个指标")
	}
	all, ids, err := s.scopeOf(ctx, actor, q)
	if err != nil {
		return f, nil, err
	}
	lq := ListQuery{Source: f.Source, Limit: ListLimit}
	lq.From, lq.To = q.Period.Bounds()
	if ids != nil || q.Level != 0 {
		lq.OrgIDs = []string{}
		for _, o := range all {
			if (ids == nil || ids[o.ID]) && (q.Level == 0 || int(o.Level) == q.Level) {
				lq.OrgIDs = append(lq.OrgIDs, o.ID)
			}
		}
	}
	items, err := s.Store.KPIList(ctx, key, lq)
	return f, items, err
}

// Weights returns the weights in force: the saved ones, else the defaults.
func (s *Service) Weights(ctx context.Context) (Weights, error) {
	w, err := s.Store.KPIWeights(ctx)
	if err != nil {
		return nil, err
	}
	if len(w) == 0 {
		return DefaultWeights, nil
	}
	return w, nil
}

// ParseWeights reads the weights form (figure key → text): every figure a
// whole number from 0 to 100, all together 100.
func ParseWeights(in map[string]string) (Weights, error) {
	w, bad, sum := Weights{}, map[string]string{}, 0
	for _, f := range Figures {
		v := strings.TrimSpace(in[f.Key])
		if v == "" {
			v = "0"
		}
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			bad[f.Key] = f.Name + "的权重须为0到100的整数"
		case n < 0:
			bad[f.Key] = f.Name + "的权重不能为负数"
		case n > 100:
			bad[f.Key] = f.Name + "的权重不能超过100"
		default:
			w[f.Key] = n
			sum += n
		}
	}
	if len(bad) > 0 {
		return nil, yiwang.Invalid(bad)
	}
	if sum != 100 {
		return nil, &yiwang.Error{Code: yiwang.EINVALID, Message: fmt.Sprintf("各项权重之和须为100，现在是%d", sum),
			Fields: map[string]string{"sum": fmt.Sprintf("各项权重之和须为100，现在是%d", sum)}}
	}
	return w, nil
}

// SaveWeights stores new weights; supervisors and the system administrator
// may.
func (s *Service) SaveWeights(ctx context.Context, actor yiwang.Actor, in map[string]string) (Weights, error) {
	if !actor.HasAny(yiwang.RoleSupervisor, yiwang.RoleSysAdmin) {
		return nil, yiwang.Errorf(yiwang.EFORBIDDEN, "只有监察人员和系统管理员可以设置考核权重")
	}
	w, err := ParseWeights(in)
	if err != nil {
		return nil, err
	}
	var parts []string
	for _, f := range Figures {
		parts = append(parts, fmt.Sprintf("%s %d", f.Name, w[f.Key]))
	}
	now := s.Clock.Now()
	e := audit.New(actor, now, "kpi.weights", "kpi_weights", audit.ResultOK, strings.Join(parts, "，"))
	return w, s.Store.SaveKPIWeights(ctx, w, actor.Name, now, e)
}

// Line is one figure's share of a score: value × weight = points.
type Line struct {
	Value
	Weight int
	Points float64
	Scored float64 // the share scored: the rate, or 1 − rate for a Lower figure
}

// Score is an org's assessment for a period.
type Score struct {
	Org     org.Org
	Group   string // 部门 or 乡镇（街道）
	Lines   []Line
	Points  float64 // Σ points
	Weighed int     // Σ weights of the figures with something to count
	Total   float64 // Points scaled to 100 over Weighed
	Rank    int
}

// Score computes one score from counts: each weighed figure with something
// to count gives rate × weight points (1 − rate for 差评率); figures with
// nothing to count are left out and the total scaled to 100 over the
// weights that remain.
func ScoreOf(c Counts, w Weights) Score {
	var sc Score
	for _, v := range c.Values() {
		wt := w[v.Key]
		if wt == 0 {
			continue
		}
		l := Line{Value: v, Weight: wt}
		if v.OK {
			l.Scored = v.Rate
			if v.Lower {
				l.Scored = 1 - v.Rate
			}
			if l.Scored < 0 {
				l.Scored = 0
			}
			l.Points = l.Scored * float64(wt)
			sc.Points += l.Points
			sc.Weighed += wt
		}
		sc.Lines = append(sc.Lines, l)
	}
	if sc.Weighed > 0 {
		sc.Total = sc.Points * 100 / float64(sc.Weighed)
	}
	return sc
}

// Assess scores every department (its own counts) and every township,
// street and zone (with everything under it) for the period, best first
// within each group.
func (s *Service) Assess(ctx context.Context, actor yiwang.Actor, p Period) ([]Score, Weights, error) {
	all, ids, err := s.scope(ctx, actor, "")
	if err != nil {
		return nil, nil, err
	}
	by, err := s.counts(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	w, err := s.Weights(ctx)
	if err != nil {
		return nil, nil, err
	}
	return assess(all, ids, by, w), w, nil
}

func assess(all []org.Org, ids map[string]bool, by map[string]Counts, w Weights) []Score {
	var depts, towns []Score
	for _, o := range org.Ordered(all) {
		if ids != nil && !ids[o.ID] {
			continue
		}
		switch o.Kind {
		case org.KindDepartment:
			if c, ok := by[o.ID]; ok {
				sc := ScoreOf(c, w)
				sc.Org, sc.Group = o, "部门"
				depts = append(depts, sc)
			}
		case org.KindTown, org.KindTownship, org.KindStreet, org.KindDevZone:
			var c Counts
			found := false
			for id := range org.Descendants(all, o.ID) {
				if x, ok := by[id]; ok {
					c.Add(x)
					found = true
				}
			}
			if found {
				sc := ScoreOf(c, w)
				sc.Org, sc.Group = o, "乡镇（街道）"
				towns = append(towns, sc)
			}
		}
	}
	rank := func(xs []Score) {
		slices.SortStableFunc(xs, func(a, b Score) int {
			switch {
			case a.Total > b.Total:
				return -1
			case a.Total < b.Total:
				return 1
			}
			return 0
		})
		for i := range xs {
			xs[i].Rank = i + 1
			if i > 0 && xs[i].Total == xs[i-1].Total {
				xs[i].Rank = xs[i-1].Rank
			}
		}
	}
	rank(depts)
	rank(towns)
	return append(depts, towns...)
}

// Public is the public summary: the district's figures and each org's,
// counts only, no person.
func (s *Service) Public(ctx context.Context, p Period) (Table, error) {
	all, err := s.Orgs.Tree(ctx)
	if err != nil {
		return Table{}, err
	}
	// Anyone may ask, as often as they like, for any period: each is
	// counted at most once a minute, the running month too, and one at a
	// time (trend_cache.go), so that anonymous callers cannot keep the
	// processors counting.
	from, to := p.Bounds()
	cs, err := s.keptCounts(ctx, from, to, &s.publicCount)
	if err != nil {
		return Table{}, fmt.Errorf("kpi cases and reviews: %w", err)
	}
	by, err := s.withCatalog(ctx, cs)
	if err != nil {
		return Table{}, err
	}
	return build(Query{Period: p}, all, nil, by), nil
}

// Now is the service's clock reading.
func (s *Service) Now() time.Time { return s.Clock.Now() }
