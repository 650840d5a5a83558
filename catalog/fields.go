package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Field is one field of an item's application form, defined as data by the
// catalog maintainer.
type Field struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Type     string   `json:"type"` // text, textarea, number, date, select
	Required bool     `json:"required,omitempty"`
	Options  []string `json:"options,omitempty"` // for select
	// Prefill names what the platform already knows and fills in itself
	// (never asked again): name, idcard, mobile, enterprise.
	Prefill string `json:"prefill,omitempty"`
	// When shows the field only if another field has a value: "key=value".
	When string `json:"when,omitempty"`
}

// FieldTypes are the kinds of form field.
var FieldTypes = []Code{{"text", "单行文字"}, {"textarea", "多行文字"}, {"number", "数字"}, {"date", "日期"}, {"select", "选择"}}

// Prefills are what a field can be filled in with.
var Prefills = []Code{{"name", "申请人姓名"}, {"idcard", "身份证号"}, {"mobile", "手机号"}, {"enterprise", "企业名称"}}

var fieldKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// Applies reports whether a field (or material) with condition when applies
// given the values entered.
func Applies(when string, values map[string]string) bool {
	if when == "" {
		return true
	}
	k, v, _ := strings.Cut(when, "=")
	return values[k] == v
}

func checkFields(p problems, fs []Field) {
	seen := map[string]Field{}
	for i, f := range fs {
		at := func(name string) string { return fmt.Sprintf("fields[%d].%s", i, name) }
		label := fmt.Sprintf("申请表第%d个字段", i+1)
		if !fieldKeyRE.MatchString(f.Key) {
			p.add(at("key"), "%s的字段名应为小写字母开头的字母、数字或下划线", label)
		} else if _, dup := seen[f.Key]; dup {
			p.add(at("key"), "%s的字段名“%s”重复", label, f.Key)
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(f.Label)); n < 1 || n > 40 {
			p.add(at("label"), "%s请填写标签（不超过40个字）", label)
		}
		if !Valid(FieldTypes, f.Type) {
			p.add(at("type"), "%s的类型只能是 text、textarea、number、date、select", label)
		}
		if f.Type == "select" && len(f.Options) < 2 {
			p.add(at("options"), "%s是选择题，至少需要两个选项", label)
		}
		if f.Prefill != "" && !Valid(Prefills, f.Prefill) {
			p.add(at("prefill"), "%s的预填来源只能是 name、idcard、mobile、enterprise", label)
		}
		if f.When != "" {
			k, v, ok := strings.Cut(f.When, "=")
			prev, known := seen[k]
			switch {
			case !ok || v == "":
				p.add(at("when"), "%s的显示条件应写成“字段名=取值”", label)
			case !known:
				p.add(at("when"), "%s的显示条件引用了前面没有的字段“%s”", label, k)
			case prev.Type == "select" && !contains(prev.Options, v):
				p.add(at("when"), "%s的显示条件取值“%s”不是字段“%s”的选项", label, v, k)
			}
		}
		for _, x := range append([]string{f.Key, f.Label, f.When}, f.Options...) {
			if strings.ContainsAny(x, "｜、\n\r") {
				p.add(at("label"), "%s不能包含“｜”“、”或换行", label)
			}
		}
		seen[f.Key] = f
	}
}

// FieldLine writes a field as one line of text (editor and Excel):
// key｜label｜type｜是/否｜options、…｜prefill｜when.
func FieldLine(f Field) string {
	req := "否"
	if f.Required {
		req = "是"
	}
	return strings.Join([]string{f.Key, f.Label, f.Type, req, strings.Join(f.Options, "、"), f.Prefill, f.When}, "｜")
}

// ParseFieldLine reads a line written by FieldLine.
func ParseFieldLine(l string) (Field, error) {
	parts := strings.Split(l, "｜")
	if len(parts) != 7 {
		return Field{}, fmt.Errorf("应写成“字段名｜标签｜类型｜是否必填｜选项｜预填｜显示条件”，共7段，空的段也要保留“｜”")
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	f := Field{Key: parts[0], Label: parts[1], Type: parts[2], Prefill: parts[5], When: parts[6]}
	switch parts[3] {
	case "是":
		f.Required = true
	case "否", "":
	default:
		return Field{}, fmt.Errorf("是否必填只能填“是”或“否”")
	}
	for _, o := range strings.Split(parts[4], "、") {
		if o = strings.TrimSpace(o); o != "" {
			f.Options = append(f.Options, o)
		}
	}
	return f, nil
}
