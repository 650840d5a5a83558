package supervision

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/notify"
)

// Notice is a supervisor's 督办 to the org of a case: what to do, the
// working day by which to answer, and the org's answer.
type Notice struct {
	ID         string
	AlertID    string // "" when issued on a case without an alert
	CaseID     string
	CaseNo     string
	ItemName   string
	OrgID      string
	Text       string
	IssuedBy   string
	IssuerName string
	IssuedAt   time.Time
	AnswerDue  string // "2006-01-02", the last working day to answer
	Answer     string
	AnsweredBy string
	Answerer   string
	AnsweredAt time.Time
	Rev        int64
}

// States of a notice, as of a day (derived, not stored).
const (
	NoticePending      = "pending"       // 待答复
	NoticeOverdue      = "overdue"       // 逾期未答复
	NoticeAnswered     = "answered"      // 已答复
	NoticeAnsweredLate = "answered_late" // 逾期答复
)

// State returns the notice's state on day today.
func (n Notice) State(today calendar.Date) string {
	if !n.AnsweredAt.IsZero() {
		if calendar.DateOf(n.AnsweredAt).String() > n.AnswerDue {
			return NoticeAnsweredLate
		}
		return NoticeAnswered
	}
	if today.String() > n.AnswerDue {
		return NoticeOverdue
	}
	return NoticePending
}

// NoticeStateName returns a notice state in words.
func NoticeStateName(s string) string {
	return map[string]string{NoticePending: "待答复", NoticeOverdue: "逾期未答复", NoticeAnswered: "已答复",
		NoticeAnsweredLate: "逾期答复"}[s]
}

// NoticeInput is a supervisor's 督办 as given: on an alert, or on a case.
type NoticeInput struct {
	AlertID string
	CaseID  string
	Text    string
	Days    int // working days to answer
}

// MaxNoticeDays is the longest answer time a notice may give.
const MaxNoticeDays = 30

