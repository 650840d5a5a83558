package review

import (
	"context"
	"crypto/subtle"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/org"
)

// Cases finds the case a review is about.
type Cases interface {
	Case(ctx context.Context, id string) (casework.Case, error)
}

// Orgs tells which orgs a staff member's org covers.
type Orgs interface {
	Subtree(ctx context.Context, id string) (map[string]bool, error)
	Tree(ctx context.Context) ([]org.Org, error)
}

// Service takes reviews and runs rectifications and appeals.
type Service struct {
	Store    Store
	Cases    Cases
	Orgs     Orgs
	Calendar *calendar.Calendar
	Clock    yiwang.Clock
	// RevisitDays and ReplyDays are the working days a bad review gives the
	// org to call back and to rectify and reply (0: 1 and 15).
	RevisitDays, ReplyDays int
	// Token keys the visit link a counter shows (一次一评): a keyed hash of
	// the case ID, so that only the person at the counter can rate it.
	Token func(caseID string) string
}

// Input is a rating as the applicant gives it.
type Input struct {
	Channel string
	Scores  map[string]int
	Text    string
}

// reviewable are the states in which a case has an outcome to rate.
var reviewable = map[string]bool{casework.StateDecided: true, casework.StateDelivered: true, casework.StateRefused: true}

// DimensionsOf returns what a case's applicant rates: the window
// dimensions for a case filed at a counter, the online ones otherwise.
func DimensionsOf(c casework.Case) ([]Dimension, bool) {
	// A letter's reply is people's work, not the platform's: rated on the
	// national offline labels, unedited (docs/decisions.md).
	if c.Channel != casework.ChannelWeb || c.Kind != "" {
		return WindowDimensions, true
	}
	return OnlineDimensions, false
}

// ReviewCase records the applicant's rating of a case that has its outcome:
// one review (一事一评) and one follow-up (追评). A bad overall level opens a
// rectification for the org.
func (s *Service) ReviewCase(ctx context.Context, actor yiwang.Actor, caseID string, in Input) (Review, error) {
	c, err := s.Cases.Case(ctx, caseID)
	if err != nil || c.ApplicantID == "" || c.ApplicantID != actor.AccountID {
		return Review{}, yiwang.Errorf(yiwang.ENOTFOUND, "办件不存在")
	}
	if !reviewable[c.State] {
		return Review{}, yiwang.Errorf(yiwang.ECONFLICT, "办件办结后才能评价")
	}
	all, err := s.Store.ReviewsOfCase(ctx, c.ID)
	if err != nil {
		return Review{}, err
	}
	var prior []Review
	for _, r := range all {
		if !r.Visit {
			prior = append(prior, r)
		}
	}
	if len(prior) >= 2 {
		return Review{}, yiwang.Errorf(yiwang.ECONFLICT, "每件办件可评价一次、追评一次，您已评价过了")
	}
	if c.Kind != "" && len(prior) >= 1 { // a reply is rated once
		return Review{}, yiwang.Errorf(yiwang.ECONFLICT, "您已评价过该答复")
	}
	dims, window := DimensionsOf(c)
	if err := checkInput(dims, &in); err != nil {
		return Review{}, err
	}
	now := s.Clock.Now()
	r := Review{ID: yiwang.NewID(), CaseID: c.ID, CaseNo: c.No, OrgID: c.OrgID, EntryCode: c.EntryCode, ItemName: c.ItemName,
		ReviewerID: actor.AccountID, Window: window, Channel: in.Channel, Scores: map[string]int{}, Text: in.Text,
		FollowUp: len(prior) == 1, CreatedAt: now}
	if c.Kind != "" { // the figures per item show one row per kind, not each letter's subject
		r.ItemName = "12345热线" + casework.KindName(c.Kind)
	}
	for _, d := range dims {
		r.Scores[d.Key] = in.Scores[d.Key]
	}
	rect := s.rectificationFor(r)
	what := "评价"
	if r.FollowUp {
		what = "追评"
	}
	e := audit.New(actor, now, "review.add", "case:"+c.ID, audit.ResultOK, fmt.Sprintf("%s %s：%s", c.No, what, LevelName(r.Overall())))
	if err := s.Store.AddReview(ctx, r, rect, e); err != nil {
		return Review{}, err
	}
	return r, nil
}

