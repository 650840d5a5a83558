// Package sheet reads and writes the catalog as an Excel workbook (XLSX), the
// way catalog maintainers work: sheet 事项 has one row per implementation
// entry, sheet 申请材料 one row per material. Multi-valued cells hold one
// value per line; parts of a value are separated by "｜".
package sheet

// Sheet names.
const (
	ItemsSheet     = "事项"
	MaterialsSheet = "申请材料"
)

// itemColumns are the columns of the 事项 sheet, in order, with the field
// names validation reports problems under.
var itemColumns = []struct{ Title, Field string }{
	{"基本编码", "base_code"},
	{"事项名称", "name"},
	{"别名（用、分隔）", "aliases"},
	{"事项类型代码", "type"},
	{"设定依据（每行：法律法规｜条款｜条文）", "basis"},
	{"服务对象代码（用,分隔）", "objects"},
	{"主题代码（用,分隔）", "themes"},
	{"实施主体", "org_name"},
	{"实施主体统一社会信用代码", "org"},
	{"行使层级", "level"},
	{"办件类型（1即办件 2承诺件）", "kind"},
	{"法定时限（工作日）", "legal_days"},
	{"承诺时限（工作日）", "promise_days"},
	{"网上办理深度（用,分隔）", "depth"},
	{"办理形式（用,分隔）", "forms"},
	{"跑动次数", "visits"},
	{"受理条件（每行一条）", "conditions"},
	{"办理流程（每行：环节｜工作日）", "steps"},
	{"收费（每行：名称｜金额元｜依据）", "fees"},
	{"办理结果类型", "result_kind"},
	{"办理结果名称", "result_name"},
	{"中介服务（每行一项）", "intermediary"},
	{"常见问题（每行：问题｜解答）", "faqs"},
	{"办理地点", "location"},
	{"办理时间", "hours"},
	{"咨询电话", "consult_phone"},
	{"监督电话", "supervise_phone"},
	{"申请表字段（每行：字段名｜标签｜类型｜是否必填｜选项｜预填｜显示条件）", "fields"},
	{"实施编码（导出时生成，导入时忽略）", "code"},
}

// materialColumns are the columns of the 申请材料 sheet.
var materialColumns = []struct{ Title, Field string }{
	{"基本编码", "base_code"},
	{"实施主体统一社会信用代码", "org"},
	{"材料名称", "name"},
	{"形式（原件、复印件、电子，用、分隔）", "forms"},
	{"复印件份数", "copies"},
	{"是否必需（是/否）", "required"},
	{"适用情形（非必需材料必填）", "condition"},
	{"来源（applicant/department/license）", "source"},
	{"可替代的电子证照", "license"},
	{"可容缺受理（是/否）", "tolerance"},
	{"可告知承诺（是/否）", "promise"},
	{"说明", "note"},
	{"空白表格文件编号", "blank_form"},
	{"示例样表文件编号", "sample"},
	{"按申请表答案必交（如 online=是）", "when"},
}

func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

func itemColumn(field string) (int, bool) {
	for i, c := range itemColumns {
		if c.Field == field {
			return i, true
		}
	}
	return 0, false
}

func materialColumn(field string) (int, bool) {
	for i, c := range materialColumns {
		if c.Field == field {
			return i, true
		}
	}
	return 0, false
}
