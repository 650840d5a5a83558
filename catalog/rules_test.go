package catalog_test

import (
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/catalog"
)

func TestValidateEntry(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*catalog.Entry)
		field string // "" = valid
	}{
		{"valid", func(*catalog.Entry) {}, ""},
		{"committed over legal", func(e *catalog.Entry) { e.PromiseDays = 21 }, "promise_days"},
		{"instant with a promise", func(e *catalog.Entry) { e.Kind, e.PromiseDays = 1, 3 }, "promise_days"},
		{"instant", func(e *catalog.Entry) { e.Kind, e.PromiseDays = 1, 0 }, ""},
		{"promised with zero days", func(e *catalog.Entry) { e.PromiseDays = 0 }, "promise_days"},
		{"bad kind", func(e *catalog.Entry) { e.Kind = 3 }, "kind"},
		{"bad level", func(e *catalog.Entry) { e.Level = 3 }, "level"},
		{"level differs from org", func(e *catalog.Entry) { e.Level = 5 }, "level"},
		{"depth out of range", func(e *catalog.Entry) { e.Depth = []int{1, 8} }, "depth"},
		{"depth repeated", func(e *catalog.Entry) { e.Depth = []int{1, 2, 2} }, "depth"},
		{"online form without online intake", func(e *catalog.Entry) { e.Depth = []int{1}; e.Visits = 1 }, "depth"},
		{"window only with online depth", func(e *catalog.Entry) { e.Forms = []int{1}; e.Visits = 1 }, "depth"},
		{"window only, consultation", func(e *catalog.Entry) { e.Forms, e.Depth, e.Visits = []int{1}, []int{1}, 1 }, ""},
		{"zero visits without online acceptance", func(e *catalog.Entry) { e.Depth = []int{1, 2, 3} }, "visits"},
		{"bad form", func(e *catalog.Entry) { e.Forms = []int{1, 7} }, "forms"},
		{"no forms", func(e *catalog.Entry) { e.Forms = nil }, "forms"},
		{"no conditions", func(e *catalog.Entry) { e.Guide.Conditions = nil }, "conditions"},
		{"no materials", func(e *catalog.Entry) { e.Guide.Materials = nil }, "materials"},
		{"其他材料", func(e *catalog.Entry) { e.Guide.Materials[0].Name = "其他材料" }, "materials[0].name"},
		{"相关证明材料", func(e *catalog.Entry) { e.Guide.Materials[0].Name = "相关证明材料" }, "materials[0].name"},
		{"其他材料 even with a condition", func(e *catalog.Entry) {
			e.Guide.Materials[2].Name = "其他材料"
		}, "materials[2].name"},
		{"vague word without situation", func(e *catalog.Entry) {
			e.Guide.Materials[0].Name = "其他相关许可证明"
		}, "materials[0].name"},
		{"vague word with exact situation", func(e *catalog.Entry) {
			e.Guide.Materials[2].Name = "其他股东的身份证明"
			e.Guide.Materials[2].Condition = "有限责任公司有两个以上股东的"
		}, ""},
		{"其他 alone", func(e *catalog.Entry) { e.Guide.Materials[0].Name = "其他" }, "materials[0].name"},
		{"其他相关材料 with a situation", func(e *catalog.Entry) {
			e.Guide.Materials[2].Name = "其他相关材料"
		}, "materials[2].name"},
		{"申请人认为需要提交的其他材料", func(e *catalog.Entry) { e.Guide.Materials[0].Name = "申请人认为需要提交的其他材料" }, "materials[0].name"},
		{"另需提交的材料", func(e *catalog.Entry) { e.Guide.Materials[0].Name = "另需提交的材料" }, "materials[0].name"},
		{"vague situation", func(e *catalog.Entry) { e.Guide.Materials[2].Condition = "如有需要" }, "materials[2].condition"},
		{"separator in a name", func(e *catalog.Entry) { e.Guide.Materials[0].Name = "申请书｜副本" }, "materials[0].name"},
		{"conditional without condition", func(e *catalog.Entry) { e.Guide.Materials[2].Condition = "" }, "materials[2].condition"},
		{"material without form", func(e *catalog.Entry) { e.Guide.Materials[0].Forms = nil }, "materials[0].forms"},
		{"material bad form", func(e *catalog.Entry) { e.Guide.Materials[0].Forms = []string{"扫描件"} }, "materials[0].forms"},
		{"license source without license", func(e *catalog.Entry) { e.Guide.Materials[1].License = "" }, "materials[1].license"},
		{"bad source", func(e *catalog.Entry) { e.Guide.Materials[0].Source = "x" }, "materials[0].source"},
		{"no steps", func(e *catalog.Entry) { e.Guide.Steps = nil }, "steps"},
		{"review orgs", func(e *catalog.Entry) { e.Guide.Steps[1].Orgs = []string{"a", "b"} }, ""},
		{"an org twice in a step", func(e *catalog.Entry) { e.Guide.Steps[1].Orgs = []string{"a", "b", "a"} }, "steps[1].orgs"},
		{"fee without basis", func(e *catalog.Entry) { e.Guide.Fees = []catalog.Fee{{Name: "工本费", Fen: 1000}} }, "fees[0].basis"},
		{"negative fee", func(e *catalog.Entry) { e.Guide.Fees = []catalog.Fee{{Name: "工本费", Fen: -1, Basis: "x"}} }, "fees[0].fen"},
		{"bad result kind", func(e *catalog.Entry) { e.Guide.ResultKind = "paper" }, "result_kind"},
		{"result without name", func(e *catalog.Entry) { e.Guide.ResultName = "" }, "result_name"},
		{"no result", func(e *catalog.Entry) { e.Guide.ResultKind, e.Guide.ResultName = "none", "" }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			en := foodEntry("org")
			tc.edit(&en)
			err := catalog.ValidateEntry(&en, 4)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			msg := yiwang.ErrorFields(err)[tc.field]
			if yiwang.ErrorCode(err) != yiwang.EINVALID || msg == "" {
				t.Fatalf("want a problem with %s, got %v", tc.field, err)
			}
			if !strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Fatalf("message not in Chinese: %q", msg)
			}
		})
	}
}

