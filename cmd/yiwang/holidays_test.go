package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestHolidaysAdmin: staff are warned when a year the deadlines may reach
// has no holiday schedule; the system administrator adds it on the page,
// and it is used at once. Others cannot.
func TestHolidaysAdmin(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	now := time.Now()
	missing := 0 // the year the warning must name, if any (the embedded data ends in 2026)
	switch {
	case !ts.app.holidays.Calendar.Covers(now.Year()):
		missing = now.Year()
	case now.Month() >= time.October && !ts.app.holidays.Calendar.Covers(now.Year()+1):
		missing = now.Year() + 1
	}
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	home := officer.get("/staff")
	if warned := home.Doc.Find("#holiday-warning").Length() == 1; warned != (missing != 0) {
		t.Fatalf("warning shown %v, want for %d", warned, missing)
	}
	if p := officer.get("/admin/holidays"); p.Status != http.StatusForbidden {
		t.Fatalf("an officer opened the holiday page: %d", p.Status)
	}
	if missing == 0 {
		missing = now.Year() + 1 // add next year anyway: the page must take it
	}
	y := strconv.Itoa(missing)
	admin := ts.client()
	ts.staffLogin(admin, "admin", demo.StaffPassword)
	checkPage(t, "/admin/holidays", admin.get("/admin/holidays"))
	if p := admin.post("/admin/holidays", url.Values{"data": {`{"year": ` + y + `, "days": []}`}}); p.Status != http.StatusBadRequest ||
		p.Doc.Find("#e-file").Length() != 1 {
		t.Fatalf("an empty schedule: %d", p.Status)
	}
	good := `{"year": ` + y + `, "days": [{"name": "元旦", "date": "` + y + `-01-01", "isOffDay": true}]}`
	if p := admin.postFiles("/admin/holidays", nil, map[string][]byte{"file": []byte(good)}); p.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if years := admin.get("/admin/holidays").Doc.Find("#years").Text(); !strings.Contains(years, y) {
		t.Fatalf("years after the upload: %s", years)
	}
	// ts.app is a second instance on the same database: it learns the year on refresh.
	if err := ts.app.holidays.Refresh(context.Background()); err != nil || !ts.app.holidays.Calendar.Covers(missing) {
		t.Fatalf("another instance does not learn the added year: %v", err)
	}
	if officer.get("/staff").Doc.Find("#holiday-warning").Length() != 0 {
		t.Fatal("the warning stays after the year was added")
	}
}

// TestHolidaysCommand: an operator adds a year from the command line; bad
// files are refused with a message and change nothing.
func TestHolidaysCommand(t *testing.T) {
	dir := t.TempDir()
	if _, err := cli(t, "migrate", "--data", dir); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	good := filepath.Join(dir, "2031.json")
	os.WriteFile(bad, []byte(`{"year": 2031}`), 0o600)
	os.WriteFile(good, []byte(`{"year": 2031, "days": [{"name": "元旦", "date": "2031-01-01", "isOffDay": true}]}`), 0o600)
	if out, err := cli(t, "holidays", "add", bad, "--data", dir); err == nil || !strings.Contains(err.Error(), "没有任何日期") {
		t.Fatalf("bad file: %v %s", err, out)
	}
	if out, _ := cli(t, "holidays", "list", "--data", dir); strings.Contains(out, "2031") {
		t.Fatalf("a refused year is listed: %s", out)
	}
	if out, err := cli(t, "holidays", "add", good, "--data", dir); err != nil || !strings.Contains(out, "已录入 2031 年") {
		t.Fatalf("add: %v %s", err, out)
	}
	if out, err := cli(t, "holidays", "list", "--data", dir); err != nil || !strings.Contains(out, "2026 2031") {
		t.Fatalf("list: %v %s", err, out)
	}
}
