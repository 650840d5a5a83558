// Package kpi is the supervision dashboard's arithmetic: the national
// service figures (网上可办率, 全程网办率, 即办件比例, 承诺时限压缩比, 最多跑一次
// and 零跑动 shares, 按时办结率, 好评率, 差评率, 整改率) per org, level and
// period, counted by the store in SQL from the published catalog, the cases'
// decisions and the reviews; the monthly performance assessment (绩效考核)
// over configurable weights; the XLSX monthly report.
//
// Simulated cases (模拟办事) and letters (投诉、咨询、建议: cases with a
// kind) count in no figure. Definitions follow the working definitions
// gathered in ../shared/reference/cn-standards.md §4 (GB/T 39046—2020 data;
// the 85% target is the Yushan plan's §一(三)).
package kpi

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang/audit"
)

// Counts are the numerators and denominators of every figure for one org
// (or a sum of orgs). Figures are ratios of these; nothing else is stored.
type Counts struct {
	// The published catalog (a point-in-time figure: the catalog as it is).
	Items       int `json:"items"`
	Online      int `json:"online"`       // depth reaches 4 互联网受理
	FullyOnline int `json:"fully_online"` // depth covers 4, 5, 6 and no visit
	Instant     int `json:"instant"`      // 即办件
	AtMostOne   int `json:"at_most_one_visit"`
	ZeroVisits  int `json:"zero_visits"`
	LegalDays   int `json:"legal_days"`   // Σ 法定时限 over entries with one
	PromiseDays int `json:"promise_days"` // Σ 承诺时限 over the same entries
	// Cases decided (办结) in the period.
	Decided int `json:"decided"`
	OnTime  int `json:"on_time"` // decided on or before the deadline (Beijing date)
	Web     int `json:"web"`     // filed online (申报来源: 网上)
	// Reviews given in the period, not excluded by an upheld appeal.
	Reviews   int `json:"reviews"`
	Good      int `json:"good"`      // levels 1–3
	Bad       int `json:"bad"`       // levels 4–5
	Rectified int `json:"rectified"` // bad ones whose rectification is replied
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Items += o.Items
	c.Online += o.Online
	c.FullyOnline += o.FullyOnline
	c.Instant += o.Instant
	c.AtMostOne += o.AtMostOne
	c.ZeroVisits += o.ZeroVisits
	c.LegalDays += o.LegalDays
	c.PromiseDays += o.PromiseDays
	c.Decided += o.Decided
	c.OnTime += o.OnTime
	c.Web += o.Web
	c.Reviews += o.Reviews
	c.Good += o.Good
	c.Bad += o.Bad
	c.Rectified += o.Rectified
}

// Sources of a figure: what its drill-down lists.
const (
	SourceCatalog = "catalog" // published catalog entries
	SourceCases   = "cases"   // cases decided in the period
	SourceReviews = "reviews" // reviews given in the period
)

// Figure is one indicator with its definition in words.
type Figure struct {
	Key    string
	Name   string
	Num    string  // the numerator in words
	Den    string  // the denominator in words
	Target float64 // 0 when none; a share (0.85 = 85%)
	// Lower marks a figure where less is better (差评率): its target is a
	// ceiling and its score counts 1 − the figure.
	Lower  bool
	Strict bool   // the target must be exceeded (“超过85%”), not only reached
	Basis  string // where the target comes from
	Source string
	Period bool // counted over the period (else a point-in-time figure)
}

// Figures are the dashboard's indicators, in display order. Keys are stored
// (weights): never change one.
var Figures = []Figure{
	{Key: "online", Name: "网上可办率", Num: "网上办理深度达到“互联网受理”的已发布事项数", Den: "已发布事项总数",
		Target: 0.85, Strict: true, Basis: "雨山区“互联网+政务服务”实施方案（2017）：网上办理事项超过85%", Source: SourceCatalog},
	{Key: "fully_online", Name: "全程网办率", Num: "网上办理深度覆盖受理、办理、结果反馈（4、5、6）且到现场0次的事项数", Den: "已发布事项总数",
		Source: SourceCatalog},
	{Key: "instant", Name: "即办件比例", Num: "办件类型为即办件（GB/T 39046 A.6 代码1）的事项数", Den: "已发布事项总数",
		Source: SourceCatalog},
	{Key: "compression", Name: "承诺时限压缩比", Num: "Σ法定办结时限 − Σ承诺办结时限（工作日）", Den: "Σ法定办结时限（仅计有法定时限的事项）",
		Source: SourceCatalog},
	{Key: "at_most_one", Name: "最多跑一次比例", Num: "到现场次数不超过1次的事项数", Den: "已发布事项总数",
		Target: 0.85, Basis: "参考：梅州市2017年“最多跑一次”事项不低于85%", Source: SourceCatalog},
	{Key: "zero_visits", Name: "零跑动比例", Num: "到现场次数为0的事项数", Den: "已发布事项总数",
		Target: 0.20, Basis: "参考：梅州市2017年“零跑动”事项不低于20%", Source: SourceCatalog},
	{Key: "on_time", Name: "按时办结率", Num: "期内办结、且办结日（北京时间）不晚于承诺办结日期的办件数", Den: "期内办结的办件数",
		Target: 1, Basis: "承诺时限内办结（特别程序期间已顺延，不计入时限）", Source: SourceCases, Period: true},
	{Key: "web", Name: "网上申办占比", Num: "期内办结的办件中网上申报的件数", Den: "期内办结的办件数",
		Target: 0.80, Basis: "参考：上海市2022年网办比例不低于80%", Source: SourceCases, Period: true},
	{Key: "good", Name: "好评率", Num: "期内评价中“非常满意、满意、基本满意”的条数", Den: "期内评价条数（申诉成立的评价不计）",
		Source: SourceReviews, Period: true},
	{Key: "bad", Name: "差评率", Num: "期内评价中“不满意、非常不满意”的条数", Den: "期内评价条数（申诉成立的评价不计）",
		Lower: true, Source: SourceReviews, Period: true},
	{Key: "rectify", Name: "差评整改率", Num: "期内差评中已整改并答复评价人的条数", Den: "期内差评条数",
		Target: 1, Basis: "差评整改率目标100%", Source: SourceReviews, Period: true},
}

