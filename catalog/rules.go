package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/idcode"
)

var baseCodeRE = regexp.MustCompile(`^\d{12}$`)

// fileIDRE matches a stored file's ID (hex SHA-256).
var fileIDRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ImplementationCode builds the 31-character 实施编码: the implementing org's
// 统一社会信用代码, the 行使层级 and the 基本编码.
func ImplementationCode(creditCode string, level int, baseCode string) string {
	return creditCode + fmt.Sprint(level) + baseCode
}

// problems collects field → message.
type problems map[string]string

func (p problems) add(field, format string, args ...any) {
	if _, ok := p[field]; !ok {
		p[field] = fmt.Sprintf(format, args...)
	}
}

func textLen(p problems, field, label, s string, min, max int) {
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	switch {
	case n < min:
		p.add(field, "请填写%s", label)
	case n > max:
		p.add(field, "%s不能超过%d个字", label, max)
	}
}

// ValidateBase checks a base item and returns EINVALID naming every bad field.
func ValidateBase(b *Base) error {
	p := problems{}
	b.Code, b.Name = strings.TrimSpace(b.Code), strings.TrimSpace(b.Name)
	switch {
	case !baseCodeRE.MatchString(b.Code):
		p.add("base_code", "基本编码应为12位数字")
	case b.Code[:2] != "00" && idcode.RegionCode(b.Code[:2]+"0000") != nil:
		p.add("base_code", "基本编码前2位应为00（国家目录）或省级代码")
	case b.Code[2:4] != b.Type:
		p.add("base_code", "基本编码第3、4位应与事项类型代码%s一致", b.Type)
	}
	textLen(p, "name", "事项名称", b.Name, 2, 100)
	if !Valid(ItemTypes, b.Type) {
		p.add("type", "事项类型代码不正确（应为 GB/T 39046 附录A.1 中的代码，如 01 行政许可、20 公共服务）")
	}
	if len(b.Basis) == 0 {
		p.add("basis", "请填写至少一条设定依据")
	}
	for i, bs := range b.Basis {
		if strings.TrimSpace(bs.Law) == "" {
			p.add(fmt.Sprintf("basis[%d].law", i), "第%d条设定依据缺少法律法规名称", i+1)
		}
		if strings.ContainsAny(bs.Law+bs.Article+bs.Text, "｜\n\r") {
			p.add(fmt.Sprintf("basis[%d].law", i), "第%d条设定依据不能包含“｜”或换行", i+1)
		}
	}
	if len(b.Objects) == 0 {
		p.add("objects", "请选择服务对象")
	}
	for _, o := range b.Objects {
		if !Valid(Objects, o) {
			p.add("objects", "服务对象代码“%s”不正确", o)
		}
	}
	for _, t := range b.Themes {
		if _, ok := ThemeByCode(t); !ok {
			p.add("themes", "主题代码“%s”不存在", t)
		}
	}
	for i, a := range b.Aliases {
		textLen(p, fmt.Sprintf("aliases[%d]", i), "别名", a, 1, 40)
	}
	return yiwang.Invalid(p)
}

// vagueName matches material names that name no document at all ("其他",
// "证明", "相关材料").
var vagueName = regexp.MustCompile(`^(其他|其它|相关|有关|另需|补充|必要|所需)?(的)?(申请)?(材料|证明|资料|文件|证明材料|证件|附件)?(等)?$`)

// vagueTail matches names that end in an unnamed document ("申请人认为需要
// 提交的其他材料", "另需提交的材料", "其他相关材料") whatever comes before.
var vagueTail = regexp.MustCompile(`(其他|其它|相关|有关|所需|需要|需提交|提交|补充|必要|另需)(的)?(相关)?(申请|证明)?(材料|资料|文件|证明|证件|附件|手续)(等)?$`)

// vagueCondition matches situations that say nothing about when.
var vagueCondition = regexp.MustCompile(`^(如有需要|如需要|必要时|视情况|根据需要|其他情形|特殊情况|有关情形|相关情形)(的|时)?(提供|提交)?$`)

// vagueWord marks a name that points at unnamed documents.
var vagueWord = regexp.MustCompile(`其他|其它|相关|有关|等材料|等证明|等资料|等文件`)

