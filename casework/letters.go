package casework

// Letters: complaints, consultations and suggestions (投诉、咨询、建议) that
// people file on the portal or that a 12345 hotline operator types in for
// a caller. They are cases of their own Kind on this engine: routed to a
// department, which must answer by a deadline in working days, forward a
// misrouted letter to the right department, or reply; the reply closes the
// letter and the complainant rates it (review package). See
// docs/decisions.md "Letters on the case engine".

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/org"
)

// ChannelPhone is a letter a 12345 hotline operator typed in for a caller.
const ChannelPhone = "phone"

// Replied is the Decision of a letter that was answered.
const Replied = "replied"

// StatusLetter is the status of the catalog entries letters are filed
// under: never published, so no catalog list, search or figure shows them.
const StatusLetter = "letter"

// LetterKind describes one kind of letter.
type LetterKind struct {
	Kind string
	Name string // 投诉, 咨询, 建议
	Code string // the hidden catalog entry's code: the prefix of the letters' numbers
	Days int    // default working days to answer
}

// LetterKinds lists the kinds in display order. The days are the defaults of
// Service.LetterDays (docs/decisions.md).
var LetterKinds = []LetterKind{
	{KindComplaint, "投诉", "12345TS", 15},
	{KindConsultation, "咨询", "12345ZX", 5},
	{KindSuggestion, "建议", "12345JY", 15},
}

func letterKind(kind string) (LetterKind, bool) {
	for _, k := range LetterKinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return LetterKind{}, false
}

// KindName returns a letter kind in words, "" for an application.
func KindName(kind string) string {
	k, _ := letterKind(kind)
	return k.Name
}

// LetterStore is what letters need beside Store; sqlstore.DB implements it
// (Service.Store must too).
type LetterStore interface {
	// LetterEntry returns the hidden catalog entry of en.Code (cases need
	// one), storing en with the audit entry when there is none yet.
	LetterEntry(ctx context.Context, en catalog.Entry, e audit.Entry) (catalog.Entry, error)
	// LettersFiledBy lists the letters a staff member typed in, newest first.
	LettersFiledBy(ctx context.Context, accountID string, limit int) ([]Case, error)
}

func (s *Service) letterStore() (LetterStore, error) {
	store, ok := s.Store.(LetterStore)
	if !ok {
		return nil, fmt.Errorf("casework: the store keeps no letters")
	}
	return store, nil
}

// FiledLetters lists the latest letters a 12345 operator typed in.
func (s *Service) FiledLetters(ctx context.Context, actor yiwang.Actor, limit int) ([]Case, error) {
	if !actor.Has(yiwang.RoleHotlineOperator) {
		return nil, yiwang.Errorf(yiwang.EFORBIDDEN, "只有12345热线话务员可以查看")
	}
	store, err := s.letterStore()
	if err != nil {
		return nil, err
	}
	return store.LettersFiledBy(ctx, actor.AccountID, limit)
}

// Letter is what a complainant says.
type Letter struct {
	Kind    string
	OrgID   string // the department asked to answer; "" takes the org of the case About names
	About   string // optional: the number of the case it concerns
	Subject string
	Text    string
}

// letterDays is the working days a kind of letter gives the department.
func (s *Service) letterDays(k LetterKind) int {
	if d := s.LetterDays[k.Kind]; d > 0 {
		return d
	}
	return k.Days
}

// answering are the kinds of org that answer letters: departments and the
// governments of the district and the townships.
var answering = map[org.Kind]bool{org.KindDepartment: true, org.KindDistrict: true, org.KindTown: true,
	org.KindTownship: true, org.KindStreet: true, org.KindDevZone: true}

// answerer checks that an org may be sent letters.
func (s *Service) answerer(ctx context.Context, id string) (org.Org, error) {
	o, err := s.Orgs.Get(ctx, id)
	if err != nil || o.Disabled || !answering[o.Kind] {
		return org.Org{}, yiwang.Invalid(map[string]string{"org": "请选择承办的部门或乡镇（街道）"})
	}
	return o, nil
}

