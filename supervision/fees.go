package supervision

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
)

// RuleFee is the rule on the fees a decision recorded: an item the guide
// does not list, more than its fixed amount, or any fee where the guide
// lists none (收费不符合办事指南). Stored: never change the value.
const RuleFee = "fee"

// FeeLookback is how many days back each scan looks for recorded fees.
const FeeLookback = RefusalLookback

// FeeCharge is one fee line recorded with a decision, with its case.
type FeeCharge struct {
	CaseID, CaseNo, ItemName, OrgID, EntryID, Name string
	Fen                                            int64
	At                                             time.Time // the decision
}

// FeeStore is what the fee rule needs from storage.
type FeeStore interface {
	// ChargedFees lists the fee lines recorded since a time that charge
	// something (fen > 0), in case and line order.
	ChargedFees(ctx context.Context, since time.Time) ([]FeeCharge, error)
	// GuideFees returns the guide's fee items of some entry versions.
	GuideFees(ctx context.Context, entryIDs []string) (map[string][]catalog.Fee, error)
}

// feeName is a fee's name as compared: spaces folded.
func feeName(s string) string { return strings.Join(strings.Fields(s), " ") }

// FeeProblems compares the fees a case charged with its guide's fee items,
// by name, and words each problem: an item the guide does not list, more
// than the guide's fixed amount (a guide amount of 0 is not fixed: charged
// as the guide's basis says, 按实际), any fee when the guide lists none. A
// line of 0 fen charges nothing and is never a problem.
func FeeProblems(charged []casework.Fee, guide []catalog.Fee) []string {
	var out []string
	for _, f := range charged {
		if f.Fen <= 0 {
			continue
		}
		amount := catalog.Yuan(f.Fen) + " 元"
		if len(guide) == 0 {
			out = append(out, fmt.Sprintf("办事指南未列收费项目，却收取“%s”%s", f.Name, amount))
			continue
		}
		found, capped, limit := false, true, int64(0)
		for _, g := range guide {
			if feeName(g.Name) != feeName(f.Name) {
				continue
			}
			found = true
			if g.Fen <= 0 {
				capped = false
			}
			limit = max(limit, g.Fen)
		}
		switch {
		case !found:
			out = append(out, fmt.Sprintf("收取“%s”%s，该项目不在办事指南收费项目中", f.Name, amount))
		case capped && f.Fen > limit:
			out = append(out, fmt.Sprintf("收取“%s”%s，超过办事指南标准 %s 元", f.Name, amount, catalog.Yuan(limit)))
		}
	}
	return out
}

// feeAlerts applies the fee rule to the fees recorded in the look-back: one
// red alert per case naming every problem. Like refusals, fees are history:
// the scan never clears their alerts.
func (s *Service) feeAlerts(ctx context.Context, now time.Time) (map[key]Alert, int, error) {
	charges, err := s.Store.ChargedFees(ctx, now.AddDate(0, 0, -FeeLookback))
	if err != nil || len(charges) == 0 {
		return nil, 0, err
	}
	var entryIDs []string
	seen := map[string]bool{}
	byCase := map[string][]FeeCharge{}
	var order []string
	for _, c := range charges {
		if !seen[c.EntryID] {
			seen[c.EntryID] = true
			entryIDs = append(entryIDs, c.EntryID)
		}
		if _, ok := byCase[c.CaseID]; !ok {
			order = append(order, c.CaseID)
		}
		byCase[c.CaseID] = append(byCase[c.CaseID], c)
	}
	guides, err := s.Store.GuideFees(ctx, entryIDs)
	if err != nil {
		return nil, 0, err
	}
	want := map[key]Alert{}
	for _, id := range order {
		lines := byCase[id]
		fees := make([]casework.Fee, len(lines))
		for i, l := range lines {
			fees[i] = casework.Fee{Name: l.Name, Fen: l.Fen}
		}
		probs := FeeProblems(fees, guides[lines[0].EntryID])
		if len(probs) == 0 {
			continue
		}
		c := lines[0]
		want[key{c.CaseID, RuleFee, c.OrgID}] = Alert{CaseID: c.CaseID, CaseNo: c.CaseNo, ItemName: c.ItemName, OrgID: c.OrgID,
			Rule: RuleFee, Level: Red, Detail: strings.Join(probs, "；") + "（" + c.At.In(yiwang.Shanghai).Format("2006-01-02") + " 办结时登记）"}
	}
	return want, len(charges), nil
}
