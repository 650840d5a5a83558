// Package calendar counts working days (工作日) with the Chinese holiday
// calendar: statutory holidays are off, adjusted weekend days (调休) are
// working days, other weekdays work and weekends rest. Time limits of
// government services are counted in working days (行政许可法 Art. 82).
// Dates are civil dates in Asia/Shanghai.
package calendar

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"sync/atomic"
	"time"

	"github.com/yushan-gov/yiwang"
)

//go:embed holidays/*.json
var holidayFS embed.FS

// Date is a civil date.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in Asia/Shanghai.
func DateOf(t time.Time) Date {
	y, m, d := t.In(yiwang.Shanghai).Date()
	return Date{y, m, d}
}

// ParseDate reads "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, err
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns the date n calendar days after d.
func (d Date) AddDays(n int) Date {
	t := d.time().AddDate(0, 0, n)
	return Date{t.Year(), t.Month(), t.Day()}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.time().Before(e.time()) }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

func (d Date) String() string { return d.time().Format("2006-01-02") }

// Start returns the first instant of d in Asia/Shanghai.
func (d Date) Start() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, yiwang.Shanghai)
}

// Calendar knows which dates are working days. It is safe for concurrent
// use: Load builds a new state and swaps it in, readers never lock.
type Calendar struct {
	state atomic.Pointer[state]
}

// state is one immutable version of the calendar's data.
type state struct {
	special map[Date]bool // true: day off (holiday); false: working day (调休)
	years   map[int]bool  // years with published data
	sorted  []Date        // the special dates in order, for counting ranges fast
}

func (c *Calendar) now() *state {
	if st := c.state.Load(); st != nil {
		return st
	}
	return &state{}
}

type yearFile struct {
	Year int `json:"year"`
	Days []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay bool   `json:"isOffDay"`
	} `json:"days"`
}

// Default returns the calendar built from the embedded holiday-cn data.
func Default() (*Calendar, error) {
	c := &Calendar{}
	names, err := fs.Glob(holidayFS, "holidays/*.json")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		b, err := holidayFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		if err := c.Load(b); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
	}
	return c, nil
}

// Load adds one year file in the holiday-cn format; later loads override
// earlier ones (an administrator's correction, a newly published year).
// Nothing changes when the file is refused.
func (c *Calendar) Load(b []byte) error {
	_, err := c.load(b)
	return err
}

// Parse checks a year file in the holiday-cn format and returns its year.
func Parse(b []byte) (int, error) {
	y, _, err := parse(b)
	return y.Year, err
}

func parse(b []byte) (yearFile, map[Date]bool, error) {
	var y yearFile
	if err := json.Unmarshal(b, &y); err != nil {
		return y, nil, fmt.Errorf("节假日数据不是 holiday-cn 格式的 JSON：%w", err)
	}
	if y.Year < 2000 || y.Year > 2100 {
		return y, nil, fmt.Errorf("节假日数据的年份 %d 不正确", y.Year)
	}
	if len(y.Days) == 0 {
		return y, nil, fmt.Errorf("%d 年的节假日数据没有任何日期", y.Year)
	}
	days := map[Date]bool{}
	for _, d := range y.Days {
		date, err := ParseDate(d.Date)
		if err != nil {
			return y, nil, fmt.Errorf("节假日数据中的日期“%s”不正确", d.Date)
		}
		// A year's schedule may reach into the days around it (元旦 from 31 December).
		if date.Year < y.Year-1 || date.Year > y.Year+1 {
			return y, nil, fmt.Errorf("%d 年的节假日数据中有 %s", y.Year, d.Date)
		}
		days[date] = d.IsOffDay
	}
	return y, days, nil
}

func (c *Calendar) load(b []byte) (int, error) {
	y, days, err := parse(b)
	if err != nil {
		return 0, err
	}
	for {
		old := c.state.Load()
		next := &state{special: map[Date]bool{}, years: map[int]bool{}}
		if old != nil {
			for d, off := range old.special {
				next.special[d] = off
			}
			for yr := range old.years {
				next.years[yr] = true
			}
		}
		for d, off := range days {
			next.special[d] = off
		}
		next.years[y.Year] = true
		for d := range next.special {
			next.sorted = append(next.sorted, d)
		}
		sort.Slice(next.sorted, func(i, j int) bool { return next.sorted[i].Before(next.sorted[j]) })
		if c.state.CompareAndSwap(old, next) {
			return y.Year, nil
		}
	}
}

// Covers reports whether the holidays of year are known. Counting into a
// year without data treats its holidays as working days: warn before then.
func (c *Calendar) Covers(year int) bool { return c.now().years[year] }

// Years lists the years with data.
func (c *Calendar) Years() []int {
	var ys []int
	for y := range c.now().years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool {
	if off, ok := c.now().special[d]; ok {
		return !off
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the n-th working day after d (n ≥ 1); n = 0 returns d.
// A limit of N working days from acceptance ends on AddWorkdays(accepted, N):
// the count starts on the working day after acceptance.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts working days in (from, to]: the days after from up
// to and including to. It is negative when to is before from. It costs the
// same for a year as for a week: weekdays are counted by arithmetic, then
// corrected by the holidays and 调休 days in the range.
func (c *Calendar) WorkdaysBetween(from, to Date) int {
	if to.Before(from) {
		return -c.WorkdaysBetween(to, from)
	}
	days := int(to.time().Sub(from.time()).Hours()/24 + 0.5)
	n := days / 7 * 5
	wd := from.Weekday()
	for i := 0; i < days%7; i++ {
		wd = (wd + 1) % 7
		if wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	st := c.now()
	i := sort.Search(len(st.sorted), func(i int) bool { return from.Before(st.sorted[i]) })
	for ; i < len(st.sorted) && !to.Before(st.sorted[i]); i++ {
		d := st.sorted[i]
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		switch off := st.special[d]; {
		case off && !weekend:
			n--
		case !off && weekend:
			n++
		}
	}
	return n
}