// Issue sends a 督办 notice to the org that must act on an alert (or on a
// case): its officers and heads are told.
func (s *Service) Issue(ctx context.Context, actor yiwang.Actor, in NoticeInput) (Notice, error) {
	if !actor.Has(yiwang.RoleSupervisor) {
		return Notice{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有监察人员可以发出督办")
	}
	n := Notice{ID: yiwang.NewID(), IssuedBy: actor.AccountID, IssuerName: actor.Name, Rev: 1}
	switch {
	case in.AlertID != "":
		a, err := s.Store.Alert(ctx, in.AlertID)
		if err != nil {
			return Notice{}, err
		}
		n.AlertID, n.CaseID, n.CaseNo, n.ItemName, n.OrgID = a.ID, a.CaseID, a.CaseNo, a.ItemName, a.OrgID
	case in.CaseID != "":
		c, err := s.Cases.Case(ctx, in.CaseID)
		if err != nil {
			return Notice{}, yiwang.Errorf(yiwang.ENOTFOUND, "办件不存在")
		}
		n.CaseID, n.CaseNo, n.ItemName, n.OrgID = c.ID, c.No, c.ItemName, c.OrgID
	default:
		return Notice{}, yiwang.Invalid(map[string]string{"alert": "请选择要督办的预警或办件"})
	}
	bad := map[string]string{}
	n.Text = strings.TrimSpace(in.Text)
	if k := utf8.RuneCountInString(n.Text); k < 4 || k > 1000 {
		bad["text"] = "请写明督办事项和要求（4至1000字）"
	}
	if in.Days < 1 || in.Days > MaxNoticeDays {
		bad["days"] = fmt.Sprintf("答复期限须为 1 至 %d 个工作日", MaxNoticeDays)
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Notice{}, err
	}
	now := s.Clock.Now()
	n.IssuedAt = now
	n.AnswerDue = s.Calendar.AddWorkdays(calendar.DateOf(now), in.Days).String()
	byOrg, _, err := s.Store.Recipients(ctx, []string{n.OrgID})
	if err != nil {
		return Notice{}, err
	}
	var msgs []notify.Message
	for _, acc := range byOrg[n.OrgID] {
		msgs = append(msgs, notify.Message{ID: yiwang.NewID(), Channel: notify.ChannelSite, AccountID: acc,
			Link: "/work/supervision#n-" + n.ID, Status: notify.StatusPending, CreatedAt: now,
			Body: fmt.Sprintf("【电子监察】督办：%s（%s）。%s 请于 %s 前答复。", n.CaseNo, n.ItemName, n.Text, n.AnswerDue)})
	}
	e := audit.New(actor, now, "supervision.notice", "case:"+n.CaseID, audit.ResultOK,
		fmt.Sprintf("%s 督办，%s 前答复：%s", n.CaseNo, n.AnswerDue, n.Text))
	if err := s.Store.AddNotice(ctx, n, msgs, e); err != nil {
		return Notice{}, err
	}
	return n, nil
}

// Answer records the org's answer to a notice: only the org's (or an org
// above it) case officers and heads may give it, once; a late answer is
// taken and shows as late. The supervisor who issued it is told.
func (s *Service) Answer(ctx context.Context, actor yiwang.Actor, id, text string) (Notice, error) {
	n, err := s.Store.Notice(ctx, id)
	if err != nil {
		return Notice{}, err
	}
	if !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleDeptHead) || actor.OrgID == "" {
		return Notice{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有被督办单位的承办人或负责人可以答复督办")
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	if err != nil {
		return Notice{}, err
	}
	if !mine[n.OrgID] {
		return Notice{}, yiwang.Errorf(yiwang.EFORBIDDEN, "该督办不是发给本单位的，不能答复")
	}
	if !n.AnsweredAt.IsZero() {
		return Notice{}, yiwang.Errorf(yiwang.ECONFLICT, "该督办已答复，不能重复答复")
	}
	text = strings.TrimSpace(text)
	if k := utf8.RuneCountInString(text); k < 4 || k > 1000 {
		return Notice{}, yiwang.Invalid(map[string]string{"answer": "请写明办理情况和整改措施（4至1000字）"})
	}
	now := s.Clock.Now()
	n.Answer, n.AnsweredBy, n.Answerer, n.AnsweredAt = text, actor.AccountID, actor.Name, now
	late := ""
	if n.State(calendar.DateOf(now)) == NoticeAnsweredLate {
		late = "（逾期答复）"
	}
	msgs := []notify.Message{{ID: yiwang.NewID(), Channel: notify.ChannelSite, AccountID: n.IssuedBy,
		Link: "/work/supervision#n-" + n.ID, Status: notify.StatusPending, CreatedAt: now,
		Body: fmt.Sprintf("【电子监察】%s 已答复督办%s：%s（%s）。%s", actor.Name, late, n.CaseNo, n.ItemName, text)}}
	e := audit.New(actor, now, "supervision.answer", "case:"+n.CaseID, audit.ResultOK, n.CaseNo+" 答复督办"+late+"："+text)
	if err := s.Store.AnswerNotice(ctx, n, msgs, e); err != nil {
		return Notice{}, err
	}
	n.Rev++
	return n, nil
}

// Scope returns the orgs whose alerts and notices actor sees: nil (all)
// for a supervisor, the org's subtree for its officers and heads.
func (s *Service) Scope(ctx context.Context, actor yiwang.Actor) ([]string, error) {
	if actor.Has(yiwang.RoleSupervisor) {
		return nil, nil
	}
	if !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleDeptHead) || actor.OrgID == "" {
		return nil, yiwang.Errorf(yiwang.EFORBIDDEN, "只有监察人员和办件单位的工作人员可以查看电子监察")
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(mine))
	for id := range mine {
		ids = append(ids, id)
	}
	return ids, nil
}

// Today is the service's current date.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.Clock.Now()) }
