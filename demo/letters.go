package demo

import (
	"context"
	"fmt"

	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/review"
)

// LetterStore finds the demo citizens and staff.
type LetterStore interface {
	CitizenByMobile(ctx context.Context, mobile string) (identity.Account, error)
	AccountByUsername(ctx context.Context, username string) (identity.Account, error)
}

// demoLetters are the complaints, consultations and suggestions on a fresh
// start: one the 市场监管局 replied to and 张三 rated, and open ones in the
// 城管局's and the 市场监管局's inboxes, one typed in by the 12345 operator.
var demoLetters = []struct {
	person   int
	hotline  bool
	kind     string
	officer  string // the department's demo officer; it replies when reply is set
	subject  string
	text     string
	reply    string
	rating   int
	ratingTx string
}{
	{0, false, casework.KindComplaint, "officer", "餐馆油烟扰民",
		"湖东路1号一楼餐馆的排油烟管道直接朝向居民楼，每天晚上油烟很大，窗户都不敢开，请监管部门处理。",
		"经现场检查，该餐馆未安装油烟净化设施。已责令其限期整改，目前已加装油烟净化器并将排烟口改至楼顶，复查合格。感谢您的监督。",
		review.Satisfied, "处理及时，油烟问题解决了"},
	{1, true, casework.KindComplaint, "urban", "夜间施工噪音扰民",
		"来电反映：雨山路与湖北路交叉口工地连续一周在晚上十一点以后施工，噪音很大，影响休息，希望尽快制止。", "", 0, ""},
	{0, false, casework.KindConsultation, "officer", "个体户经营范围变更",
		"我的个体工商户想增加预包装食品销售，需要办理哪些手续？能否全程网上办理？", "", 0, ""},
}

// LoadLetters files the demo letters on the case engine and has the replied
// one rated. It runs after LoadReviews.
func LoadLetters(ctx context.Context, st LetterStore, cases *casework.Service, reviews *review.Service) (int, error) {
	operator, err := st.AccountByUsername(ctx, "hotline")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range demoLetters {
		p := People[d.person]
		acc, err := st.CitizenByMobile(ctx, p.Mobile)
		if err != nil {
			return n, err
		}
		officer, err := st.AccountByUsername(ctx, d.officer)
		if err != nil {
			return n, err
		}
		actor := acc.Actor("127.0.0.1", "demo")
		who := casework.Applicant{AccountID: acc.ID, Name: acc.Name, Mobile: acc.Mobile, IDCard: acc.IDCard}
		filer := actor
		if d.hotline {
			filer = operator.Actor("127.0.0.1", "demo")
		}
		c, err := cases.FileLetter(ctx, filer, who, casework.Letter{Kind: d.kind, OrgID: officer.OrgID, Subject: d.subject, Text: d.text})
		if err != nil {
			return n, fmt.Errorf("demo letter %s: %w", d.subject, err)
		}
		n++
		if d.reply == "" {
			continue
		}
		if _, err := cases.Reply(ctx, officer.Actor("127.0.0.1", "demo"), c.ID, d.reply); err != nil {
			return n, fmt.Errorf("demo reply %s: %w", d.subject, err)
		}
		dims, _ := review.DimensionsOf(c)
		scores := map[string]int{}
		for _, dim := range dims {
			scores[dim.Key] = d.rating
		}
		if _, err := reviews.ReviewCase(ctx, actor, c.ID, review.Input{Channel: "1", Scores: scores, Text: d.ratingTx}); err != nil {
			return n, fmt.Errorf("demo rating %s: %w", d.subject, err)
		}
	}
	return n, nil
}