// checkMaterial enforces plan §二(一)2: "其他材料" is refused unless it
// names the exact situation and the exact document.
func checkMaterial(p problems, i int, m *Material) {
	f := func(name string) string { return fmt.Sprintf("materials[%d].%s", i, name) }
	m.Name, m.Condition = strings.TrimSpace(m.Name), strings.TrimSpace(m.Condition)
	label := fmt.Sprintf("第%d项材料", i+1)
	textLen(p, f("name"), label+"的名称", m.Name, 2, 100)
	if vagueName.MatchString(m.Name) || vagueTail.MatchString(m.Name) {
		p.add(f("name"), "%s“%s”没有写明具体是什么材料：请写明材料的确切名称（兜底条款“其他材料”不允许）", label, m.Name)
	} else if vagueWord.MatchString(m.Name) && m.Condition == "" {
		p.add(f("name"), "%s“%s”含有“其他/相关”等兜底表述：须写明具体材料名称，并在“适用情形”中写明需要提交的确切情形", label, m.Name)
	}
	if !m.Required && m.Condition == "" {
		p.add(f("condition"), "%s不是必交材料，请写明在什么情形下需要提交", label)
	}
	if vagueCondition.MatchString(m.Condition) {
		p.add(f("condition"), "%s的适用情形“%s”不具体：请写明在什么确切情形下需要提交", label, m.Condition)
	}
	for k, v := range map[string]string{"name": m.Name, "condition": m.Condition, "note": m.Note, "license": m.License} {
		if strings.ContainsAny(v, "｜\n\r") {
			p.add(f(k), "%s不能包含“｜”或换行", label)
		}
	}
	if len(m.Forms) == 0 {
		p.add(f("forms"), "%s请注明原件、复印件或电子件", label)
	}
	for _, fm := range m.Forms {
		if fm != "原件" && fm != "复印件" && fm != "电子" {
			p.add(f("forms"), "%s的形式“%s”不正确，只能是原件、复印件或电子", label, fm)
		}
	}
	if m.Copies < 0 || m.Copies > 20 {
		p.add(f("copies"), "%s的份数应在0到20之间", label)
	}
	if !Valid(Sources, m.Source) {
		p.add(f("source"), "%s的来源不正确", label)
	}
	for k, v := range map[string]string{"blank_form": m.BlankForm, "sample": m.Sample} {
		if v != "" && !fileIDRE.MatchString(v) {
			p.add(f(k), "%s的文件编号不正确", label)
		}
	}
	if m.Source == "license" && strings.TrimSpace(m.License) == "" {
		p.add(f("license"), "%s可由电子证照替代，请写明证照名称", label)
	}
}

