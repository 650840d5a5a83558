package license

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// Request asks for the license a granted case issues.
type Request struct {
	TypeName string // the item's result name, which names the license type
	CaseID   string
	CaseNo   string
	ItemName string
	OrgID    string // the org that decided the case
	Holder   Holder
	Form     map[string]string
	Actor    yiwang.Actor // who decided
	Decision string       // 准予 or 不予, for result documents
	Note     string       // the decision's reasons
}

// Issuing is a prepared license for a store to save in the decision's own
// transaction: the license, its first event and its audit entry.
type Issuing struct {
	License License
	Event   Event
	Audit   audit.Entry
}

var serialRE = regexp.MustCompile(`[^0-9A-Z]`)

// Prepare makes and signs the license a granted case issues, for the case
// store to save with the decision; it returns nil when no license type has
// the name. Its serial is the case number, so a case issues one license of
// a type.
func (s *Service) Prepare(ctx context.Context, r Request) (*Issuing, error) {
	t, err := s.Store.LicenseTypeByName(ctx, r.TypeName)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	serial := serialRE.ReplaceAllString(strings.ToUpper(r.CaseNo), "")
	if serial == "" {
		serial = strings.ToUpper(yiwang.NewID()[:16])
	}
	fields := make([]Field, 0, len(t.Fields))
	for _, f := range t.Fields {
		fields = append(fields, Field{Name: f.Name, Value: f.value(r)})
	}
	l, err := s.sign(ctx, t, r.OrgID, r.Holder, serial, 1, fields, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	l.CaseID, l.CaseNo = r.CaseID, r.CaseNo
	ev, err := s.statusEvent(ctx, l, "issue", r.Actor, "随办件 "+r.CaseNo+" 签发", l.IssuedAt)
	if err != nil {
		return nil, err
	}
	e := audit.New(r.Actor, l.IssuedAt, "license.issue", "license:"+l.ID, audit.ResultOK, l.TypeName+" "+l.Data.HolderName)
	return &Issuing{License: l, Event: ev, Audit: e}, nil
}

// sign builds and signs version v of a license of type t for the holder.
func (s *Service) sign(ctx context.Context, t Type, decidingOrg string, h Holder, serial string, v int, fields []Field, now time.Time) (License, error) {
	issuerID := t.IssuerOrgID
	if issuerID == "" {
		issuerID = decidingOrg
	}
	issuer, err := s.Orgs.Get(ctx, issuerID)
	if err != nil {
		return License{}, err
	}
	if issuer.CreditCode == "" {
		return License{}, yiwang.Errorf(yiwang.EINVALID, "颁发机构“%s”没有统一社会信用代码，无法签发电子证照", issuer.Name)
	}
	codeType, code, name, err := s.holderCode(ctx, h)
	if err != nil {
		return License{}, err
	}
	id, err := ID(t.Code, issuer.CreditCode, serial, v)
	if err != nil {
		return License{}, err
	}
	from := dateOf(now)
	until := ""
	if t.ValidYears > 0 {
		until = now.In(shanghai).AddDate(t.ValidYears, 0, -1).Format("2006-01-02")
	}
	d := Data{Fields: fields, HolderCode: code, HolderCodeType: codeType, HolderName: name, ID: id, IssuedOn: from,
		IssuerCode: issuer.CreditCode, IssuerName: issuer.Name, TypeCode: t.Code, TypeName: t.Name,
		ValidFrom: from, ValidUntil: until}
	file, err := SignFile(ctx, s.Seal, issuerID, d)
	if err != nil {
		return License{}, err
	}
	keyID, err := fileKeyID(file)
	if err != nil {
		return License{}, err
	}
	return License{ID: id, Serial: serial, Version: v, TypeCode: t.Code, TypeName: t.Name, Kind: t.Kind, IssuerOrgID: issuerID,
		AccountID: h.AccountID, Data: d, File: file, KeyID: keyID, Status: StatusValid, IssuedAt: now, UpdatedAt: now}, nil
}

// fileKeyID reads the key ID a file names.
func fileKeyID(file []byte) (string, error) {
	f, err := ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read signed file: %w", err)
	}
	return f.KeyID, nil
}
