package kpi

import (
	"regexp"
	"time"

	"github.com/yushan-gov/yiwang"
)

// MaxMonths is the longest period the dashboard counts over.
const MaxMonths = 24

// Period is a range of whole days in Beijing time, both ends included.
type Period struct {
	From, To string // "2006-01-02"
	// Month is "2006-01" when the period is one calendar month (cut at
	// today for the running month).
	Month string
}

// Label names the period in words.
func (p Period) Label() string {
	if p.Month != "" {
		t, _ := time.Parse("2006-01", p.Month)
		l := t.Format("2006年1月")
		if last := monthEnd(t).Format(time.DateOnly); p.To != last {
			l += "（截至" + p.To + "）"
		}
		return l
	}
	return p.From + " 至 " + p.To
}

// Bounds are the instants the period runs between: [from, to).
func (p Period) Bounds() (from, to time.Time) {
	f, _ := time.ParseInLocation(time.DateOnly, p.From, yiwang.Shanghai)
	t, _ := time.ParseInLocation(time.DateOnly, p.To, yiwang.Shanghai)
	return f.UTC(), t.AddDate(0, 0, 1).UTC()
}

func monthEnd(first time.Time) time.Time { return first.AddDate(0, 1, -1) }

var (
	monthRE = regexp.MustCompile(`^\d{4}-\d{2}$`)
	dayRE   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// MonthOf is the period of the calendar month containing now (Beijing
// time), up to today.
func MonthOf(now time.Time) Period {
	p, _ := ParseMonth(now.In(yiwang.Shanghai).Format("2006-01"), now)
	return p
}

// ParseMonth reads "2026-10" as that calendar month. A month not yet begun
// is refused; the running month ends today.
func ParseMonth(s string, now time.Time) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if !monthRE.MatchString(s) || err != nil {
		return Period{}, invalid("month", "月份格式应为“2026-10”这样的年-月")
	}
	if t.Year() < 2000 {
		return Period{}, invalid("month", "月份不能早于2000年")
	}
	today := now.In(yiwang.Shanghai).Format(time.DateOnly)
	p := Period{From: t.Format(time.DateOnly), To: monthEnd(t).Format(time.DateOnly), Month: s}
	if p.From > today {
		return Period{}, invalid("month", "所选月份尚未开始，不能统计未来的数据")
	}
	if p.To > today {
		p.To = today
	}
	return p, nil
}

// ParsePeriod reads what the dashboard's form sends: a month, or a custom
// range from–to (days, both included), or nothing for the running month.
func ParsePeriod(month, from, to string, now time.Time) (Period, error) {
	if from == "" && to == "" {
		if month == "" {
			return MonthOf(now), nil
		}
		return ParseMonth(month, now)
	}
	if from == "" || to == "" {
		return Period{}, invalid("from", "自定义期间请同时填写起始日期和截止日期")
	}
	f, err1 := time.Parse(time.DateOnly, from)
	if !dayRE.MatchString(from) || err1 != nil {
		return Period{}, invalid("from", "起始日期格式应为“2026-10-01”这样的年-月-日")
	}
	t, err2 := time.Parse(time.DateOnly, to)
	if !dayRE.MatchString(to) || err2 != nil {
		return Period{}, invalid("to", "截止日期格式应为“2026-10-31”这样的年-月-日")
	}
	if f.Year() < 2000 {
		return Period{}, invalid("from", "起始日期不能早于2000年")
	}
	if f.After(t) {
		return Period{}, invalid("from", "起始日期不能晚于截止日期")
	}
	today := now.In(yiwang.Shanghai).Format(time.DateOnly)
	if to > today {
		return Period{}, invalid("to", "截止日期不能晚于今天（"+today+"）")
	}
	if !f.After(t.AddDate(0, -MaxMonths, 0)) {
		return Period{}, invalid("from", "统计期间最长24个月，请缩短期间")
	}
	return Period{From: from, To: to}, nil
}

func invalid(field, msg string) error {
	return &yiwang.Error{Code: yiwang.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

// Months lists the n calendar months ending with the one p ends in, oldest
// first, the last cut at p.To.
func Months(p Period, n int) []Period {
	end, _ := time.Parse(time.DateOnly, p.To)
	first := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, time.UTC)
	out := make([]Period, 0, n)
	for i := n - 1; i >= 0; i-- {
		m := first.AddDate(0, -i, 0)
		q := Period{From: m.Format(time.DateOnly), To: monthEnd(m).Format(time.DateOnly), Month: m.Format("2006-01")}
		if q.To > p.To {
			q.To = p.To
		}
		out = append(out, q)
	}
	return out
}