// ValidateEntry checks an entry version (its base elements are checked by
// ValidateBase) and returns EINVALID naming every bad field.
func ValidateEntry(en *Entry, orgLevel int) error {
	p := problems{}
	if en.Level != 4 && en.Level != 5 && en.Level != 6 {
		p.add("level", "行使层级应为4（区级）、5（乡镇街道级）或6（村社区级）")
	} else if orgLevel != 0 && en.Level != orgLevel {
		p.add("level", "行使层级（%d）与实施主体所在层级（%d）不一致", en.Level, orgLevel)
	}
	switch en.Kind {
	case 1:
		if en.PromiseDays != 0 {
			p.add("promise_days", "即办件的承诺时限应为0个工作日（当场办结）")
		}
	case 2:
		if en.PromiseDays < 1 {
			p.add("promise_days", "承诺件的承诺时限至少为1个工作日")
		}
	default:
		p.add("kind", "办件类型应为1（即办件）或2（承诺件）")
	}
	if en.LegalDays < 0 || en.LegalDays > 365 {
		p.add("legal_days", "法定时限应在0到365个工作日之间")
	}
	if en.PromiseDays > en.LegalDays {
		p.add("promise_days", "承诺时限（%d个工作日）不能超过法定时限（%d个工作日）", en.PromiseDays, en.LegalDays)
	}
	seen := map[int]bool{}
	for _, d := range en.Depth {
		if d < 1 || d > 7 || seen[d] {
			p.add("depth", "网上办理深度只能是1到7之间不重复的代码")
		}
		seen[d] = true
	}
	online := false
	for _, f := range en.Forms {
		if !Valid(Forms, fmt.Sprint(f)) {
			p.add("forms", "办理形式代码“%d”不正确", f)
		}
		online = online || f == 2 || f == 3
	}
	if len(en.Forms) == 0 {
		p.add("forms", "请选择办理形式")
	}
	switch {
	case online && !hasInt(en.Depth, 2):
		p.add("depth", "办理形式含网上办理，网办深度至少应包含“2 互联网收件”")
	case !online && maxInt(en.Depth) > 1:
		p.add("depth", "办理形式不含网上办理，网办深度只能是“1 互联网咨询”")
	}
	if en.Visits < 0 || en.Visits > 5 {
		p.add("visits", "跑动次数应在0到5之间")
	} else if en.Visits == 0 && !hasInt(en.Depth, 4) && !hasInt(en.Forms, 4) {
		p.add("visits", "零跑动的事项须能网上受理或快递申请")
	}
	g := &en.Guide
	if len(g.Conditions) == 0 {
		p.add("conditions", "请填写受理条件")
	}
	for i, c := range g.Conditions {
		textLen(p, fmt.Sprintf("conditions[%d]", i), fmt.Sprintf("第%d条受理条件", i+1), c, 2, 500)
	}
	if len(g.Materials) == 0 {
		p.add("materials", "请填写申请材料")
	}
	for i := range g.Materials {
		checkMaterial(p, i, &g.Materials[i])
	}
	if len(g.Steps) == 0 {
		p.add("steps", "请填写办理流程")
	}
	for i, s := range g.Steps {
		textLen(p, fmt.Sprintf("steps[%d].name", i), fmt.Sprintf("第%d个环节名称", i+1), s.Name, 1, 30)
		if s.Days < 0 || s.Days > 365 {
			p.add(fmt.Sprintf("steps[%d].days", i), "第%d个环节的时限不正确", i+1)
		}
	}
	checkSteps(p, g)
	for i, fe := range g.Fees {
		textLen(p, fmt.Sprintf("fees[%d].name", i), fmt.Sprintf("第%d项收费名称", i+1), fe.Name, 1, 100)
		if fe.Fen < 0 {
			p.add(fmt.Sprintf("fees[%d].fen", i), "收费金额不能为负数")
		}
		if fe.Fen > 0 && strings.TrimSpace(fe.Basis) == "" {
			p.add(fmt.Sprintf("fees[%d].basis", i), "收费须写明收费依据")
		}
	}
	if !Valid(ResultKinds, g.ResultKind) {
		p.add("result_kind", "办理结果类型不正确")
	}
	if g.ResultKind != "none" && strings.TrimSpace(g.ResultName) == "" {
		p.add("result_name", "请填写办理结果名称")
	}
	for i, q := range g.FAQs {
		if strings.TrimSpace(q.Q) == "" || strings.TrimSpace(q.A) == "" {
			p.add(fmt.Sprintf("faqs[%d]", i), "第%d个常见问题缺少问题或解答", i+1)
		}
	}
	checkFields(p, g.Fields)
	for i, m := range g.Materials {
		if m.When == "" {
			continue
		}
		k, v, ok := strings.Cut(m.When, "=")
		found := false
		for _, f := range g.Fields {
			found = found || (f.Key == k && (f.Type != "select" || contains(f.Options, v)))
		}
		if !ok || v == "" || !found {
			p.add(fmt.Sprintf("materials[%d].when", i), "第%d项材料的表单条件应写成“字段名=取值”，并引用申请表中有的字段和选项", i+1)
		}
	}
	oneLine := func(field, v string) {
		if strings.ContainsAny(v, "｜\n\r") {
			p.add(field, "不能包含“｜”或换行（Excel 导入导出用它们分隔）")
		}
	}
	for i, c := range g.Conditions {
		oneLine(fmt.Sprintf("conditions[%d]", i), c)
	}
	for i, st := range g.Steps {
		oneLine(fmt.Sprintf("steps[%d].name", i), st.Name)
	}
	for i, fe := range g.Fees {
		oneLine(fmt.Sprintf("fees[%d].name", i), fe.Name+fe.Basis)
	}
	for i, q := range g.FAQs {
		oneLine(fmt.Sprintf("faqs[%d]", i), q.Q+q.A)
	}
	for i, x := range g.Intermediary {
		oneLine(fmt.Sprintf("intermediary[%d]", i), x)
	}
	return yiwang.Invalid(p)
}

func maxInt(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
