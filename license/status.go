package license

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/notify"
)

// StatusFormat names the layout of a signed status statement.
const StatusFormat = "yiwang-license-status/1"

// StatusStatement returns the bytes a status change's signature covers: one
// JSON object with the members at, format, id, reason, status in that order
// (sorted, no whitespace, strings escaped as in license files); at is RFC
// 3339 in UTC+08:00 to the second.
func StatusStatement(id, status, reason string, at time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(`{"at":`)
	writeString(&b, at.In(shanghai).Format(time.RFC3339))
	b.WriteString(`,"format":`)
	writeString(&b, StatusFormat)
	b.WriteString(`,"id":`)
	writeString(&b, id)
	b.WriteString(`,"reason":`)
	writeString(&b, reason)
	b.WriteString(`,"status":`)
	writeString(&b, status)
	b.WriteByte('}')
	return b.Bytes()
}

// statusEvent makes the signed event of l reaching its status.
func (s *Service) statusEvent(ctx context.Context, l License, kind string, actor yiwang.Actor, reason string, at time.Time) (Event, error) {
	at = at.Truncate(time.Second)
	st := StatusStatement(l.ID, l.Status, reason, at)
	sig, keyID, err := s.Seal.Sign(ctx, l.IssuerOrgID, st)
	if err != nil {
		return Event{}, fmt.Errorf("sign status of %s: %w", l.ID, err)
	}
	return Event{ID: yiwang.NewID(), LicenseID: l.ID, At: at, Kind: kind, Status: l.Status, ActorID: actor.AccountID,
		ActorName: actor.Name, Reason: reason, Statement: st, Signature: sig, KeyID: keyID}, nil
}

// Changes staff may make, with the statuses they start from and lead to.
var changes = map[string]struct {
	from []string
	to   string
	verb string
}{
	"suspend": {[]string{StatusValid}, StatusSuspended, "暂扣"},
	"resume":  {[]string{StatusSuspended}, StatusValid, "恢复"},
	"revoke":  {[]string{StatusValid, StatusSuspended}, StatusRevoked, "吊销"},
	"cancel":  {[]string{StatusValid, StatusSuspended, StatusExpired}, StatusCancelled, "注销"},
}

// ChangeName returns a change in words.
func ChangeName(kind string) string {
	if c, ok := changes[kind]; ok {
		return c.verb
	}
	return map[string]string{"issue": "签发", "expire": "到期", "renew": "换发", "supersede": "被新版本替代", "remind": "到期提醒"}[kind]
}

// mayManage checks that actor is a case officer or department head of the
// issuing org or an org above it.
func (s *Service) mayManage(ctx context.Context, actor yiwang.Actor, l License) error {
	if !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleDeptHead) || actor.OrgID == "" {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有颁发机构的承办人或部门负责人可以变更证照状态")
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	if err != nil {
		return err
	}
	if !mine[l.IssuerOrgID] {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "该证照不是本单位颁发的")
	}
	return nil
}

// MayManage reports whether actor may change the license's status.
func (s *Service) MayManage(ctx context.Context, actor yiwang.Actor, l License) bool {
	return s.mayManage(ctx, actor, l) == nil
}

// Get returns a license with its status today.
func (s *Service) Get(ctx context.Context, id string) (License, error) {
	l, err := s.Store.License(ctx, strings.TrimSpace(id))
	if err != nil {
		return License{}, err
	}
	l.Status = l.StatusOn(s.today())
	return l, nil
}

