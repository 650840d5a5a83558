package catalog

// Code tables of GB/T 39046-2020 Appendix A. Stored in the database: never
// change a value.

// ItemTypes is A.1 事项类型.
var ItemTypes = []Code{
	{"01", "行政许可"}, {"02", "行政处罚"}, {"03", "行政强制"}, {"04", "行政征收"}, {"05", "行政给付"},
	{"06", "行政检查"}, {"07", "行政确认"}, {"08", "行政奖励"}, {"09", "行政裁决"}, {"10", "其他行政权力"},
	{"20", "公共服务"},
}

// Levels is A.2 行使层级, the three the platform serves.
var Levels = []Code{{"4", "区级"}, {"5", "乡镇（街道）级"}, {"6", "村（社区）级"}}

// Objects is A.4 服务对象.
var Objects = []Code{{"1", "自然人"}, {"2", "企业法人"}, {"3", "事业法人"}, {"4", "社会组织法人"}, {"5", "行政机关"}, {"6", "其他组织"}}

// Forms is A.5 办理形式.
var Forms = []Code{{"1", "窗口办理"}, {"2", "网上办理"}, {"3", "移动端办理"}, {"4", "快递申请"}, {"9", "其他"}}

// CaseKinds is A.6 办件类型.
var CaseKinds = []Code{{"1", "即办件"}, {"2", "承诺件"}}

// Depths is 网上办理深度 (multi-valued).
var Depths = []Code{{"1", "互联网咨询"}, {"2", "互联网收件"}, {"3", "互联网预审"}, {"4", "互联网受理"},
	{"5", "互联网办理"}, {"6", "互联网办理结果信息反馈"}, {"7", "互联网电子证照反馈"}}

// ResultKinds says what a case of the item produces.
var ResultKinds = []Code{{"elicense", "电子证照"}, {"certificate", "纸质证书"}, {"approval", "批准文书"}, {"none", "无"}}

// MaterialForms says in which form a material is handed in.
var MaterialForms = []string{"原件", "复印件", "电子"}

// Sources says where a material comes from.
var Sources = []Code{{"applicant", "申请人提供"}, {"department", "部门共享获取"}, {"license", "电子证照获取"}}

// Code is one entry of a code table.
type Code struct{ Value, Name string }

// Name returns the name of value in table, or value itself when unknown.
func Name(table []Code, value string) string {
	for _, c := range table {
		if c.Value == value {
			return c.Name
		}
	}
	return value
}

// Valid reports whether value is in table.
func Valid(table []Code, value string) bool {
	for _, c := range table {
		if c.Value == value {
			return true
		}
	}
	return false
}
