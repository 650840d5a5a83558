package calendar_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
)

type memStore struct {
	years map[int]calendar.HolidayYear
}

func (m *memStore) HolidayYears(context.Context) ([]calendar.HolidayYear, error) {
	var out []calendar.HolidayYear
	for _, y := range m.years {
		out = append(out, y)
	}
	return out, nil
}

func (m *memStore) SaveHolidayYear(_ context.Context, y calendar.HolidayYear, _ audit.Entry) error {
	m.years[y.Year] = y
	return nil
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// A test schedule, not the real one: 2027-01-01 (a Friday) off, Saturday
// 2027-01-02 a working day.
const year2027 = `{"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
	{"name": "元旦", "date": "2027-01-02", "isOffDay": false}]}`

// TestAddHolidays: an administrator adds next year's schedule; it is used
// at once, survives a restart through the store, and bad input changes nothing.
func TestAddHolidays(t *testing.T) {
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	st := &memStore{years: map[int]calendar.HolidayYear{}}
	svc := &calendar.Service{Store: st, Calendar: cal, Clock: fixedClock(time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC))}
	admin := yiwang.Actor{AccountID: "a", Roles: []yiwang.Role{yiwang.RoleSysAdmin}}
	officer := yiwang.Actor{AccountID: "o", Roles: []yiwang.Role{yiwang.RoleCaseOfficer}}
	if m := svc.Missing(); len(m) != 1 || m[0] != 2027 {
		t.Fatalf("missing %v in November 2026, want [2027]", m)
	}
	friday := calendar.Date{Year: 2027, Month: time.January, Day: 1}
	if !cal.IsWorkday(friday) {
		t.Fatal("without data a Friday is a working day")
	}
	if _, err := svc.Add(context.Background(), officer, []byte(year2027)); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
		t.Fatalf("an officer added holidays: %v", err)
	}
	for _, bad := range []string{"", "{", `{"year": 1999, "days": [{"date": "1999-01-01", "isOffDay": true}]}`,
		`{"year": 2027, "days": []}`, `{"year": 2027, "days": [{"date": "2027-13-01", "isOffDay": true}]}`,
		`{"year": 2027, "days": [{"date": "2031-01-01", "isOffDay": true}]}`} {
		if _, err := svc.Add(context.Background(), admin, []byte(bad)); yiwang.ErrorFields(err)["file"] == "" {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if len(st.years) != 0 || cal.Covers(2027) {
		t.Fatal("refused data was stored or used")
	}
	year, err := svc.Add(context.Background(), admin, []byte(year2027))
	if err != nil || year != 2027 {
		t.Fatalf("add: %d %v", year, err)
	}
	saturday := calendar.Date{Year: 2027, Month: time.January, Day: 2}
	if cal.IsWorkday(friday) || !cal.IsWorkday(saturday) || !cal.Covers(2027) || len(svc.Missing()) != 0 {
		t.Fatal("the added year is not used")
	}
	// Another instance (or a restart) learns it from the store.
	fresh, _ := calendar.Default()
	other := &calendar.Service{Store: st, Calendar: fresh, Clock: svc.Clock}
	if err := other.Refresh(context.Background()); err != nil || fresh.IsWorkday(friday) {
		t.Fatalf("refresh: %v", err)
	}
}

// TestLoadWhileCounting: loading a year while deadlines are counted is safe
// (run with -race).
func TestLoadWhileCounting(t *testing.T) {
	cal, _ := calendar.Default()
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				cal.AddWorkdays(calendar.Date{Year: 2026, Month: time.December, Day: 20}, 20)
				cal.WorkdaysBetween(calendar.Date{Year: 2026, Month: time.January, Day: 1}, calendar.Date{Year: 2027, Month: time.March, Day: 1})
			}
		}()
	}
	for j := 0; j < 20; j++ {
		if err := cal.Load([]byte(year2027)); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}