// rectificationFor opens the rectification of a bad review for the org it
// rates; nil for a good one.
func (s *Service) rectificationFor(r Review) *Rectification {
	if !Bad(r.Overall()) {
		return nil
	}
	today := calendar.DateOf(r.CreatedAt)
	return &Rectification{ID: yiwang.NewID(), ReviewID: r.ID, OrgID: r.OrgID, State: RectOpen,
		RevisitDue: s.Calendar.AddWorkdays(today, orDefault(s.RevisitDays, 1)).String(),
		ReplyDue:   s.Calendar.AddWorkdays(today, orDefault(s.ReplyDays, 15)).String()}
}

// checkInput checks a rating against the dimensions asked.
func checkInput(dims []Dimension, in *Input) error {
	bad := map[string]string{}
	if ChannelName(in.Channel) == "" {
		bad["channel"] = "评价渠道不正确"
	}
	for k := range in.Scores {
		if !hasDim(dims, k) {
			bad["scores"] = "评价项目不正确：" + k
		}
	}
	for _, d := range dims {
		if l := in.Scores[d.Key]; l < VerySatisfied || l > VeryUnsatisfied {
			bad["s."+d.Key] = "请为“" + d.Name + "”选择 1（非常满意）到 5（非常不满意）"
		}
	}
	in.Text = strings.TrimSpace(in.Text)
	if utf8.RuneCountInString(in.Text) > 500 {
		bad["text"] = "文字评价不能超过500字"
	}
	if Bad(in.Scores["overall"]) && utf8.RuneCountInString(in.Text) < 4 {
		bad["text"] = "不满意时请写明原因（至少4个字），便于整改"
	}
	return yiwang.Invalid(bad)
}

// VisitToken is the key of a case's visit link, "" without a Token func.
func (s *Service) VisitToken(caseID string) string {
	if s.Token == nil {
		return ""
	}
	return s.Token("visit:" + caseID)
}

// ReviewVisit records the rating of a counter visit (一次一评): given on
// the spot, without logging in, through the link the counter shows (its
// token), on the window dimensions, once per visit. The org rated is the
// counter's; a bad rating opens its rectification.
func (s *Service) ReviewVisit(ctx context.Context, caseID, token string, in Input) (Review, error) {
	c, err := s.Cases.Case(ctx, caseID)
	if err != nil || s.Token == nil || token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.VisitToken(caseID))) != 1 ||
		c.Channel == casework.ChannelWeb {
		return Review{}, yiwang.Errorf(yiwang.ENOTFOUND, "评价链接无效，请扫描窗口出示的二维码")
	}
	if err := checkInput(WindowDimensions, &in); err != nil {
		return Review{}, err
	}
	now := s.Clock.Now()
	org := c.FiledAt
	if org == "" {
		org = c.OrgID
	}
	r := Review{ID: yiwang.NewID(), CaseID: c.ID, CaseNo: c.No, OrgID: org, EntryCode: c.EntryCode, ItemName: c.ItemName,
		ReviewerID: c.ApplicantID, Window: true, Visit: true, Channel: in.Channel, Scores: map[string]int{}, Text: in.Text,
		CreatedAt: now}
	for _, d := range WindowDimensions {
		r.Scores[d.Key] = in.Scores[d.Key]
	}
	rect := s.rectificationFor(r)
	e := audit.New(yiwang.System("review"), now, "review.visit", "case:"+c.ID, audit.ResultOK,
		fmt.Sprintf("%s 窗口服务评价：%s", c.No, LevelName(r.Overall())))
	if err := s.Store.AddReview(ctx, r, rect, e); err != nil {
		return Review{}, err
	}
	return r, nil
}

func hasDim(dims []Dimension, k string) bool {
	for _, d := range dims {
		if d.Key == k {
			return true
		}
	}
	return false
}

func orDefault(n, d int) int {
	if n > 0 {
		return n
	}
	return d
}

// mayAct checks that actor is staff of the org (or an org above it).
func (s *Service) mayAct(ctx context.Context, actor yiwang.Actor, orgID string) error {
	if !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleDeptHead, yiwang.RoleWindowClerk) || actor.OrgID == "" {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有被评价单位的工作人员可以办理整改")
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	if err != nil {
		return err
	}
	if !mine[orgID] {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "这不是本单位的评价")
	}
	return nil
}

