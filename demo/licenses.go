package demo

import (
	"context"
	"fmt"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/org"
)

// LicenseTypeStore saves license types.
type LicenseTypeStore interface {
	SaveLicenseType(ctx context.Context, t license.Type, e audit.Entry) error
}

// licenseTypeSpec is one demo license type: what its licenses say.
type licenseTypeSpec struct {
	Name       string
	Kind       string
	Fields     []license.TypeField
	ValidYears int
	Template   string
	Note       string
}

var caseFields = []license.TypeField{{Name: "事项", From: "item"}, {Name: "办件编号", From: "case_no"}}

// LicenseTypes are the license types of the demo items whose result is an
// e-license. The codes are made up: the district government office's credit code and a
// sequence number.
var LicenseTypes = []licenseTypeSpec{
	{Name: "食品经营许可证", ValidYears: 5, Fields: []license.TypeField{{Name: "经营者名称", From: "form:operator"},
		{Name: "经营场所", From: "form:premises"}, {Name: "主体业态", From: "form:format"}, {Name: "经营项目", From: "form:items"}},
		Note: "本许可证应悬挂或者摆放在经营场所显著位置。"},
	{Name: "营业执照", Fields: []license.TypeField{{Name: "名称", From: "form:shop"}, {Name: "经营者", From: "form:operator"},
		{Name: "经营场所", From: "form:premises"}, {Name: "经营范围", From: "form:scope"}, {Name: "组成形式", From: "form:form"},
		{Name: "类型", From: "个体工商户"}}, Note: "个体工商户应当于每年1月1日至6月30日报送上一年度年度报告。"},
	{Name: "就业创业证", Fields: caseFields, Template: license.TemplateCard},
	{Name: "就业创业证（失业登记记载）", Fields: caseFields, Template: license.TemplateCard},
	{Name: "居住证", ValidYears: 1, Fields: caseFields, Template: license.TemplateCard, Note: "居住证每年签注一次。"},
	{Name: "公共场所卫生许可证", ValidYears: 4, Fields: caseFields},
	{Name: "建筑工程施工许可证", Fields: caseFields},
	{Name: "教师资格证书", Fields: caseFields},
	{Name: "仅销售预包装食品备案凭证", Fields: caseFields},
	{Name: "建设项目环境影响登记表备案回执", Fields: caseFields},
	{Name: "老年人优待证", Fields: caseFields, Template: license.TemplateCard},
	{Name: "生育登记服务凭证（电子）", Fields: caseFields},
	// Result documents (决定书) of every decision.
	{Name: "准予行政许可决定书", Kind: license.KindDocument, Fields: decisionFields, Note: "行政许可决定书自作出之日起生效。"},
	{Name: "不予行政许可决定书", Kind: license.KindDocument, Fields: decisionFields,
		Note: "如不服本决定，可自收到本决定书之日起60日内申请行政复议，或者6个月内依法提起行政诉讼。"},
	{Name: "准予办理决定书", Kind: license.KindDocument, Fields: decisionFields},
	{Name: "不予办理决定书", Kind: license.KindDocument, Fields: decisionFields,
		Note: "如不服本决定，可自收到本决定书之日起60日内申请行政复议，或者6个月内依法提起行政诉讼。"},
}

var decisionFields = []license.TypeField{{Name: "申请事项", From: "item"}, {Name: "办件编号", From: "case_no"},
	{Name: "决定", From: "decision"}, {Name: "理由和依据", From: "note"}}

// LoadLicenseTypes adds the demo license types, defined by definer.
func LoadLicenseTypes(ctx context.Context, st LicenseTypeStore, definer org.Org, clock yiwang.Clock) error {
	now := clock.Now()
	for i, s := range LicenseTypes {
		t := license.Type{Code: fmt.Sprintf("%s%03d", definer.CreditCode, i+1), Name: s.Name, Kind: s.Kind, Fields: s.Fields,
			ValidYears: s.ValidYears, Template: s.Template, Note: s.Note, UpdatedAt: now, UpdatedBy: "演示数据"}
		if err := t.Check(); err != nil {
			return fmt.Errorf("demo license type %s: %w", s.Name, err)
		}
		e := audit.New(yiwang.System("demo"), now, "license_type.create", "license_type:"+t.Code, audit.ResultOK, t.Name)
		if err := st.SaveLicenseType(ctx, t, e); err != nil {
			return fmt.Errorf("demo license type %s: %w", s.Name, err)
		}
	}
	return nil
}
