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

// Calendar knows which dates are working days.
type Calendar struct {
	special map[Date]bool // true: day off (holiday); false: working day (调休)
	years   map[int]bool  // years with published data
	sorted  []Date        // the special dates in order, for counting ranges fast
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
	c := &Calendar{special: map[Date]bool{}, years: map[int]bool{}}
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
func (c *Calendar) Load(b []byte) error {
	var y yearFile
	if err := json.Unmarshal(b, &y); err != nil {
		return fmt.Errorf("holiday data: %w", err)
	}
	if y.Year < 2000 || y.Year > 2100 {
		return fmt.Errorf("holiday data: year %d out of range", y.Year)
	}
	for _, d := range y.Days {
		date, err := ParseDate(d.Date)
		if err != nil {
			return fmt.Errorf("holiday data: date %q: %w", d.Date, err)
		}
		c.special[date] = d.IsOffDay
	}
	c.sorted = c.sorted[:0]
	for d := range c.special {
		c.sorted = append(c.sorted, d)
	}
	sort.Slice(c.sorted, func(i, j int) bool { return c.sorted[i].Before(c.sorted[j]) })
	if len(y.Days) > 0 {
		c.years[y.Year] = true
	}
	return nil
}

// Covers reports whether the holidays of year are known. Counting into a
// year without data treats its holidays as working days: warn before then.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// Years lists the years with data.
func (c *Calendar) Years() []int {
	var ys []int
	for y := range c.years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool {
	if off, ok := c.special[d]; ok {
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
	i := sort.Search(len(c.sorted), func(i int) bool { return from.Before(c.sorted[i]) })
	for ; i < len(c.sorted) && !to.Before(c.sorted[i]); i++ {
		d := c.sorted[i]
		weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
		switch off := c.special[d]; {
		case off && !weekend:
			n--
		case !off && weekend:
			n++
		}
	}
	return n
}