// Revisit records that the org called the reviewer back.
func (s *Service) Revisit(ctx context.Context, actor yiwang.Actor, id, note string) (Rectification, error) {
	return s.advance(ctx, actor, id, RectOpen, RectRevisited, note, 4, "回访情况")
}

// Reply records the rectification and the answer to the reviewer, who is
// told; it closes the rectification.
func (s *Service) Reply(ctx context.Context, actor yiwang.Actor, id, reply string) (Rectification, error) {
	return s.advance(ctx, actor, id, RectRevisited, RectReplied, reply, 10, "整改情况和答复")
}

func (s *Service) advance(ctx context.Context, actor yiwang.Actor, id, from, to, text string, min int, what string) (Rectification, error) {
	x, err := s.Store.Rectification(ctx, id)
	if err != nil {
		return Rectification{}, err
	}
	if err := s.mayAct(ctx, actor, x.OrgID); err != nil {
		return Rectification{}, err
	}
	if x.State != from {
		return Rectification{}, yiwang.Errorf(yiwang.ECONFLICT, "该整改当前为“%s”，不能进行此操作", RectName(x.State))
	}
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n < min || n > 1000 {
		return Rectification{}, yiwang.Invalid(map[string]string{"text": fmt.Sprintf("请写明%s（%d至1000字）", what, min)})
	}
	now := s.Clock.Now()
	x.State = to
	if to == RectRevisited {
		x.RevisitedAt, x.RevisitNote = now, text
	} else {
		x.RepliedAt, x.Reply = now, text
	}
	e := audit.New(actor, now, "review.rectify."+to, "review:"+x.ReviewID, audit.ResultOK, text)
	var msg *notify.Message
	if to == RectReplied {
		r, err := s.Store.Review(ctx, x.ReviewID)
		if err != nil {
			return Rectification{}, err
		}
		msg = &notify.Message{ID: yiwang.NewID(), Channel: notify.ChannelSite, AccountID: r.ReviewerID,
			Link: "/cases/" + r.CaseID, Status: notify.StatusPending, CreatedAt: now,
			Body: "【雨山区政务服务网】您对“" + r.ItemName + "”的评价已收到整改答复：" + text}
	}
	if err := s.Store.UpdateRectification(ctx, x, e, msg); err != nil {
		return Rectification{}, err
	}
	x.Rev++
	return x, nil
}

// Escalate raises every rectification past a due date to the supervisors,
// once, and returns how many it raised.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now := s.Clock.Now()
	xs, err := s.Store.OverdueRectifications(ctx, calendar.DateOf(now).String())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, x := range xs {
		x.EscalatedAt = now
		e := audit.New(yiwang.System("review"), now, "review.escalate", "review:"+x.ReviewID, audit.ResultOK,
			"整改逾期（回访期限 "+x.RevisitDue+"，答复期限 "+x.ReplyDue+"），已报监察人员")
		if err := s.Store.UpdateRectification(ctx, x, e, nil); err != nil && yiwang.ErrorCode(err) != yiwang.ECONFLICT {
			return n, err
		}
		n++
	}
	return n, nil
}

