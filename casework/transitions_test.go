package casework_test

import (
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestTransitionTable tries every action in every state as every kind of
// actor, on a fresh case each time, and checks the outcome against the
// rules: who may act, from which state, to which state. Everything else is
// refused and leaves the case as it was.
func TestTransitionTable(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			clerk := e.officer // a window clerk of the same department
			clerk.Roles = []yiwang.Role{yiwang.RoleWindowClerk}
			actors := map[string]yiwang.Actor{"applicant": e.citizen, "officer": e.officer, "clerk": clerk, "other-dept": e.other}
			m := e.files()[0]
			actions := []struct {
				name string
				from []string
				to   string
				who  []string // who may do it; the rest get an error
				deny string   // the error they get
				do   func(a yiwang.Actor, id string) (casework.Case, error)
			}{
				{"accept", []string{casework.StateSubmitted}, casework.StateAccepted, []string{"officer", "clerk"}, yiwang.EFORBIDDEN,
					func(a yiwang.Actor, id string) (casework.Case, error) { return e.svc.Accept(e.ctx, a, id) }},
				{"refuse", []string{casework.StateSubmitted}, casework.StateRefused, []string{"officer", "clerk"}, yiwang.EFORBIDDEN,
					func(a yiwang.Actor, id string) (casework.Case, error) {
						return e.svc.Refuse(e.ctx, a, id, "不属于本部门职权范围", "《行政许可法》第三十二条")
					}},
				{"correct", []string{casework.StateSubmitted}, casework.StateCorrection, []string{"officer", "clerk"}, yiwang.EFORBIDDEN,
					func(a yiwang.Actor, id string) (casework.Case, error) {
						return e.svc.RequestCorrection(e.ctx, a, id, []casework.Correction{{Material: m.Index, Condition: -1, Reason: "复印件不清晰"}})
					}},
				{"resubmit", []string{casework.StateCorrection}, casework.StateSubmitted, []string{"applicant"}, yiwang.ENOTFOUND,
					func(a yiwang.Actor, id string) (casework.Case, error) {
						return e.svc.Resubmit(e.ctx, a, id, []casework.Material{m})
					}},
				{"decide", []string{casework.StateAccepted}, casework.StateDecided, []string{"officer"}, yiwang.EFORBIDDEN,
					func(a yiwang.Actor, id string) (casework.Case, error) {
						return e.svc.Decide(e.ctx, a, id, casework.Granted, "符合条件")
					}},
				{"special-start", []string{casework.StateAccepted}, casework.StateSpecial, []string{"officer"}, yiwang.EFORBIDDEN,
					func(a yiwang.Actor, id string) (casework.Case, error) {
						return e.svc.StartSpecial(e.ctx, a, id, casework.SpecialOther, "需现场核查经营场所")
					}},
				{"special-end", []string{casework.StateSpecial}, casework.StateAccepted, []string{"officer"}, yiwang.EFORBIDDEN,
					func(a yiwang.Actor, id string) (casework.Case, error) {
						return e.svc.EndSpecial(e.ctx, a, id, "核查合格")
					}},
				{"deliver", []string{casework.StateDecided}, casework.StateDelivered, []string{"officer", "clerk"}, yiwang.EFORBIDDEN,
					func(a yiwang.Actor, id string) (casework.Case, error) {
						return e.svc.Deliver(e.ctx, a, id, casework.Delivery{Method: casework.DeliverWindow})
					}},
				{"withdraw", []string{casework.StateSubmitted, casework.StateCorrection, casework.StateAccepted}, casework.StateWithdrawn,
					[]string{"applicant"}, yiwang.ENOTFOUND,
					func(a yiwang.Actor, id string) (casework.Case, error) { return e.svc.Withdraw(e.ctx, a, id) }},
			}
			// caseIn makes a new case and brings it to state the way people would.
			caseIn := func(state string) casework.Case {
				t.Helper()
				c, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
				if err != nil {
					t.Fatal(err)
				}
				steps := map[string][]string{casework.StateSubmitted: nil, casework.StateCorrection: {"correct"},
					casework.StateAccepted: {"accept", "review"}, casework.StateSpecial: {"accept", "special-start"},
					casework.StateDecided:   {"accept", "review", "decide", "certify"},
					casework.StateDelivered: {"accept", "review", "decide", "certify", "deliver"},
					casework.StateRefused:   {"refuse"}, casework.StateWithdrawn: {"withdraw"}}[state]
				for _, s := range steps {
					if s == "review" || s == "certify" { // the officer's tasks: no change of state
						c = e.finish(t, c.ID, s)
					}
					for _, a := range actions {
						if a.name == s {
							if c, err = a.do(actors[a.who[0]], c.ID); err != nil {
								t.Fatalf("bringing a case to %s, %s: %v", state, s, err)
							}
						}
					}
				}
				return c
			}
			states := []string{casework.StateSubmitted, casework.StateCorrection, casework.StateAccepted, casework.StateSpecial,
				casework.StateDecided, casework.StateDelivered, casework.StateRefused, casework.StateWithdrawn}
			for _, st := range states {
				for _, a := range actions {
					for who, actor := range actors {
						c := caseIn(st)
						got, err := a.do(actor, c.ID)
						allowed := false
						for _, w := range a.who {
							allowed = allowed || w == who
						}
						from := false
						for _, f := range a.from {
							from = from || f == st
						}
						switch {
						case !allowed:
							if yiwang.ErrorCode(err) != a.deny {
								t.Errorf("%s by %s in %s: %v, want %s", a.name, who, st, err, a.deny)
							}
						case !from:
							if yiwang.ErrorCode(err) != yiwang.ECONFLICT {
								t.Errorf("%s by %s in %s: %v, want %s", a.name, who, st, err, yiwang.ECONFLICT)
							}
						case err != nil || got.State != a.to:
							t.Errorf("%s by %s in %s: state %q, %v; want %s", a.name, who, st, got.State, err, a.to)
						}
						after, _, gerr := e.svc.Get(e.ctx, e.officer, c.ID)
						if gerr != nil {
							t.Fatal(gerr)
						}
						if want := map[bool]string{true: a.to, false: st}[err == nil]; after.State != want || (err != nil && after.Version != c.Version) {
							t.Errorf("%s by %s in %s: stored state %s version %d, want %s", a.name, who, st, after.State, after.Version, want)
						}
					}
				}
			}
		})
	}
}