// FigureByKey finds a figure.
func FigureByKey(key string) (Figure, bool) {
	for _, f := range Figures {
		if f.Key == key {
			return f, true
		}
	}
	return Figure{}, false
}

// Ratio returns the numerator and denominator of figure key in c.
func (c Counts) Ratio(key string) (num, den int) {
	switch key {
	case "online":
		return c.Online, c.Items
	case "fully_online":
		return c.FullyOnline, c.Items
	case "instant":
		return c.Instant, c.Items
	case "compression":
		return c.LegalDays - c.PromiseDays, c.LegalDays
	case "at_most_one":
		return c.AtMostOne, c.Items
	case "zero_visits":
		return c.ZeroVisits, c.Items
	case "on_time":
		return c.OnTime, c.Decided
	case "web":
		return c.Web, c.Decided
	case "good":
		return c.Good, c.Reviews
	case "bad":
		return c.Bad, c.Reviews
	case "rectify":
		return c.Rectified, c.Bad
	}
	return 0, 0
}

// Value is one figure of one row.
type Value struct {
	Figure
	N, D int
	OK   bool    // D > 0: there is something to count
	Rate float64 // N ÷ D
	Met  bool    // the target is met (OK and a target)
}

// Value computes figure f over c.
func (c Counts) Value(f Figure) Value {
	n, d := c.Ratio(f.Key)
	v := Value{Figure: f, N: n, D: d, OK: d > 0}
	if v.OK {
		v.Rate = float64(n) / float64(d)
	}
	if v.OK && f.Target > 0 {
		v.Met = v.Rate >= f.Target
		if f.Strict {
			v.Met = v.Rate > f.Target
		}
		if f.Lower {
			v.Met = v.Rate <= f.Target
		}
	}
	return v
}

// Values computes every figure over c, in display order.
func (c Counts) Values() []Value {
	out := make([]Value, len(Figures))
	for i, f := range Figures {
		out[i] = c.Value(f)
	}
	return out
}

// Weights map figure keys to their weight in the score (whole numbers,
// non-negative, sum 100).
type Weights map[string]int

// DefaultWeights apply until a supervisor saves others.
var DefaultWeights = Weights{"online": 15, "fully_online": 10, "instant": 5, "compression": 10, "at_most_one": 5,
	"zero_visits": 5, "on_time": 25, "web": 5, "good": 10, "bad": 5, "rectify": 5}

// Item is one row of a drill-down list: a catalog entry, a case or a
// review. No personal data: applicants are not named.
type Item struct {
	ID       string // case ID (cases, reviews) or entry code (catalog)
	No       string // case number or entry code
	Name     string // item name
	OrgID    string
	At       time.Time // decided or reviewed at
	Deadline string    // cases: the committed deadline
	Channel  string    // cases: channel; reviews: level in words
	Note     string
	In       bool // counted in the numerator
}

// ListQuery asks for the items behind a figure.
type ListQuery struct {
	Source   string   // SourceCatalog, SourceCases, SourceReviews
	OrgIDs   []string // nil: all
	From, To time.Time
	Limit    int
}

// Store is what kpi needs from storage. Counting is done in SQL: the store
// returns one Counts per org, never rows.
type Store interface {
	// KPICatalog counts the published catalog by implementing org.
	KPICatalog(ctx context.Context) (map[string]Counts, error)
	// KPICases counts the cases decided in [from, to) by org, leaving out
	// simulated cases and letters; tz is the offset of the day the
	// deadline is compared in.
	KPICases(ctx context.Context, from, to time.Time) (map[string]Counts, error)
	// KPIReviews counts the reviews given in [from, to) by org, leaving out
	// excluded reviews and those of simulated cases and letters.
	KPIReviews(ctx context.Context, from, to time.Time) (map[string]Counts, error)
	// KPIList lists what a figure counts: its catalog entries, decided
	// cases or reviews, with In set for the numerator of key.
	KPIList(ctx context.Context, key string, q ListQuery) ([]Item, error)
	// KPIWeights returns the saved weights (empty when none were saved).
	KPIWeights(ctx context.Context) (Weights, error)
	// SaveKPIWeights replaces the weights, with its audit entry.
	SaveKPIWeights(ctx context.Context, w Weights, by string, at time.Time, e audit.Entry) error
}
