package kpi

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
)

// FuzzParsePeriod: what the dashboard and /api/v1/stats are asked for is
// either refused with EINVALID naming month, from or to in Chinese, or read
// as whole days from 2000 to today, at most 24 months, a month being the
// calendar month (cut at today) it names; the query string the dashboard
// then links to reads as the same period.
func FuzzParsePeriod(f *testing.F) {
	now := time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC).Unix()
	for _, s := range [][3]string{{"", "", ""}, {"2026-10", "", ""}, {"2026-11", "", ""}, {"2026-12", "", ""}, {"1999-12", "", ""},
		{"2026-1", "", ""}, {"2026-13", "", ""}, {"２０２６-10", "", ""}, {"", "2026-10-01", "2026-10-31"}, {"", "2026-10-01", ""},
		{"", "2024-11-26", "2026-11-26"}, {"", "2024-11-27", "2026-11-26"}, {"", "2026-02-30", "2026-03-01"},
		{"", "2026-11-27", "2026-11-26"}, {"", "1999-12-31", "2000-01-01"}, {"2026-10", "2026-01-01", "2026-01-31"},
		{"", "2026-11-26", "2026-11-27"}, {"+2026-10", "", ""}, {"", "2026-10-01T00:00:00Z", "2026-10-02"}} {
		f.Add(s[0], s[1], s[2], now)
	}
	f.Add("2000-01", "", "", time.Date(2000, 1, 1, 0, 0, 0, 0, yiwang.Shanghai).Unix())
	f.Add("", "2026-11-26", "2026-11-26", time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC).Unix())
	lo, hi := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	f.Fuzz(func(t *testing.T, month, from, to string, nowUnix int64) {
		if nowUnix < lo || nowUnix > hi {
			nowUnix = lo + (nowUnix%(hi-lo)+(hi-lo))%(hi-lo)
		}
		now := time.Unix(nowUnix, 0)
		p, err := ParsePeriod(month, from, to, now)
		if err != nil {
			var e *yiwang.Error
			if !errors.As(err, &e) || e.Code != yiwang.EINVALID || len(e.Fields) != 1 || !hasHan(e.Message) {
				t.Fatalf("(%q, %q, %q) refused with %v", month, from, to, err)
			}
			for k, msg := range e.Fields {
				if (k != "month" && k != "from" && k != "to") || msg != e.Message {
					t.Fatalf("(%q, %q, %q): problem %q: %q", month, from, to, k, msg)
				}
			}
			return
		}
		today := now.In(yiwang.Shanghai).Format(time.DateOnly)
		fd, ferr := time.Parse(time.DateOnly, p.From)
		td, terr := time.Parse(time.DateOnly, p.To)
		if ferr != nil || terr != nil || p.From < "2000-01-01" || p.From > p.To || p.To > today ||
			!fd.After(td.AddDate(0, -MaxMonths, 0)) || fd.Format(time.DateOnly) != p.From || td.Format(time.DateOnly) != p.To {
			t.Fatalf("(%q, %q, %q) on %s read as %+v", month, from, to, today, p)
		}
		if b0, b1 := p.Bounds(); !b0.Before(b1) {
			t.Fatalf("%+v: bounds %v, %v", p, b0, b1)
		}
		if p.Month != "" {
			m, err := time.Parse("2006-01", p.Month)
			if err != nil || p.From != m.Format(time.DateOnly) || (p.To != monthEnd(m).Format(time.DateOnly) && p.To != today) {
				t.Fatalf("month %+v", p)
			}
		} else if from == "" || p.From != from || p.To != to {
			t.Fatalf("(%q, %q, %q) read as %+v", month, from, to, p)
		}
		if p.Label() == "" || !utf8.ValidString(p.Label()) {
			t.Fatalf("%+v labelled %q", p, p.Label())
		}
		// The dashboard links to a period by its month, or else by its days.
		var back Period
		if p.Month != "" {
			back, err = ParsePeriod(p.Month, "", "", now)
		} else {
			back, err = ParsePeriod("", p.From, p.To, now)
		}
		if err != nil || back != p {
			t.Fatalf("%+v read back as %+v, %v", p, back, err)
		}
	})
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) >= 0
}
