package inspect

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// Service runs the exposure column, spot checks and simulated applications.
type Service struct {
	Store Store
	Cases Cases
	Filer Filer
	Orgs  Orgs
	Clock yiwang.Clock
}

// ExposureInput is what a supervisor writes about a problem.
type ExposureInput struct {
	Title      string
	OrgID      string
	Problem    string
	Correction string
	CaseNo     string // optional: the case it came from
}

func supervisor(actor yiwang.Actor, what string) error {
	if !actor.Has(yiwang.RoleSupervisor) {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有监察人员可以%s", what)
	}
	return nil
}

// personal finds what looks like an ID number or a mobile number: the
// column is public, and what it says about a person is not.
var personal = regexp.MustCompile(`(^|[^0-9])([0-9]{17}[0-9Xx]|(86)?1[3-9][0-9]{9})([^0-9]|$)`)

// digitsOnly folds what hides a number from the pattern: full-width digits
// and X, and the spaces, hyphens and dots people put between digits
// (“138 0013 8000”, “+86-138-0013-8000”).
func digitsOnly(text string) string {
	rs := []rune(text)
	var b strings.Builder
	for i, r := range rs {
		switch {
		case r >= '０' && r <= '９':
			r = '0' + (r - '０')
		case r == 'Ｘ' || r == 'ｘ':
			r = 'X'
		case strings.ContainsRune(" -.\u3000－—", r) && i > 0 && i+1 < len(rs) && isDigit(rs[i-1]) && isDigit(rs[i+1]):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// HasPersonalData reports whether text seems to hold an ID or mobile number.
func HasPersonalData(text string) bool { return personal.MatchString(digitsOnly(text)) }

// MaskCaseNo shows a case number on the public column: enough to tell
// cases apart, not enough to look one up.
func MaskCaseNo(no string) string {
	r := []rune(no)
	if len(r) <= 8 {
		return no
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

func textRule(bad map[string]string, key, label, text string, min, max int) string {
	text = strings.TrimSpace(text)
	n := utf8.RuneCountInString(text)
	switch {
	case min > 0 && n == 0:
		bad[key] = fmt.Sprintf("请填写%s", label)
	case n > 0 && n < min || n > max:
		bad[key] = fmt.Sprintf("%s须为%d至%d字", label, min, max)
	case HasPersonalData(text):
		bad[key] = label + "将公开发布，请勿写入身份证号、手机号等个人信息"
	}
	return text
}

// check validates in and fills x from it.
func (s *Service) checkExposure(ctx context.Context, in ExposureInput, x *Exposure) error {
	bad := map[string]string{}
	x.Title = textRule(bad, "title", "标题", in.Title, 4, 60)
	x.Problem = textRule(bad, "problem", "问题描述", in.Problem, 10, 2000)
	x.Correction = textRule(bad, "correction", "整改情况", in.Correction, 0, 2000)
	x.OrgID = strings.TrimSpace(in.OrgID)
	if x.OrgID == "" {
		bad["org"] = "请选择问题所在单位"
	} else if _, err := s.Orgs.Get(ctx, x.OrgID); err != nil {
		if yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
			return err
		}
		bad["org"] = "所选单位不存在"
	}
	x.CaseID, x.CaseNo = "", strings.TrimSpace(in.CaseNo)
	if x.CaseNo != "" {
		c, err := s.Cases.CaseByNo(ctx, x.CaseNo)
		switch {
		case yiwang.ErrorCode(err) == yiwang.ENOTFOUND:
			bad["case_no"] = "没有这个办件编号"
		case err != nil:
			return err
		case bad["org"] == "" && c.OrgID != x.OrgID:
			bad["case_no"] = "该办件不是所选单位办理的"
		default:
			x.CaseID = c.ID
		}
	}
	return yiwang.Invalid(bad)
}

// CreateExposure writes a draft for the column.
func (s *Service) CreateExposure(ctx context.Context, actor yiwang.Actor, in ExposureInput) (Exposure, error) {
	if err := supervisor(actor, "管理曝光纠错栏目"); err != nil {
		return Exposure{}, err
	}
	now := s.Clock.Now()
	x := Exposure{ID: yiwang.NewID(), State: ExposureDraft, By: actor.Name, CreatedAt: now, UpdatedAt: now, Rev: 1}
	if err := s.checkExposure(ctx, in, &x); err != nil {
		return Exposure{}, err
	}
	if x.Correction != "" {
		x.CorrectedAt = now
	}
	e := audit.New(actor, now, "exposure.create", "exposure:"+x.ID, audit.ResultOK, x.Title)
	if err := s.Store.CreateExposure(ctx, x, e); err != nil {
		return Exposure{}, err
	}
	return x, nil
}

func (s *Service) exposureFor(ctx context.Context, actor yiwang.Actor, id string) (Exposure, error) {
	if err := supervisor(actor, "管理曝光纠错栏目"); err != nil {
		return Exposure{}, err
	}
	return s.Store.Exposure(ctx, id)
}

func (s *Service) updateExposure(ctx context.Context, actor yiwang.Actor, x Exposure, action, detail string) (Exposure, error) {
	x.UpdatedAt = s.Clock.Now()
	e := audit.New(actor, x.UpdatedAt, action, "exposure:"+x.ID, audit.ResultOK, detail)
	if err := s.Store.UpdateExposure(ctx, x, e); err != nil {
		return Exposure{}, err
	}
	x.Rev++
	return x, nil
}

// EditExposure rewrites a draft.
func (s *Service) EditExposure(ctx context.Context, actor yiwang.Actor, id string, in ExposureInput) (Exposure, error) {
	x, err := s.exposureFor(ctx, actor, id)
	if err != nil {
		return Exposure{}, err
	}
	if x.State != ExposureDraft {
		return Exposure{}, yiwang.Errorf(yiwang.ECONFLICT, "已发布的曝光内容不能修改，只能补充整改情况或撤下")
	}
	before := x.Correction
	if err := s.checkExposure(ctx, in, &x); err != nil {
		return Exposure{}, err
	}
	if x.Correction != before {
		x.CorrectedAt = s.Clock.Now()
	}
	return s.updateExposure(ctx, actor, x, "exposure.edit", x.Title)
}

// Correct adds or rewrites the correction made (整改情况), before or after
// publication; published, it shows at once.
func (s *Service) Correct(ctx context.Context, actor yiwang.Actor, id, text string) (Exposure, error) {
	x, err := s.exposureFor(ctx, actor, id)
	if err != nil {
		return Exposure{}, err
	}
	if x.State == ExposureWithdrawn {
		return Exposure{}, yiwang.Errorf(yiwang.ECONFLICT, "已撤下的曝光内容不能再修改")
	}
	bad := map[string]string{}
	text = textRule(bad, "correction", "整改情况", text, 10, 2000)
	if err := yiwang.Invalid(bad); err != nil {
		return Exposure{}, err
	}
	x.Correction, x.CorrectedAt = text, s.Clock.Now()
	return s.updateExposure(ctx, actor, x, "exposure.correct", text)
}

// Publish puts a draft on the public column.
func (s *Service) Publish(ctx context.Context, actor yiwang.Actor, id string) (Exposure, error) {
	x, err := s.exposureFor(ctx, actor, id)
	if err != nil {
		return Exposure{}, err
	}
	if x.State != ExposureDraft {
		return Exposure{}, yiwang.Errorf(yiwang.ECONFLICT, "只有草稿可以发布")
	}
	x.State, x.PublishedAt = ExposurePublished, s.Clock.Now()
	return s.updateExposure(ctx, actor, x, "exposure.publish", x.Title)
}

// Withdraw takes a published item down, with reasons; it is kept.
func (s *Service) Withdraw(ctx context.Context, actor yiwang.Actor, id, reason string) (Exposure, error) {
	x, err := s.exposureFor(ctx, actor, id)
	if err != nil {
		return Exposure{}, err
	}
	if x.State != ExposurePublished {
		return Exposure{}, yiwang.Errorf(yiwang.ECONFLICT, "只有已发布的内容可以撤下")
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 4 || n > 500 {
		return Exposure{}, yiwang.Invalid(map[string]string{"reason": "请写明撤下的理由（4至500字）"})
	}
	x.State, x.WithdrawReason, x.WithdrawnAt = ExposureWithdrawn, reason, s.Clock.Now()
	return s.updateExposure(ctx, actor, x, "exposure.withdraw", reason)
}

// Exposures lists every item for supervisors.
func (s *Service) Exposures(ctx context.Context, actor yiwang.Actor) ([]Exposure, error) {
	if err := supervisor(actor, "管理曝光纠错栏目"); err != nil {
		return nil, err
	}
	return s.Store.Exposures(ctx, "", 500)
}

// Exposure returns one item for supervisors, whatever its state.
func (s *Service) Exposure(ctx context.Context, actor yiwang.Actor, id string) (Exposure, error) {
	return s.exposureFor(ctx, actor, id)
}

// Published lists the public column, newest first.
func (s *Service) Published(ctx context.Context, limit int) ([]Exposure, error) {
	return s.Store.Exposures(ctx, ExposurePublished, limit)
}

// PublishedOne returns a published item; anything else is not found.
func (s *Service) PublishedOne(ctx context.Context, id string) (Exposure, error) {
	x, err := s.Store.Exposure(ctx, id)
	if err != nil || x.State != ExposurePublished {
		return Exposure{}, yiwang.Errorf(yiwang.ENOTFOUND, "该曝光内容不存在或已撤下")
	}
	return x, nil
}
