package license

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// Type is a license type (证照类型): what its licenses say and who issues
// them. Items name it by Name (their result, and materials an e-license
// replaces).
type Type struct {
	Code string // 证照类型代码: the defining org's credit code + a 3-digit sequence
	Name string // e.g. 食品经营许可证; unique
	// Kind is KindLicense (证照, in the wallet and reusable) or
	// KindDocument (a result document such as 准予行政许可决定书).
	Kind string
	// IssuerOrgID is the org whose seal signs the licenses; "" means the org
	// that decides the case.
	IssuerOrgID string
	Fields      []TypeField
	// ValidYears is how long a license is valid from its issue; 0 is 长期.
	ValidYears int
	// Template is the document layout: TemplateCertificate or TemplateCard.
	Template string
	Note     string // 说明 printed on the document, e.g. the holder's duties
	Rev      int64  // row version, for optimistic updates
	// UpdatedAt and UpdatedBy say who changed the type last.
	UpdatedAt time.Time
	UpdatedBy string
}

// Kinds of license types.
const (
	KindLicense  = "license"
	KindDocument = "document"
)

// Templates.
const (
	TemplateCertificate = "certificate" // 证书: full page
	TemplateCard        = "card"        // 证件: the fields only
)

// TemplateNames names the templates for people.
var TemplateNames = map[string]string{TemplateCertificate: "证书式（整页）", TemplateCard: "证件式（简洁）"}

// TypeField is one field of a license type: its name on the license and
// where its value comes from when a case issues it.
type TypeField struct {
	Name string `json:"name"` // e.g. 经营场所
	// From is "form:<key>" (the application's form field), "item" (the
	// item's name), "case_no" (办件编号), "decision" (准予 or 不予),
	// "note" (the decision's reasons), or a fixed text.
	From string `json:"from"`
}

// FieldLine writes a field as one line of the admin form: 名称=来源.
func (f TypeField) FieldLine() string { return f.Name + "=" + f.From }

// ParseFields reads the admin form's field lines (名称=来源, one per line).
func ParseFields(text string) ([]TypeField, error) {
	var out []TypeField
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, from, ok := strings.Cut(line, "=")
		if !ok {
			name, from, ok = strings.Cut(line, "＝")
		}
		if !ok || strings.TrimSpace(name) == "" || strings.TrimSpace(from) == "" {
			return nil, fmt.Errorf("第%d行应为“名称=来源”，例如：经营场所=form:address", i+1)
		}
		out = append(out, TypeField{Name: strings.TrimSpace(name), From: strings.TrimSpace(from)})
	}
	return out, nil
}

// Check validates a type; problems are keyed by form field.
func (t *Type) Check() error {
	t.Code, t.Name, t.Note = strings.ToUpper(strings.TrimSpace(t.Code)), strings.TrimSpace(t.Name), strings.TrimSpace(t.Note)
	bad := map[string]string{}
	if len(t.Code) != TypeCodeLen || !upperAlnum(t.Code) {
		bad["code"] = fmt.Sprintf("证照类型代码须为 %d 位数字或大写字母（定义机构统一社会信用代码 + 3 位顺序号）", TypeCodeLen)
	}
	if n := utf8.RuneCountInString(t.Name); n < 2 || n > 50 {
		bad["name"] = "请填写证照名称（2至50字）"
	}
	if t.ValidYears < 0 || t.ValidYears > 30 {
		bad["valid_years"] = "有效期须在0至30年之间（0为长期）"
	}
	if t.Kind == "" {
		t.Kind = KindLicense
	}
	if t.Kind != KindLicense && t.Kind != KindDocument {
		bad["kind"] = "请选择证照或文书"
	}
	if t.Template == "" {
		t.Template = TemplateCertificate
	}
	if _, ok := TemplateNames[t.Template]; !ok {
		bad["template"] = "请选择版式"
	}
	if utf8.RuneCountInString(t.Note) > 300 {
		bad["note"] = "说明不能超过300字"
	}
	if len(t.Fields) > 20 {
		bad["fields"] = "字段不能超过20个"
	}
	seen := map[string]bool{}
	for _, f := range t.Fields {
		switch {
		case strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.From) == "":
			bad["fields"] = "字段的名称和来源都不能为空"
		case utf8.RuneCountInString(f.Name) > 20:
			bad["fields"] = "字段名称不能超过20字：" + f.Name
		case seen[f.Name]:
			bad["fields"] = "字段名称重复：" + f.Name
		case strings.HasPrefix(f.From, "form:") && len(f.From) == len("form:"):
			bad["fields"] = "“" + f.Name + "”的来源 form: 后须写表单字段"
		case utf8.RuneCountInString(f.From) > 100:
			bad["fields"] = "“" + f.Name + "”的来源过长"
		}
		seen[f.Name] = true
	}
	return yiwang.Invalid(bad)
}

// value works out a field's value for a case.
func (f TypeField) value(r Request) string {
	form, item, caseNo := r.Form, r.ItemName, r.CaseNo
	switch {
	case f.From == "decision":
		return r.Decision
	case f.From == "note":
		return r.Note
	case strings.HasPrefix(f.From, "form:"):
		return strings.TrimSpace(form[strings.TrimPrefix(f.From, "form:")])
	case f.From == "item":
		return item
	case f.From == "case_no":
		return caseNo
	}
	return f.From
}

// Types lists the license types.
func (s *Service) Types(ctx context.Context) ([]Type, error) { return s.Store.LicenseTypes(ctx) }

// SaveType adds a license type (Rev 0) or changes one; only the system
// administrator maintains them. The issuing org, when given, must exist and
// have a credit code.
func (s *Service) SaveType(ctx context.Context, actor yiwang.Actor, t Type) (Type, error) {
	if !actor.Has(yiwang.RoleSysAdmin) {
		return Type{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有系统管理员可以维护证照类型")
	}
	if err := t.Check(); err != nil {
		return Type{}, err
	}
	if t.IssuerOrgID != "" {
		o, err := s.Orgs.Get(ctx, t.IssuerOrgID)
		if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
			return Type{}, yiwang.Invalid(map[string]string{"issuer": "颁发机构不存在"})
		}
		if err != nil {
			return Type{}, err
		}
		if o.CreditCode == "" {
			return Type{}, yiwang.Invalid(map[string]string{"issuer": "颁发机构须有统一社会信用代码"})
		}
	}
	now := s.Clock.Now()
	t.UpdatedAt, t.UpdatedBy = now, actor.Name
	action := "license_type.create"
	if t.Rev > 0 {
		action = "license_type.update"
	}
	if err := s.Store.SaveLicenseType(ctx, t, audit.New(actor, now, action, "license_type:"+t.Code, audit.ResultOK, t.Name)); err != nil {
		return Type{}, err
	}
	t.Rev++
	return t, nil
}