// FileLetter files a letter. A citizen or enterprise user files their own on
// the portal (who is their account); a 12345 hotline operator types one in
// for a caller named by who (name and mobile required, ID number optional),
// channel 12345热线. The letter goes straight to the department: the answer
// is due the given working days after the day it was filed.
func (s *Service) FileLetter(ctx context.Context, actor yiwang.Actor, who Applicant, l Letter) (Case, error) {
	channel := ChannelWeb
	switch {
	case actor.Anonymous():
		return Case{}, yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录后再提交")
	case actor.Has(yiwang.RoleHotlineOperator):
		channel = ChannelPhone
	case actor.Kind == yiwang.KindStaff:
		return Case{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有12345热线话务员可以代群众登记投诉、咨询和建议")
	default:
		if who.AccountID != actor.AccountID {
			return Case{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只能以本人身份提交")
		}
	}
	bad := map[string]string{}
	k, ok := letterKind(l.Kind)
	if !ok {
		bad["kind"] = "请选择投诉、咨询或建议"
	}
	if channel == ChannelPhone {
		who.Name, who.Mobile = strings.TrimSpace(who.Name), idcode.NormalizeMobile(who.Mobile)
		if n := utf8.RuneCountInString(who.Name); n < 2 || n > 40 {
			bad["name"] = "请填写来电人姓名"
		}
		if err := idcode.Mobile(who.Mobile); err != nil {
			bad["mobile"] = err.Error()
		}
		if who.IDCard = idcode.NormalizeIDCard(who.IDCard); who.IDCard != "" {
			if err := idcode.IDCard(who.IDCard); err != nil {
				bad["idcard"] = err.Error()
			}
		}
	}
	l.Subject, l.Text, l.About = strings.TrimSpace(l.Subject), strings.TrimSpace(l.Text), strings.TrimSpace(l.About)
	if n := utf8.RuneCountInString(l.Subject); n < 2 || n > 40 {
		bad["subject"] = "请填写标题（2至40字）"
	}
	if n := utf8.RuneCountInString(l.Text); n < 5 || n > 2000 {
		bad["text"] = "请写明具体情况和诉求（5至2000字）"
	}
	orgID := l.OrgID
	if l.About != "" {
		about, err := s.Store.CaseByNo(ctx, l.About)
		// Only a case of the person's own: the number must not reveal others'.
		if err != nil || about.Kind != "" || !sameApplicant(about, who) {
			bad["about"] = "没有找到您名下的这件办件，请核对办件编号"
		} else if orgID == "" {
			orgID = about.OrgID
		}
	}
	var o org.Org
	if orgID == "" {
		if bad["about"] == "" {
			bad["org"] = "请选择承办的部门或乡镇（街道）"
		}
	} else if oo, err := s.answerer(ctx, orgID); err != nil {
		bad["org"] = yiwang.ErrorFields(err)["org"]
	} else {
		o = oo
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	now := s.Clock.Now()
	en, err := s.letterEntry(ctx, actor, k, o, now)
	if err != nil {
		return Case{}, err
	}
	days := s.letterDays(k)
	d, _ := s.Calendar.Deadline(now, days, nil)
	form := map[string]string{"subject": l.Subject, "text": l.Text}
	if l.About != "" {
		form["about"] = l.About
	}
	c := Case{ID: yiwang.NewID(), EntryID: en.ID, EntryCode: en.Code, ItemName: k.Name + "：" + l.Subject, OrgID: o.ID,
		ApplicantID: who.AccountID, Applicant: strings.TrimSpace(who.Name), Mobile: who.Mobile, IDCard: who.IDCard,
		Enterprise: who.Enterprise, Channel: channel, State: StateAccepted, Form: form, SubmittedAt: now,
		AcceptedAt: now, Deadline: d.String(), Kind: k.Kind, Version: 1}
	if channel == ChannelPhone {
		c.FiledBy, c.FiledAt = actor.AccountID, actor.OrgID
	}
	c.Due = s.due(c)
	via := "网上提交"
	if channel == ChannelPhone {
		via = "12345热线登记"
	}
	note := fmt.Sprintf("%s%s，转%s办理，%d 个工作日内（%s 前）答复", via, k.Name, o.Name, days, c.Deadline)
	ev := Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: 1, At: now, ActorID: actor.AccountID, ActorName: actor.Name,
		Kind: "submit", To: StateAccepted, Channel: channel, Note: note}
	day := calendar.DateOf(now)
	e := audit.New(actor, now, "case.letter", "case:"+c.ID, audit.ResultOK, k.Name+" → "+o.Name)
	return s.Store.CreateCase(ctx, c, ev, fmt.Sprintf("%04d%02d%02d", day.Year, day.Month, day.Day), e,
		s.letterNotice(c, fmt.Sprintf("已收到，已转%s办理，将于 %s 前答复", o.Name, c.Deadline)))
}

// sameApplicant reports whether a case is the person's: their account, or
// for a caller without one the same name and mobile.
func sameApplicant(c Case, who Applicant) bool {
	if who.AccountID != "" {
		return c.ApplicantID == who.AccountID
	}
	return c.Applicant == strings.TrimSpace(who.Name) && c.Mobile != "" && c.Mobile == idcode.NormalizeMobile(who.Mobile)
}

// letterEntry returns the hidden catalog entry of a kind of letter, making it
// on first use under the district (the root of the org tree).
func (s *Service) letterEntry(ctx context.Context, actor yiwang.Actor, k LetterKind, o org.Org, now time.Time) (catalog.Entry, error) {
	store, err := s.letterStore()
	if err != nil {
		return catalog.Entry{}, err
	}
	root := o
	for i := 0; root.ParentID != "" && i < 10; i++ {
		p, err := s.Orgs.Get(ctx, root.ParentID)
		if err != nil {
			return catalog.Entry{}, err
		}
		root = p
	}
	name := "12345热线" + k.Name
	en := catalog.Entry{ID: yiwang.NewID(), Code: k.Code, Version: 1, Status: StatusLetter,
		Base: catalog.Base{Code: k.Code, Name: name, Type: "20"}, OrgID: root.ID, Level: int(org.LevelCounty), Kind: 2,
		LegalDays: s.letterDays(k), PromiseDays: s.letterDays(k), CreatedBy: actor.AccountID, CreatedAt: now}
	e := audit.New(actor, now, "catalog.letter_entry", "entry:"+en.ID, audit.ResultOK, name+"（不公开的诉求登记条目）")
	return store.LetterEntry(ctx, en, e)
}

// notLetter refuses the application steps (pre-review, special procedure,
// decision) on a letter: a letter is forwarded or replied to.
func notLetter(c Case) error {
	if c.Kind != "" {
		return yiwang.Errorf(yiwang.ECONFLICT, "%s请答复或转办，不走受理、审查和决定", KindName(c.Kind))
	}
	return nil
}

// letter loads a letter the actor's org must answer, still open.
func (s *Service) letter(ctx context.Context, actor yiwang.Actor, id string) (Case, error) {
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if c.Kind == "" {
		return Case{}, yiwang.Errorf(yiwang.ENOTFOUND, "这不是投诉、咨询或建议")
	}
	if err := s.mayAnswer(ctx, actor, c.OrgID); err != nil {
		return Case{}, err
	}
	if c.State != StateAccepted {
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "该件当前状态为“%s”，不能进行此操作", StateWords(c))
	}
	return c, nil
}

// mayAnswer checks that actor may work the letters of an org: a case
// officer or department head of it or of an org above it.
func (s *Service) mayAnswer(ctx context.Context, actor yiwang.Actor, orgID string) error {
	if !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleDeptHead) {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有承办人或部门负责人可以办理投诉、咨询和建议")
	}
	return s.ofOwnOrg(ctx, actor, orgID)
}

