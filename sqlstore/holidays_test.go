package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestHolidayYears: added years are kept, a year added again replaces it,
// and each change is audited.
func TestHolidayYears(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			at := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
			admin := yiwang.Actor{AccountID: "admin", Name: "系统管理员"}
			save := func(data string) {
				t.Helper()
				e := audit.New(admin, at, "calendar.holidays", "holidays:2027", audit.ResultOK, "")
				if err := db.SaveHolidayYear(ctx, calendar.HolidayYear{Year: 2027, Data: []byte(data), AddedBy: "admin", AddedAt: at}, e); err != nil {
					t.Fatal(err)
				}
			}
			save(`{"year": 2027, "days": []}`)
			save(`{"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": true}]}`)
			ys, err := db.HolidayYears(ctx)
			if err != nil || len(ys) != 1 || ys[0].Year != 2027 || string(ys[0].Data) != `{"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": true}]}` ||
				ys[0].AddedBy != "admin" || !ys[0].AddedAt.Equal(at) {
				t.Fatalf("stored years %+v %v", ys, err)
			}
			if _, total, _ := db.ListAudit(ctx, audit.Filter{Action: "calendar", Limit: 10}); total != 2 {
				t.Fatalf("%d audit entries, want 2", total)
			}
		})
	}
}
