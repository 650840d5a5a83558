package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/files"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/supervision"
)

// SupervisionStore finds the demo staff and items.
type SupervisionStore interface {
	AccountByUsername(ctx context.Context, username string) (identity.Account, error)
	ListEntries(ctx context.Context, f catalog.Filter) ([]catalog.Entry, error)
}

// atClock is a clock stopped at a time, for filing cases in the past.
type atClock struct{ t time.Time }

func (c atClock) Now() time.Time { return c.t }

// demoLate are open window cases filed some working days ago and left
// lying, so that 电子监察 shows yellow and red on a fresh start: accepted
// past or near their committed limit, waiting for pre-review past or near
// the five days of Art. 32.
var demoLate = []struct {
	item     string
	person   int
	filed    int // working days before today
	accepted bool
}{
	{"食品经营许可", 2, 13, true},    // 10-day limit ended 3 working days ago: red
	{"食品经营许可", 3, 8, true},     // 2 of 10 days left: yellow
	{"个体工商户设立登记", 2, 7, false}, // pre-review past its fifth day: red
	{"个体工商户设立登记", 3, 4, false}, // pre-review with one day left: yellow
}

// LoadSupervision files the late demo cases at the 市场监管局 window, runs
// the supervision scan as it ran on the days they turned, has the
// supervisor send a 督办 on the red one two working days ago and the head
// answer it the next day, and leaves one 督办 waiting for an answer. It
// runs after LoadCases; sv's lease is given up at the end.
func LoadSupervision(ctx context.Context, st SupervisionStore, cases *casework.Service, fs *files.Service, sv *supervision.Service) (int, error) {
	actor := func(u string) (yiwang.Actor, error) {
		a, err := st.AccountByUsername(ctx, u)
		return a.Actor("127.0.0.1", "demo"), err
	}
	officer, err := actor("officer")
	if err != nil {
		return 0, fmt.Errorf("demo supervision: %w", err)
	}
	clerk, err := actor("clerk")
	if err != nil {
		return 0, fmt.Errorf("demo supervision: %w", err)
	}
	superv, err := actor("supervisor")
	if err != nil {
		return 0, fmt.Errorf("demo supervision: %w", err)
	}
	head, err := actor("head")
	if err != nil {
		return 0, fmt.Errorf("demo supervision: %w", err)
	}
	entries, err := st.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	if err != nil {
		return 0, err
	}
	cal, now := cases.Calendar, sv.Clock.Now()
	// day returns 10:00 in Shanghai n working days before today.
	day := func(n int, hour int) time.Time {
		d := calendar.DateOf(now)
		for n > 0 {
			d = d.AddDays(-1)
			if cal.IsWorkday(d) {
				n--
			}
		}
		return d.Start().Add(time.Duration(hour) * time.Hour)
	}
	pdf, err := fs.Put(ctx, clerk, "申请材料（演示）.pdf", samplePDF, files.Material)
	if err != nil {
		return 0, err
	}
	var filed []casework.Case
	for _, dl := range demoLate {
		var en catalog.Entry
		for _, e := range entries {
			if e.Base.Name == dl.item && e.OrgID == officer.OrgID {
				en = e
			}
		}
		if en.ID == "" {
			return len(filed), fmt.Errorf("demo supervision: %s is not published by the officer's department", dl.item)
		}
		p := People[dl.person]
		app := casework.Application{EntryCode: en.Code, Fields: demoAnswers(dl.item, p.Name)}
		for j, m := range en.Guide.Materials {
			if m.Source != "department" && m.Required {
				app.Materials = append(app.Materials, casework.Material{Index: j, FileID: pdf.ID})
			}
		}
		past := *cases
		past.Clock = atClock{day(dl.filed, 9)}
		c, err := past.FileFor(ctx, clerk, casework.Applicant{Name: p.Name, Mobile: p.Mobile, IDCard: p.IDCard}, app)
		if err != nil {
			return len(filed), fmt.Errorf("demo supervision: file %s: %w", dl.item, err)
		}
		if dl.accepted {
			past.Clock = atClock{day(dl.filed, 10)}
			if c, err = past.Accept(ctx, officer, c.ID); err != nil {
				return len(filed), fmt.Errorf("demo supervision: accept %s: %w", dl.item, err)
			}
		}
		filed = append(filed, c)
	}
	// The scan two working days ago found the first case overdue; the
	// supervisor sent a 督办 that morning and the head answered the next day.
	scanner := *sv
	scanner.Holder = "demo-load"
	defer scanner.Release(ctx)
	scanner.Clock = atClock{day(2, 9)}
	if _, err := scanner.Scan(ctx); err != nil {
		return len(filed), err
	}
	scanner.Clock = atClock{day(2, 11)}
	n, err := scanner.Issue(ctx, superv, supervision.NoticeInput{CaseID: filed[0].ID, Days: 2,
		Text: "该件已超过承诺办结期限，请说明超期原因，并尽快作出决定。"})
	if err != nil {
		return len(filed), err
	}
	scanner.Clock = atClock{day(1, 15)}
	if _, err := scanner.Answer(ctx, head, n.ID, "经查，该件因申请人经营场所需现场核查，核查人员调配不及导致超期。已安排明日上午现场核查，核查后当日作出决定；今后现场核查将提前预约。"); err != nil {
		return len(filed), err
	}
	scanner.Clock = atClock{now}
	if _, err := scanner.Scan(ctx); err != nil {
		return len(filed), err
	}
	if _, err := scanner.Issue(ctx, superv, supervision.NoticeInput{CaseID: filed[2].ID, Days: 3,
		Text: "该件预审已超过5个工作日，请立即作出受理或补正告知决定，并说明原因。"}); err != nil {
		return len(filed), err
	}
	return len(filed), nil
}