// MayAnswer reports whether actor may read, forward and reply to letter c
// (a department head answers letters without being a case handler).
func (s *Service) MayAnswer(ctx context.Context, actor yiwang.Actor, c Case) bool {
	return c.Kind != "" && s.mayAnswer(ctx, actor, c.OrgID) == nil
}

// Forward sends a misrouted letter to the department that should answer it
// (转办), with the reason. The deadline stays: the time runs for the
// complainant, not for the department.
func (s *Service) Forward(ctx context.Context, actor yiwang.Actor, id, orgID, reason string) (Case, error) {
	c, err := s.letter(ctx, actor, id)
	if err != nil {
		return Case{}, err
	}
	bad := map[string]string{}
	o, err := s.answerer(ctx, orgID)
	if err != nil {
		bad["org"] = yiwang.ErrorFields(err)["org"]
	} else if o.ID == c.OrgID {
		bad["org"] = "请选择另一个单位"
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 4 || n > 300 {
		bad["reason"] = "请写明转办理由（4至300字）"
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	from := s.orgName(ctx, c.OrgID)
	c.OrgID = o.ID
	return s.moveLetter(ctx, actor, c, "forward", StateAccepted, "由"+from+"转"+o.Name+"办理："+reason,
		"已转"+o.Name+"办理，仍将于 "+c.Deadline+" 前答复")
}

// Reply answers a letter; the reply closes it (已答复) and the complainant
// is told, and may then rate it.
func (s *Service) Reply(ctx context.Context, actor yiwang.Actor, id, text string) (Case, error) {
	c, err := s.letter(ctx, actor, id)
	if err != nil {
		return Case{}, err
	}
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n < 10 || n > 2000 {
		return Case{}, yiwang.Invalid(map[string]string{"reply": "请写明答复内容（10至2000字）"})
	}
	now := s.Clock.Now()
	c.Decision, c.DecidedAt = Replied, now
	form := map[string]string{}
	for k, v := range c.Form {
		form[k] = v
	}
	form["reply"] = text
	c.Form = form
	told := "已答复，请登录查看答复并评价"
	if c.ApplicantID == "" { // a caller without an account
		told = "已答复，可凭编号和姓名在网站“办件查询”中查看答复"
	}
	return s.moveLetter(ctx, actor, c, "reply", StateDelivered, text, told)
}

// moveLetter is move for letters: the event keeps the whole note, the
// complainant's message a short one.
func (s *Service) moveLetter(ctx context.Context, actor yiwang.Actor, c Case, kind, to, note, told string) (Case, error) {
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return Case{}, err
	}
	now := s.Clock.Now()
	ev := Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: len(evs) + 1, At: now, ActorID: actor.AccountID,
		ActorName: actor.Name, Kind: kind, From: c.State, To: to, Note: note, Channel: actor.Channel}
	c.State = to
	c.Due = s.due(c)
	summary := note
	if utf8.RuneCountInString(summary) > 60 {
		summary = string([]rune(summary)[:60]) + "…"
	}
	e := audit.New(actor, now, "case."+kind, "case:"+c.ID, audit.ResultOK, c.No+" "+summary)
	if err := s.Store.UpdateCase(ctx, c, ev, e, s.letterNotice(c, told)); err != nil {
		return Case{}, err
	}
	c.Version++
	return c, nil
}

// letterNotice is the complainant's message about their letter.
func (s *Service) letterNotice(c Case, what string) *notify.Message {
	m := s.notice(c, what)
	if m == nil {
		return nil
	}
	no := "办件编号" + c.No
	if c.No == "" {
		no = "办件编号请登录查看" // the store puts the number in
	}
	m.Body = fmt.Sprintf("【雨山区政务服务网】您反映的%s（%s）：%s。", KindName(c.Kind), no, what)
	return m
}

// StateWords says where a case is, in words: for letters, whether it is
// answered.
func StateWords(c Case) string {
	if c.Kind == "" {
		return StateName(c.State)
	}
	switch c.State {
	case StateAccepted:
		return "办理中，待答复"
	case StateDelivered:
		return "已答复"
	}
	return StateName(c.State)
}

// ReplyOf returns the reply to a letter, "" before there is one.
func ReplyOf(c Case) string { return c.Form["reply"] }
