package calendar_test

import (
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
)

func date(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, yiwang.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIsWorkday(t *testing.T) {
	c, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day  string
		work bool
	}{
		{"2026-01-01", false}, // 元旦
		{"2026-01-04", true},  // Sunday, 调休 working day
		{"2026-02-14", true},  // Saturday, 调休
		{"2026-02-15", false}, // 春节
		{"2026-02-23", false}, // 春节 runs 02-15 … 02-23 in 2026
		{"2026-02-24", true},  // first working day after it
		{"2026-02-28", true},  // Saturday, 调休
		{"2026-03-07", false}, // ordinary Saturday
		{"2026-03-09", true},  // ordinary Monday
		{"2026-10-01", false}, // 国庆
		{"2026-10-10", true},  // Saturday, 调休
		{"2025-01-26", true},  // Sunday, 调休
		{"2025-10-11", true},  // Saturday, 调休
	} {
		if got := c.IsWorkday(date(t, tc.day)); got != tc.work {
			t.Errorf("%s: workday = %v, want %v", tc.day, got, tc.work)
		}
	}
	for y := 2018; y <= 2026; y++ {
		if !c.Covers(y) {
			t.Errorf("no data for %d", y)
		}
	}
	if c.Covers(2027) {
		t.Error("2027 is not published yet")
	}
}

func TestAddWorkdays(t *testing.T) {
	c, _ := calendar.Default()
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-09", 0, "2026-03-09"},
		{"2026-03-09", 1, "2026-03-10"},
		{"2026-03-13", 1, "2026-03-16"},  // Friday → Monday
		{"2026-03-09", 20, "2026-04-07"}, // four weeks, then 清明 (04-04 … 04-06)
		{"2026-02-13", 1, "2026-02-14"},  // Friday → the 调休 Saturday
		{"2026-02-14", 1, "2026-02-24"},  // across 春节 (02-15 … 02-23)
		{"2026-09-30", 3, "2026-10-10"},  // across 国庆 (10-01 … 10-07): 10-08, 10-09, the 调休 Saturday 10-10
	} {
		got := c.AddWorkdays(date(t, tc.from), tc.n)
		if got.String() != tc.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
		if back := c.WorkdaysBetween(date(t, tc.from), got); back != tc.n {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tc.from, got, back, tc.n)
		}
	}
}

func TestDeadlineWithPauses(t *testing.T) {
	c, _ := calendar.Default()
	accepted := at("2026-03-09 10:00") // Monday
	d, ok := c.Deadline(accepted, 5, nil)
	if !ok || d.String() != "2026-03-16" {
		t.Fatalf("no pause: %s", d)
	}
	// Waiting for corrections from Wednesday to the next Monday: Wed, Thu, Fri don't count.
	pauses := []calendar.Pause{{From: at("2026-03-11 09:00"), To: at("2026-03-16 15:00")}}
	d, ok = c.Deadline(accepted, 5, pauses)
	if !ok || d.String() != "2026-03-19" {
		t.Fatalf("with pause: %s", d)
	}
	if _, ok := c.Deadline(accepted, 5, []calendar.Pause{{From: at("2026-03-11 09:00")}}); ok {
		t.Fatal("an open pause has no deadline")
	}
	if used := c.Used(accepted, at("2026-03-17 12:00"), pauses); used != 3 {
		t.Fatalf("used = %d, want 3 (Tue, Mon, Tue)", used)
	}
}

// TestWorkdaysBetweenMatchesCounting checks the arithmetic against counting
// day by day, over many ranges across every year of data.
func TestWorkdaysBetweenMatchesCounting(t *testing.T) {
	c, _ := calendar.Default()
	start := date(t, "2017-12-25")
	for i := 0; i < 3300; i += 7 {
		from := start.AddDays(i)
		for _, span := range []int{0, 1, 3, 6, 13, 40, 200, 400} {
			to := from.AddDays(span)
			want := 0
			for d := from.AddDays(1); !to.Before(d); d = d.AddDays(1) {
				if c.IsWorkday(d) {
					want++
				}
			}
			if got := c.WorkdaysBetween(from, to); got != want {
				t.Fatalf("WorkdaysBetween(%s, %s) = %d, counting gives %d", from, to, got, want)
			}
		}
	}
}