// AppealReview asks a supervisor to exclude a bad review the org holds
// malicious or mistaken; one appeal per review.
func (s *Service) AppealReview(ctx context.Context, actor yiwang.Actor, reviewID, reason string) (Appeal, error) {
	r, err := s.Store.Review(ctx, reviewID)
	if err != nil {
		return Appeal{}, err
	}
	if err := s.mayAct(ctx, actor, r.OrgID); err != nil {
		return Appeal{}, err
	}
	if !Bad(r.Overall()) {
		return Appeal{}, yiwang.Errorf(yiwang.ECONFLICT, "只能对差评提出申诉")
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 10 || n > 1000 {
		return Appeal{}, yiwang.Invalid(map[string]string{"reason": "请写明申诉理由和依据（10至1000字）"})
	}
	now := s.Clock.Now()
	a := Appeal{ID: yiwang.NewID(), ReviewID: r.ID, OrgID: r.OrgID, By: actor.Name, Reason: reason, At: now, State: AppealPending}
	if err := s.Store.AddAppeal(ctx, a, audit.New(actor, now, "review.appeal", "review:"+r.ID, audit.ResultOK, reason)); err != nil {
		return Appeal{}, err
	}
	return a, nil
}

// DecideAppeal is the supervisor's decision with reasons: upheld excludes
// the review from the figures (it stays visible), rejected keeps it.
func (s *Service) DecideAppeal(ctx context.Context, actor yiwang.Actor, id string, uphold bool, reasons string) (Appeal, error) {
	if !actor.Has(yiwang.RoleSupervisor) {
		return Appeal{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有监察人员可以审核申诉")
	}
	a, err := s.Store.Appeal(ctx, id)
	if err != nil {
		return Appeal{}, err
	}
	if a.State != AppealPending {
		return Appeal{}, yiwang.Errorf(yiwang.ECONFLICT, "该申诉已审核")
	}
	reasons = strings.TrimSpace(reasons)
	if n := utf8.RuneCountInString(reasons); n < 4 || n > 1000 {
		return Appeal{}, yiwang.Invalid(map[string]string{"decision": "请写明审核意见和理由（4至1000字）"})
	}
	now := s.Clock.Now()
	a.State, a.DecidedBy, a.DecidedAt, a.Decision = AppealRejected, actor.Name, now, reasons
	if uphold {
		a.State = AppealUpheld
	}
	e := audit.New(actor, now, "review.appeal_"+a.State, "review:"+a.ReviewID, audit.ResultOK, reasons)
	if err := s.Store.DecideAppeal(ctx, a, e); err != nil {
		return Appeal{}, err
	}
	a.Rev++
	return a, nil
}

// Figures returns the public figures by "item" (the most reviewed first),
// "org" or "township" (each township, 镇、街道, with the villages and
// communities below it, every township listed); orgs and townships come in
// their ranking: by good-review rate, then by number of reviews, those not
// yet reviewed last.
func (s *Service) Figures(ctx context.Context, by string) ([]Figures, error) {
	switch by {
	case "item":
		return s.Store.Figures(ctx, by)
	case "org", "township":
		fs, err := s.Store.Figures(ctx, by)
		if by == "township" {
			fs, err = s.townshipFigures(ctx)
		}
		slices.SortStableFunc(fs, byRank)
		return fs, err
	}
	return nil, yiwang.Invalid(map[string]string{"by": "统计口径须为 item（事项）、org（单位）或 township（镇街）"})
}

func (s *Service) townshipFigures(ctx context.Context) ([]Figures, error) {
	byOrg, err := s.Store.Figures(ctx, "org")
	if err != nil {
		return nil, err
	}
	tree, err := s.Orgs.Tree(ctx)
	if err != nil {
		return nil, err
	}
	parent := map[string]string{}
	sums := map[string]*Figures{}
	var out []*Figures
	for _, o := range tree {
		parent[o.ID] = o.ParentID
		if o.Level == org.LevelTownship && !o.Disabled {
			f := &Figures{Key: o.ID, Name: o.Name}
			sums[o.ID] = f
			out = append(out, f)
		}
	}
	for _, f := range byOrg {
		for id, hops := f.Key, 0; id != "" && hops < 10; id, hops = parent[id], hops+1 {
			if t, ok := sums[id]; ok {
				t.Reviews, t.Good, t.BadCount, t.Rectified = t.Reviews+f.Reviews, t.Good+f.Good, t.BadCount+f.BadCount, t.Rectified+f.Rectified
				break
			}
		}
	}
	res := make([]Figures, len(out))
	for i, f := range out {
		res[i] = *f
	}
	return res, nil
}

// byRank orders figures for a ranking: the higher good-review rate first,
// then the more reviews; none reviewed last.
func byRank(a, b Figures) int {
	if (a.Reviews == 0) != (b.Reviews == 0) {
		if a.Reviews == 0 {
			return 1
		}
		return -1
	}
	// a.Good/a.Reviews > b.Good/b.Reviews, without floating point.
	if d := b.Good*a.Reviews - a.Good*b.Reviews; d != 0 {
		return d
	}
	return b.Reviews - a.Reviews
}
