package sqlstore_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// The inbox lists a department's cases due first and, among those due the
// same day, submitted first, page by page; closed cases never. Many cases
// due on one day (a busy day's applications) and many closed ones (years
// of them) are what the index of migration 00026 is for.
func TestInboxOrder(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			clk := yiwangtest.NewClock(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))
			if _, err := demo.Load(ctx, db, clk); err != nil {
				t.Fatal(err)
			}
			entries, err := db.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
			if err != nil || len(entries) == 0 {
				t.Fatal(len(entries), err)
			}
			en, cur := entries[0], entries[0]
			const who = "排序测试"
			t0 := clk.Now().Add(-72 * time.Hour)
			var cs []casework.Case
			add := func(state, due string, at time.Time) casework.Case {
				en := cur
				c := casework.Case{ID: yiwang.NewID(), No: fmt.Sprintf("%s20260306%04d", en.Code, len(cs)+1), EntryID: en.ID,
					EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID, ApplicantID: yiwang.NewID(), Applicant: who,
					Mobile: "13800000000", IDCard: "34050419850312001X", Channel: casework.ChannelWeb, State: state,
					SubmittedAt: at, Version: 1, Due: due,
					Materials: []casework.Material{{Index: 0, Name: "申请书", FileID: strings.Repeat("a", 64)}}}
				if state == casework.StateAccepted {
					c.AcceptedAt, c.Deadline = at, due
					c.Tasks = []casework.Task{{ID: yiwang.NewID(), CaseID: c.ID, Name: "审查", Kind: catalog.StepReview,
						OrgID: en.OrgID, Role: yiwang.RoleCaseOfficer, State: casework.TaskOpen, OpenedAt: at, Due: due}}
				}
				cs = append(cs, c)
				return c
			}
			minute := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }
			var want []casework.Case // the inbox's order
			for i := range 5 {
				want = append(want, add(casework.StateSubmitted, "2026-03-12", minute(100+i)))
			}
			for i := range 60 {
				want = append(want, add(casework.StateAccepted, "2026-03-16", minute(i)))
			}
			for i := range 4 {
				want = append(want, add(casework.StateCorrection, "9999-12-31", minute(50+i)))
			}
			for i := range 40 {
				add(casework.StateDelivered, "9999-12-31", minute(i))
				add(casework.StateRefused, "9999-12-31", minute(200+i))
			}
			// Another department's, for an inbox of two (a township and a
			// village below it): their cases due the same days interleave.
			for _, e := range entries {
				if e.OrgID != en.OrgID {
					cur = e
					break
				}
			}
			if cur.OrgID == en.OrgID {
				t.Fatal("the demo catalog has entries of one org only")
			}
			both := slices.Clone(want)
			for i := range 30 {
				both = append(both, add(casework.StateAccepted, "2026-03-16", minute(i).Add(30*time.Second)))
				add(casework.StateDelivered, "9999-12-31", minute(i))
			}
			both = append(both, add(casework.StateSubmitted, "2026-03-11", minute(300)))
			// Cases of a third org on which the first org or the second
			// works too (会办): listed with each inbox's own, due when its
			// org's open task is; in the inbox of both, when the first is.
			sec, second := cur, cur.OrgID
			for _, e := range entries {
				if e.OrgID != en.OrgID && e.OrgID != cur.OrgID && e.Base.Name != en.Base.Name && e.Base.Name != cur.Base.Name {
					cur = e
					break
				}
			}
			if cur.OrgID == en.OrgID || cur.OrgID == second {
				t.Fatal("the demo catalog has entries of two orgs only")
			}
			task := func(org, due, state string) {
				c := &cs[len(cs)-1]
				c.Tasks = append(c.Tasks, casework.Task{ID: yiwang.NewID(), CaseID: c.ID, Stage: 1, Name: "会办", Kind: catalog.StepReview,
					OrgID: org, Role: yiwang.RoleCaseOfficer, State: state, OpenedAt: c.SubmittedAt, Due: due})
			}
			dueOn := func(c casework.Case, due string) casework.Case { c.Due = due; return c }
			for i := range 24 {
				c := add(casework.StateAccepted, "2026-03-30", minute(400+i)) // its own tasks due later than any joint one
				d := []string{"2026-03-10", "2026-03-12", "2026-03-16", "2026-03-20"}[i%4]
				switch i % 3 {
				case 0:
					task(en.OrgID, d, casework.TaskOpen)
					want = append(want, dueOn(c, d))
					both = append(both, dueOn(c, d))
				case 1:
					task(second, d, casework.TaskOpen)
					both = append(both, dueOn(c, d))
				case 2:
					task(en.OrgID, "2026-03-20", casework.TaskOpen)
					task(second, d, casework.TaskOpen)
					want = append(want, dueOn(c, "2026-03-20"))
					both = append(both, dueOn(c, d))
				}
			}
			// Due the day the page's last own case is, submitted before
			// them: on the first page, among them.
			c := add(casework.StateAccepted, "2026-03-30", minute(-10))
			task(en.OrgID, "2026-03-16", casework.TaskOpen)
			want = append(want, dueOn(c, "2026-03-16"))
			both = append(both, dueOn(c, "2026-03-16"))
			// A joint task done is not listed, nor its case.
			add(casework.StateAccepted, "2026-03-30", minute(450))
			task(en.OrgID, "2026-03-09", casework.TaskDone)
			// A case of the first org that the second works on is the
			// second's joint case, and in the inbox of both it is their own,
			// listed once.
			cur = en
			c = add(casework.StateAccepted, "2026-03-17", minute(460))
			task(second, "2026-03-09", casework.TaskOpen)
			want = append(want, c)
			both = append(both, c)
			byDue := func(a, b casework.Case) int {
				return cmp.Or(strings.Compare(a.Due, b.Due), a.SubmittedAt.Compare(b.SubmittedAt))
			}
			slices.SortStableFunc(want, byDue)
			slices.SortStableFunc(both, byDue)
			var accepted []casework.Case
			for _, c := range want {
				if c.State == casework.StateAccepted {
					accepted = append(accepted, c)
				}
			}
			rand.New(rand.NewPCG(7, 8)).Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
			if err := db.BulkCases(ctx, cs); err != nil {
				t.Fatal(err)
			}
			orgs := []string{en.OrgID}
			pageOf := func(orgs, states []string, limit, offset int) []string {
				t.Helper()
				got, err := db.CasesFor(ctx, orgs, states, who, limit, offset)
				if err != nil {
					t.Fatal(err)
				}
				var nos []string
				for _, c := range got {
					nos = append(nos, c.No)
				}
				return nos
			}
			page := func(states []string, limit, offset int) []string {
				t.Helper()
				return pageOf(orgs, states, limit, offset)
			}
			nos := func(cs []casework.Case) []string {
				var out []string
				for _, c := range cs {
					out = append(out, c.No)
				}
				return out
			}
			if got, w := page(casework.InboxStates(), 51, 0), nos(want[:51]); !slices.Equal(got, w) {
				t.Fatalf("page 1:\n got %v\nwant %v", got, w)
			}
			if got, w := page(casework.InboxStates(), 51, 51), nos(want[51:]); !slices.Equal(got, w) {
				t.Fatalf("page 2:\n got %v\nwant %v", got, w)
			}
			if got, w := page([]string{casework.StateAccepted}, 10, 0), nos(accepted[:10]); !slices.Equal(got, w) {
				t.Fatalf("accepted only:\n got %v\nwant %v", got, w)
			}
			// A case number, typed in lower case, finds its case alone.
			if got, err := db.CasesFor(ctx, orgs, casework.InboxStates(), strings.ToLower(want[7].No), 51, 0); err != nil ||
				len(got) != 1 || got[0].No != want[7].No {
				t.Fatalf("search by number %s: %d cases, %v", want[7].No, len(got), err)
			}
			if _, err := db.CasesFor(ctx, orgs, []string{casework.StateDelivered}, "", 10, 0); err == nil {
				t.Fatal("an inbox of delivered cases was listed")
			}
			two := []string{en.OrgID, second}
			// More orgs than one statement has branches for: they share them.
			many := slices.Clone(two)
			for i := range 598 {
				many = append(many, fmt.Sprintf("org-without-cases-%d", i))
			}
			rand.New(rand.NewPCG(9, 10)).Shuffle(len(many), func(i, j int) { many[i], many[j] = many[j], many[i] })
			// The most orgs whose joint branches stop at the page's last own
			// case (SQLite refuses a few more).
			widest := slices.Clone(two)
			for i := range sqlstore.BoundedBranches - len(two) {
				widest = append(widest, fmt.Sprintf("org-without-cases-%d", i))
			}
			for _, p := range []struct{ limit, offset int }{{51, 0}, {51, 51}, {20, 90}} {
				w := nos(both[p.offset:min(p.offset+p.limit, len(both))])
				if got := pageOf(widest, casework.InboxStates(), p.limit, p.offset); !slices.Equal(got, w) {
					t.Fatalf("%d orgs, %d from %d:\n got %v\nwant %v", len(widest), p.limit, p.offset, got, w)
				}
				if got := pageOf(two, casework.InboxStates(), p.limit, p.offset); !slices.Equal(got, w) {
					t.Fatalf("two orgs, %d from %d:\n got %v\nwant %v", p.limit, p.offset, got, w)
				}
				if got := pageOf(many, casework.InboxStates(), p.limit, p.offset); !slices.Equal(got, w) {
					t.Fatalf("600 orgs, %d from %d:\n got %v\nwant %v", p.limit, p.offset, got, w)
				}
			}

			officers := []string{string(yiwang.RoleCaseOfficer)}
			for _, c := range []struct {
				orgs []string
				mine int // open tasks due 2026-03-16 added above
			}{{orgs, 60}, {two, 90}, {many, 90}} {
				all, err := db.OpenTasksFor(ctx, c.orgs, officers, 1000, 0)
				if err != nil {
					t.Fatal(err)
				}
				mine := 0
				for i, it := range all {
					if !slices.Contains(c.orgs, it.OrgID) || it.State != casework.TaskOpen {
						t.Fatalf("task %d: org %s state %s", i, it.OrgID, it.State)
					}
					if i > 0 {
						p := all[i-1]
						if less := p.Due < it.Due || p.Due == it.Due && (p.OpenedAt.Before(it.OpenedAt) ||
							p.OpenedAt.Equal(it.OpenedAt) && p.ID < it.ID); !less {
							t.Fatalf("task %d (%s %s) listed after task %d (%s %s)", i, it.Due, it.OpenedAt, i-1, p.Due, p.OpenedAt)
						}
					}
					if it.Due == "2026-03-16" && (it.ItemName == en.Base.Name || it.ItemName == sec.Base.Name) {
						mine++
					}
				}
				if mine != c.mine {
					t.Fatalf("%d orgs: %d of the %d open tasks listed", len(c.orgs), mine, c.mine)
				}
				for _, p := range []struct{ limit, offset int }{{51, 0}, {30, 51}} {
					got, err := db.OpenTasksFor(ctx, c.orgs, officers, p.limit, p.offset)
					if err != nil {
						t.Fatal(err)
					}
					for i := range got {
						if got[i].ID != all[p.offset+i].ID {
							t.Fatalf("%d orgs: task %d from %d differs from the whole list", len(c.orgs), i, p.offset)
						}
					}
					if want := min(p.limit, len(all)-p.offset); len(got) != want {
						t.Fatalf("%d orgs: %d tasks from %d, want %d", len(c.orgs), len(got), p.offset, want)
					}
				}
			}
			if engine == sqlstore.SQLite {
				q, args, err := sqlstore.InboxQuery(orgs, casework.InboxStates(), "", 51, 0)
				if err != nil {
					t.Fatal(err)
				}
				planUses(t, db, q, args, "CO-ROUTINE own0", "cases_inbox")
				// By number: its unique index, not every open case.
				q, args, err = sqlstore.InboxQuery(two, casework.InboxStates(), want[7].No, 51, 0)
				if err != nil {
					t.Fatal(err)
				}
				planUses(t, db, q, args, "CO-ROUTINE own1", "sqlite_autoindex_cases_2")
				q, args, err = sqlstore.InboxQuery(two, casework.InboxStates(), "", 51, 0)
				if err != nil {
					t.Fatal(err)
				}
				planUses(t, db, q, args, "CO-ROUTINE own0", "cases_inbox")
				planUses(t, db, q, args, "CO-ROUTINE own1", "cases_inbox")
				// Each org's joint tasks in due order, sorted only among
				// those due the same day (by the case's submission).
				planReads(t, db, q, args, "CO-ROUTINE joint0", "case_tasks_joint", true)
				planReads(t, db, q, args, "CO-ROUTINE joint1", "case_tasks_joint", true)
				q, args = sqlstore.OpenTasksQuery(orgs, officers, 51, 0)
				planUses(t, db, q, args, "", "case_tasks_org_due")
				q, args = sqlstore.OpenTasksQuery(two, officers, 51, 0)
				planUses(t, db, q, args, "CO-ROUTINE org0", "case_tasks_org_due")
				planUses(t, db, q, args, "CO-ROUTINE org1", "case_tasks_org_due")
			}
		})
	}
}