func TestValidateBase(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*catalog.Base)
		field string
	}{
		{"valid", func(*catalog.Base) {}, ""},
		{"short code", func(b *catalog.Base) { b.Code = "3401110001" }, "base_code"},
		{"letters in code", func(b *catalog.Base) { b.Code = "34011100010A" }, "base_code"},
		{"type differs from code", func(b *catalog.Base) { b.Type = "20" }, "base_code"},
		{"bad owner", func(b *catalog.Base) { b.Code = "990111000100" }, "base_code"},
		{"national", func(b *catalog.Base) { b.Code = "000111000100" }, ""},
		{"bad type", func(b *catalog.Base) { b.Type, b.Code = "99", "349911000100" }, "type"},
		{"no name", func(b *catalog.Base) { b.Name = "" }, "name"},
		{"no basis", func(b *catalog.Base) { b.Basis = nil }, "basis"},
		{"basis without law", func(b *catalog.Base) { b.Basis = []catalog.Basis{{Article: "第一条"}} }, "basis[0].law"},
		{"no objects", func(b *catalog.Base) { b.Objects = nil }, "objects"},
		{"bad object", func(b *catalog.Base) { b.Objects = []string{"9"} }, "objects"},
		{"unknown theme", func(b *catalog.Base) { b.Themes = []string{"zz"} }, "themes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := foodBase()
			tc.edit(&b)
			err := catalog.ValidateBase(&b)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			if yiwang.ErrorFields(err)[tc.field] == "" {
				t.Fatalf("want a problem with %s, got %v", tc.field, err)
			}
		})
	}
}
