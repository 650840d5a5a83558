package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// HolidayYear is one year's schedule an administrator added: the State
// Council publishes next year's in the autumn, after the binary was built.
type HolidayYear struct {
	Year    int
	Data    []byte // the holiday-cn JSON as given
	AddedBy string
	AddedAt time.Time
}

// Store keeps the added years.
type Store interface {
	HolidayYears(ctx context.Context) ([]HolidayYear, error)
	// SaveHolidayYear adds or replaces a year with its audit entry.
	SaveHolidayYear(ctx context.Context, y HolidayYear, e audit.Entry) error
}

// Service lets administrators add holiday years to the running calendar.
type Service struct {
	Store    Store
	Calendar *Calendar
	Clock    yiwang.Clock
}

// Refresh loads the years administrators added (at start, and now and then
// so that every instance learns of a year added on another).
func (s *Service) Refresh(ctx context.Context) error {
	ys, err := s.Store.HolidayYears(ctx)
	if err != nil {
		return err
	}
	for _, y := range ys {
		if err := s.Calendar.Load(y.Data); err != nil {
			return fmt.Errorf("stored holidays %d: %w", y.Year, err)
		}
	}
	return nil
}

// Add stores a year file in the holiday-cn format and puts it to use. Only
// system administrators may; a file that does not parse changes nothing.
func (s *Service) Add(ctx context.Context, actor yiwang.Actor, data []byte) (int, error) {
	if !actor.Has(yiwang.RoleSysAdmin) {
		return 0, yiwang.Errorf(yiwang.EFORBIDDEN, "只有系统管理员可以录入节假日安排")
	}
	if len(data) > 64<<10 {
		return 0, yiwang.Invalid(map[string]string{"file": "节假日数据不能超过 64 KB"})
	}
	year, err := Parse(data)
	if err != nil {
		return 0, yiwang.Invalid(map[string]string{"file": err.Error()})
	}
	now := s.Clock.Now()
	e := audit.New(actor, now, "calendar.holidays", fmt.Sprintf("holidays:%d", year), audit.ResultOK,
		fmt.Sprintf("录入 %d 年节假日安排", year))
	if err := s.Store.SaveHolidayYear(ctx, HolidayYear{Year: year, Data: data, AddedBy: actor.AccountID, AddedAt: now}, e); err != nil {
		return 0, err
	}
	return year, s.Calendar.Load(data)
}

// Missing lists the years whose holidays a deadline may soon need but the
// calendar lacks: this year, and from October on (the State Council
// usually publishes next year's schedule in October or November) next year.
func (s *Service) Missing() []int {
	today := DateOf(s.Clock.Now())
	var out []int
	if !s.Calendar.Covers(today.Year) {
		out = append(out, today.Year)
	}
	if today.Month >= time.October && !s.Calendar.Covers(today.Year+1) {
		out = append(out, today.Year+1)
	}
	return out
}
