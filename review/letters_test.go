package review_test

import (
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/review"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestRateReply: the complainant rates a letter's reply once, on the
// offline dimensions; someone else's, before the reply, out of range or a
// second time is refused with nothing stored; the rating counts for the org
// that replied, under one row per kind of letter.
func TestRateReply(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			c, err := e.cases.FileLetter(e.ctx, e.zhang, e.zhangWho, casework.Letter{Kind: casework.KindComplaint,
				OrgID: e.officer.OrgID, Subject: "窗口排队太久", Text: "上午在市场监管窗口排队两个小时，希望增加窗口。"})
			if err != nil {
				t.Fatal(err)
			}
			window := func(level int) map[string]int {
				out := map[string]int{}
				for _, d := range review.WindowDimensions {
					out[d.Key] = level
				}
				return out
			}
			_, err = e.svc.ReviewCase(e.ctx, e.zhang, c.ID, review.Input{Channel: "1", Scores: window(1)})
			wantCode(t, "before the reply", err, yiwang.ECONFLICT)
			if _, err := e.cases.Reply(e.ctx, e.officer, c.ID, "已在高峰时段增开两个窗口，并推行网上预约。"); err != nil {
				t.Fatal(err)
			}
			if dims, window := review.DimensionsOf(c); !window || len(dims) != len(review.WindowDimensions) {
				t.Fatalf("dimensions of a letter: %v %v", dims, window)
			}
			before := e.count(t, "reviews")
			for name, tc := range map[string]struct {
				actor yiwang.Actor
				in    review.Input
				code  string
			}{
				"someone else's":   {e.wang, review.Input{Channel: "1", Scores: window(1)}, yiwang.ENOTFOUND},
				"the officer":      {e.officer, review.Input{Channel: "1", Scores: window(1)}, yiwang.ENOTFOUND},
				"level 0":          {e.zhang, review.Input{Channel: "1", Scores: window(0)}, yiwang.EINVALID},
				"level 6":          {e.zhang, review.Input{Channel: "1", Scores: window(6)}, yiwang.EINVALID},
				"online dimension": {e.zhang, review.Input{Channel: "1", Scores: scores(1)}, yiwang.EINVALID},
			} {
				_, err := e.svc.ReviewCase(e.ctx, tc.actor, c.ID, tc.in)
				wantCode(t, name, err, tc.code)
			}
			if e.count(t, "reviews") != before {
				t.Fatal("refused ratings were stored")
			}
			r, err := e.svc.ReviewCase(e.ctx, e.zhang, c.ID, review.Input{Channel: "2", Scores: window(2), Text: "答复及时"})
			if err != nil || r.OrgID != e.officer.OrgID || !r.Window || r.ItemName != "12345热线投诉" {
				t.Fatalf("rating: %+v %v", r, err)
			}
			_, err = e.svc.ReviewCase(e.ctx, e.zhang, c.ID, review.Input{Channel: "1", Scores: window(1)})
			wantCode(t, "twice", err, yiwang.ECONFLICT)
			figs, err := e.svc.Figures(e.ctx, "org")
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range figs {
				if f.Key == e.officer.OrgID && f.Reviews >= 1 && f.Good >= 1 {
					found = true
				}
			}
			if !found {
				t.Fatalf("the rating does not count for the org: %+v", figs)
			}
		})
	}
}