// planUses fails unless SQLite's plan for q, in the part under the node
// named under ("": all of it), reads index and sorts nothing: the index
// gives the order, so a page reads only its rows.
func planUses(t *testing.T, db *sqlstore.DB, q string, args []any, under, index string) {
	t.Helper()
	planReads(t, db, q, args, under, index, false)
}

// planReads is planUses; with ties, the plan may sort the rows the index
// gives in one order key's tie ("RIGHT PART" or "LAST TERM OF ORDER BY"),
// never all.
func planReads(t *testing.T, db *sqlstore.DB, q string, args []any, under, index string, ties bool) {
	t.Helper()
	in := map[int]bool{0: under == ""} // the nodes in the part, by id
	var plan []string
	for _, n := range queryPlan(t, db, q, args...) {
		in[n.id] = in[n.parent] || n.detail == under
		if in[n.parent] {
			plan = append(plan, n.detail)
		}
	}
	p := strings.Join(plan, "; ")
	reads := slices.ContainsFunc(plan, func(d string) bool {
		return strings.HasSuffix(d, "INDEX "+index) || strings.Contains(d, "INDEX "+index+" ")
	})
	sorts := strings.Contains(p, "TEMP B-TREE")
	if ties {
		rest := strings.NewReplacer("TEMP B-TREE FOR RIGHT PART OF ORDER BY", "", "TEMP B-TREE FOR LAST TERM OF ORDER BY", "").Replace(p)
		sorts = strings.Contains(rest, "TEMP B-TREE")
	}
	if !reads || sorts {
		t.Fatalf("the plan does not read %s in order: %s", index, p)
	}
}

// planNode is a node of SQLite's query plan.
type planNode struct {
	id, parent int
	detail     string
}

// queryPlan returns SQLite's query plan for q, node by node.
func queryPlan(t *testing.T, db *sqlstore.DB, q string, args ...any) []planNode {
	t.Helper()
	rows, err := db.SQL().Query(`EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []planNode
	for rows.Next() {
		var n planNode
		var unused int
		if err := rows.Scan(&n.id, &n.parent, &unused, &n.detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