// Change suspends, resumes, revokes or cancels a license, with a reason;
// the change is signed by the issuer, audited and told to the holder.
func (s *Service) Change(ctx context.Context, actor yiwang.Actor, id, kind, reason string) (License, error) {
	c, ok := changes[kind]
	if !ok {
		return License{}, yiwang.Errorf(yiwang.EINVALID, "不支持的证照状态变更")
	}
	l, err := s.Store.License(ctx, id)
	if err != nil {
		return License{}, err
	}
	if err := s.mayManage(ctx, actor, l); err != nil {
		return License{}, err
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 4 || n > 200 {
		return License{}, yiwang.Invalid(map[string]string{"reason": "请写明" + c.verb + "的理由和依据（4至200字）"})
	}
	now := s.Clock.Now()
	cur := l.StatusOn(dateOf(now))
	allowed := false
	for _, f := range c.from {
		allowed = allowed || f == cur
	}
	if !allowed {
		return License{}, yiwang.Errorf(yiwang.ECONFLICT, "该证照当前状态为“%s”，不能%s", StatusName(cur), c.verb)
	}
	l.Status, l.StatusNote, l.UpdatedAt = c.to, reason, now
	ev, err := s.statusEvent(ctx, l, kind, actor, reason, now)
	if err != nil {
		return License{}, err
	}
	e := audit.New(actor, now, "license."+kind, "license:"+l.ID, audit.ResultOK, reason)
	msg := s.holderMessage(l, fmt.Sprintf("您的“%s”已被%s，理由：%s", l.TypeName, c.verb, reason), now)
	if err := s.Store.ChangeLicense(ctx, l, ev, e, msg); err != nil {
		return License{}, err
	}
	l.Rev++
	return l, nil
}

// Renew issues the next version of a valid or expired license with a new
// validity from today (换发/延续); the old version is superseded. Both are
// signed and audited, and the holder is told.
func (s *Service) Renew(ctx context.Context, actor yiwang.Actor, id, reason string) (License, error) {
	old, err := s.Store.License(ctx, id)
	if err != nil {
		return License{}, err
	}
	if err := s.mayManage(ctx, actor, old); err != nil {
		return License{}, err
	}
	if old.Damaged {
		return License{}, yiwang.Errorf(yiwang.ECONFLICT, "该证照的存储文件已损坏，不能据此换发，请核实后重新签发")
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 4 || n > 200 {
		return License{}, yiwang.Invalid(map[string]string{"reason": "请写明换发的理由（4至200字）"})
	}
	now := s.Clock.Now()
	if cur := old.StatusOn(dateOf(now)); cur != StatusValid && cur != StatusExpired {
		return License{}, yiwang.Errorf(yiwang.ECONFLICT, "该证照当前状态为“%s”，不能换发", StatusName(cur))
	}
	if old.Version >= 999 {
		return License{}, yiwang.Errorf(yiwang.ECONFLICT, "该证照的版本号已用完")
	}
	t, err := s.Store.LicenseType(ctx, old.TypeCode)
	if err != nil {
		return License{}, err
	}
	t.IssuerOrgID = old.IssuerOrgID
	h := Holder{AccountID: old.AccountID, Name: old.Data.HolderName, IDCard: old.Data.HolderCode}
	nl, err := s.signFor(ctx, t, h, old, now)
	if err != nil {
		return License{}, err
	}
	nl.CaseID, nl.CaseNo = old.CaseID, old.CaseNo
	ev, err := s.statusEvent(ctx, nl, "renew", actor, reason+"（换发自 "+old.ID+"）", now)
	if err != nil {
		return License{}, err
	}
	old.Status, old.StatusNote, old.UpdatedAt = StatusSuperseded, "已换发新版本 "+nl.ID, now
	oev, err := s.statusEvent(ctx, old, "supersede", actor, old.StatusNote, now)
	if err != nil {
		return License{}, err
	}
	msg := s.holderMessage(nl, fmt.Sprintf("您的“%s”已换发新版本，有效期至%s", nl.TypeName, orLong(nl.Data.ValidUntil)), now)
	e := audit.New(actor, now, "license.renew", "license:"+nl.ID, audit.ResultOK, "换发自 "+old.ID+"："+reason)
	oe := audit.New(actor, now, "license.supersede", "license:"+old.ID, audit.ResultOK, "换发为 "+nl.ID)
	if err := s.Store.RenewLicense(ctx, Issuing{License: old, Event: oev, Audit: oe}, Issuing{License: nl, Event: ev, Audit: e}, msg); err != nil {
		return License{}, err
	}
	return nl, nil
}

// signFor signs the next version of old for its holder with the same data.
func (s *Service) signFor(ctx context.Context, t Type, h Holder, old License, now time.Time) (License, error) {
	if old.Data.HolderCodeType == HolderCreditCode {
		// An enterprise: sign for the code and name on the old version.
		d := old.Data
		id, err := ID(d.TypeCode, d.IssuerCode, old.Serial, old.Version+1)
		if err != nil {
			return License{}, err
		}
		d.ID, d.IssuedOn, d.ValidFrom, d.ValidUntil = id, dateOf(now), dateOf(now), ""
		if t.ValidYears > 0 {
			d.ValidUntil = now.In(shanghai).AddDate(t.ValidYears, 0, -1).Format("2006-01-02")
		}
		file, err := SignFile(ctx, s.Seal, old.IssuerOrgID, d)
		if err != nil {
			return License{}, err
		}
		keyID, err := fileKeyID(file)
		if err != nil {
			return License{}, err
		}
		return License{ID: id, Serial: old.Serial, Version: old.Version + 1, TypeCode: d.TypeCode, TypeName: d.TypeName, Kind: t.Kind,
			IssuerOrgID: old.IssuerOrgID, AccountID: old.AccountID, Data: d, File: file, KeyID: keyID,
			Status: StatusValid, IssuedAt: now, UpdatedAt: now}, nil
	}
	return s.sign(ctx, t, old.IssuerOrgID, h, old.Serial, old.Version+1, old.Data.Fields, now)
}

func orLong(until string) string {
	if until == "" {
		return "长期"
	}
	return until
}

// holderMessage is the 站内信 telling the holder's account of a change;
// nil when the license has no account.
func (s *Service) holderMessage(l License, body string, now time.Time) *notify.Message {
	if l.AccountID == "" {
		return nil
	}
	return &notify.Message{ID: yiwang.NewID(), Channel: notify.ChannelSite, AccountID: l.AccountID,
		Link: "/licenses/" + l.ID, Body: "【雨山区政务服务网】" + body + "。", Status: notify.StatusPending, CreatedAt: now}
}

// ExpireDue records the expiry of every valid license whose end date has
// passed (each signed and audited, the holder told) and returns how many.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	now := s.Clock.Now()
	yesterday := now.In(shanghai).AddDate(0, 0, -1).Format("2006-01-02")
	n := 0
	for {
		ls, err := s.Store.ValidLicensesEnding(ctx, yesterday, true, 100)
		if err != nil || len(ls) == 0 {
			return n, err
		}
		for _, l := range ls {
			l.Status, l.StatusNote, l.UpdatedAt = StatusExpired, "有效期至 "+l.Data.ValidUntil+" 届满", now
			ev, err := s.statusEvent(ctx, l, "expire", yiwang.System("license"), l.StatusNote, now)
			if err != nil {
				return n, err
			}
			e := audit.New(yiwang.System("license"), now, "license.expire", "license:"+l.ID, audit.ResultOK, l.StatusNote)
			msg := s.holderMessage(l, fmt.Sprintf("您的“%s”已于%s到期，如需继续使用请申请换发", l.TypeName, l.Data.ValidUntil), now)
			if err := s.Store.ChangeLicense(ctx, l, ev, e, msg); err != nil {
				return n, err
			}
			n++
		}
	}
}

// RemindDays is how long before its end a holder is reminded (主动服务).
const RemindDays = 30

// RemindExpiring tells each holder whose valid license ends within
// RemindDays, once, and returns how many were told.
func (s *Service) RemindExpiring(ctx context.Context) (int, error) {
	now := s.Clock.Now()
	until := now.In(shanghai).AddDate(0, 0, RemindDays).Format("2006-01-02")
	today := dateOf(now)
	n := 0
	for {
		ls, err := s.Store.ValidLicensesEnding(ctx, until, false, 100)
		if err != nil || len(ls) == 0 {
			return n, err
		}
		progressed := false
		for _, l := range ls {
			if l.Data.ValidUntil < today {
				continue // ExpireDue's
			}
			l.RemindedAt, l.UpdatedAt = now, now
			ev := Event{ID: yiwang.NewID(), LicenseID: l.ID, At: now, Kind: "remind", Status: l.Status,
				ActorName: "系统", Reason: "有效期至 " + l.Data.ValidUntil + "，已提醒持证人"}
			e := audit.New(yiwang.System("license"), now, "license.remind", "license:"+l.ID, audit.ResultOK, ev.Reason)
			msg := s.holderMessage(l, fmt.Sprintf("您的“%s”将于%s到期，请及时办理换发（延续）", l.TypeName, l.Data.ValidUntil), now)
			if err := s.Store.ChangeLicense(ctx, l, ev, e, msg); err != nil {
				return n, err
			}
			n++
			progressed = true
		}
		if !progressed {
			return n, nil
		}
	}
}

// MaskedHolderCode shows a holder's code to the public: an ID card
// number masked, a credit code as it is (it is public).
func MaskedHolderCode(d Data) string {
	if d.HolderCodeType == HolderIDCard {
		return idcode.MaskIDCard(d.HolderCode)
	}
	return d.HolderCode
}
