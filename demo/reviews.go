package demo

import (
	"context"
	"fmt"

	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/review"
)

// ReviewStore finds the demo citizens and their cases.
type ReviewStore interface {
	CitizenByMobile(ctx context.Context, mobile string) (identity.Account, error)
	CasesOf(ctx context.Context, applicantID string) ([]casework.Case, error)
}

// demoReviews are the ratings the registered demo citizens give their
// closed cases: a good one, and a bad one whose rectification is open, so
// the 好差评 column and the officer's rectification list are not empty.
var demoReviews = []struct {
	person int
	state  string
	level  int
	text   string
}{
	{0, casework.StateDecided, review.Satisfied, "网上申报很方便，一次都没跑"},
	{1, casework.StateRefused, review.Unsatisfied, "办事指南没写清楚需要哪些材料，白跑了一趟"},
}

// LoadReviews has the demo citizens rate their closed demo cases. It runs
// after LoadCases.
func LoadReviews(ctx context.Context, st ReviewStore, svc *review.Service) (int, error) {
	n := 0
	for _, d := range demoReviews {
		acc, err := st.CitizenByMobile(ctx, People[d.person].Mobile)
		if err != nil {
			return n, err
		}
		cs, err := st.CasesOf(ctx, acc.ID)
		if err != nil {
			return n, err
		}
		for _, c := range cs {
			if c.State != d.state {
				continue
			}
			dims, _ := review.DimensionsOf(c)
			scores := map[string]int{}
			for _, dim := range dims {
				scores[dim.Key] = d.level
			}
			if _, err := svc.ReviewCase(ctx, acc.Actor("127.0.0.1", "demo"), c.ID, review.Input{Channel: "1", Scores: scores, Text: d.text}); err != nil {
				return n, fmt.Errorf("demo review of %s: %w", c.No, err)
			}
			n++
			break
		}
	}
	return n, nil
}
