package sheet

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/org"
)

// MaxFileSize is the largest workbook accepted, in bytes.
const MaxFileSize = 10 << 20

// MaxRows is the most item rows one import may hold.
const MaxRows = 20000

// Problem is one thing wrong in the workbook, placed by sheet, row and
// column (as Excel shows them).
type Problem struct {
	Sheet   string
	Row     int    // 1-based; 0 for the whole file
	Column  string // "A", "B", …; "" for the whole row
	Message string
}

func (p Problem) String() string {
	switch {
	case p.Row == 0:
		return p.Message
	case p.Column == "":
		return fmt.Sprintf("工作表“%s”第%d行：%s", p.Sheet, p.Row, p.Message)
	}
	return fmt.Sprintf("工作表“%s”第%d行%s列：%s", p.Sheet, p.Row, p.Column, p.Message)
}

// Workbook is a parsed import, able to place validation problems.
type Workbook struct {
	Items        []catalog.ImportItem
	itemRows     []int
	materialRows [][]int
}

// Locate places a problem the catalog reported for item p.Item.
func (wb *Workbook) Locate(p catalog.ImportProblem) Problem {
	row := wb.itemRows[p.Item]
	if m := materialField.FindStringSubmatch(p.Field); m != nil {
		i, _ := strconv.Atoi(m[1])
		if i < len(wb.materialRows[p.Item]) {
			col, _ := materialColumn(m[2])
			return Problem{MaterialsSheet, wb.materialRows[p.Item][i], columnName(col), p.Message}
		}
	}
	field := p.Field
	if i := strings.IndexAny(field, "[."); i > 0 {
		field = field[:i]
	}
	if field == "materials" {
		return Problem{ItemsSheet, row, "", p.Message + "（见工作表“申请材料”）"}
	}
	if col, ok := itemColumn(field); ok {
		return Problem{ItemsSheet, row, columnName(col), p.Message}
	}
	return Problem{ItemsSheet, row, "", p.Message}
}

var materialField = regexp.MustCompile(`^materials\[(\d+)\]\.(\w+)$`)

// Parse reads a workbook. orgs maps credit codes to orgs. It returns every
// problem it finds in the cells; an empty list means the items are ready to
// be checked by the catalog (catalog.Service.ImportDrafts).
func Parse(r io.Reader, orgs map[string]org.Org) (*Workbook, []Problem) {
	// The unzip limits stop a small file that inflates to gigabytes.
	f, err := excelize.OpenReader(io.LimitReader(r, MaxFileSize+1), excelize.Options{UnzipSizeLimit: 200 << 20, UnzipXMLSizeLimit: 50 << 20})
	if err != nil {
		return nil, []Problem{{Message: "文件不是有效的 Excel 工作簿（.xlsx），请用“导出”得到的模板填写后再导入"}}
	}
	defer f.Close()
	p := &parser{wb: &Workbook{}, orgs: orgs}
	items, err := f.GetRows(ItemsSheet)
	if err != nil {
		return nil, []Problem{{Message: "工作簿中没有名为“" + ItemsSheet + "”的工作表"}}
	}
	mats, err := f.GetRows(MaterialsSheet)
	if err != nil {
		return nil, []Problem{{Message: "工作簿中没有名为“" + MaterialsSheet + "”的工作表"}}
	}
	if !p.header(ItemsSheet, items, len(itemColumns), func(i int) string { return itemColumns[i].Title }) ||
		!p.header(MaterialsSheet, mats, len(materialColumns), func(i int) string { return materialColumns[i].Title }) {
		return nil, p.problems
	}
	if len(items)-1 > MaxRows {
		return nil, []Problem{{Message: fmt.Sprintf("一次最多导入 %d 行事项，本文件有 %d 行", MaxRows, len(items)-1)}}
	}
	index := map[string]int{}
	for n, row := range items[1:] {
		if blank(row) {
			continue
		}
		p.row, p.sheet = n+2, ItemsSheet
		it := p.item(pad(row, len(itemColumns)))
		key := it.Base.Code + "/" + cell(row, 8)
		if j, dup := index[key]; dup {
			p.fail(0, fmt.Sprintf("与第%d行是同一实施主体的同一事项", p.wb.itemRows[j]))
			continue
		}
		index[key] = len(p.wb.Items)
		p.wb.Items = append(p.wb.Items, it)
		p.wb.itemRows = append(p.wb.itemRows, p.row)
		p.wb.materialRows = append(p.wb.materialRows, nil)
	}
	for n, row := range mats[1:] {
		if blank(row) {
			continue
		}
		p.row, p.sheet = n+2, MaterialsSheet
		row = pad(row, len(materialColumns))
		i, ok := index[strings.TrimSpace(row[0])+"/"+strings.TrimSpace(row[1])]
		if !ok {
			p.fail(0, "工作表“事项”中没有这个基本编码和实施主体的事项")
			continue
		}
		p.wb.Items[i].Entry.Guide.Materials = append(p.wb.Items[i].Entry.Guide.Materials, p.material(row))
		p.wb.materialRows[i] = append(p.wb.materialRows[i], p.row)
	}
	if len(p.wb.Items) == 0 && len(p.problems) == 0 {
		p.problems = append(p.problems, Problem{Sheet: ItemsSheet, Message: "工作表“事项”中没有任何事项"})
	}
	return p.wb, p.problems
}

type parser struct {
	wb       *Workbook
	orgs     map[string]org.Org
	problems []Problem
	sheet    string
	row      int
}

func (p *parser) fail(col int, msg string) {
	c := ""
	if col >= 0 {
		c = columnName(col)
	}
	p.problems = append(p.problems, Problem{p.sheet, p.row, c, msg})
}

func (p *parser) header(sheet string, rows [][]string, n int, title func(int) string) bool {
	if len(rows) == 0 {
		p.problems = append(p.problems, Problem{Sheet: sheet, Row: 1, Message: "缺少表头"})
		return false
	}
	ok := true
	head := pad(rows[0], n)
	for i := 0; i < n; i++ {
		if strings.TrimSpace(head[i]) != title(i) {
			p.problems = append(p.problems, Problem{sheet, 1, columnName(i),
				fmt.Sprintf("表头应为“%s”，实际为“%s”（请使用导出的模板，不要增删或调换列）", title(i), head[i])})
			ok = false
		}
	}
	return ok
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func pad(row []string, n int) []string {
	for len(row) < n {
		row = append(row, "")
	}
	return row
}

func cell(row []string, i int) string {
	if i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func list(s, sep string) []string {
	var out []string
	for _, v := range strings.Split(s, sep) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (p *parser) int(row []string, col int, label string) int {
	s := cell(row, col)
	n, err := strconv.Atoi(s)
	if err != nil {
		p.fail(col, fmt.Sprintf("%s应为整数，实际为“%s”", label, s))
	}
	return n
}

func (p *parser) ints(row []string, col int, label string) []int {
	var out []int
	for _, v := range list(strings.ReplaceAll(cell(row, col), "^", ","), ",") {
		n, err := strconv.Atoi(v)
		if err != nil {
			p.fail(col, fmt.Sprintf("%s应为用逗号分隔的数字代码，“%s”不是数字", label, v))
			continue
		}
		out = append(out, n)
	}
	return out
}

func (p *parser) item(row []string) catalog.ImportItem {
	var it catalog.ImportItem
	b := &it.Base
	b.Code, b.Name, b.Type = cell(row, 0), cell(row, 1), cell(row, 3)
	b.Aliases = list(cell(row, 2), "、")
	for _, l := range lines(row[4]) {
		parts := strings.Split(l, "｜")
		if len(parts) != 3 {
			p.fail(4, "设定依据每行应写成“法律法规｜条款｜条文”（条款、条文可空，但两个“｜”不能少）：“"+l+"”")
			continue
		}
		b.Basis = append(b.Basis, catalog.Basis{Law: strings.TrimSpace(parts[0]), Article: strings.TrimSpace(parts[1]), Text: strings.TrimSpace(parts[2])})
	}
	b.Objects, b.Themes = list(cell(row, 5), ","), list(cell(row, 6), ",")
	en := &it.Entry
	if o, ok := p.orgs[cell(row, 8)]; ok {
		en.OrgID = o.ID
	} else {
		p.fail(8, "没有统一社会信用代码为“"+cell(row, 8)+"”的实施主体")
	}
	en.Level = p.int(row, 9, "行使层级")
	en.Kind = p.int(row, 10, "办件类型")
	en.LegalDays = p.int(row, 11, "法定时限")
	en.PromiseDays = p.int(row, 12, "承诺时限")
	en.Depth = p.ints(row, 13, "网上办理深度")
	en.Forms = p.ints(row, 14, "办理形式")
	en.Visits = p.int(row, 15, "跑动次数")
	g := &en.Guide
	g.Conditions = lines(row[16])
	for _, l := range lines(row[17]) {
		st, err := catalog.ParseStepLine(l, func(code string) string { return p.orgs[code].ID })
		if err != nil {
			p.fail(17, "办理流程“"+l+"”"+err.Error())
			continue
		}
		g.Steps = append(g.Steps, st)
	}
	for _, l := range lines(row[18]) {
		fee, ok := catalog.ParseFeeLine(l) // as the edit form reads it
		if !ok {
			p.fail(18, "收费每行应写成“名称｜金额（元）｜收费依据”，金额最多两位小数，例如 20 或 12.50：“"+l+"”")
			continue
		}
		g.Fees = append(g.Fees, fee)
	}
	g.ResultKind, g.ResultName = cell(row, 19), cell(row, 20)
	g.Intermediary = lines(row[21])
	for _, l := range lines(row[22]) {
		q, ok := catalog.ParseFAQLine(l)
		if !ok {
			p.fail(22, "常见问题每行应写成“问题｜解答”：“"+l+"”")
			continue
		}
		g.FAQs = append(g.FAQs, q)
	}
	g.Location, g.Hours, g.ConsultPhone, g.SupervisePhone = cell(row, 23), cell(row, 24), cell(row, 25), cell(row, 26)
	for _, l := range lines(row[27]) {
		f, err := catalog.ParseFieldLine(l)
		if err != nil {
			p.fail(27, "申请表字段“"+l+"”："+err.Error())
			continue
		}
		g.Fields = append(g.Fields, f)
	}
	en.Base.Code = b.Code
	return it
}

func (p *parser) yes(row []string, col int, label string) bool {
	switch cell(row, col) {
	case "是":
		return true
	case "否", "":
		return false
	}
	p.fail(col, label+"只能填“是”或“否”")
	return false
}

func (p *parser) material(row []string) catalog.Material {
	copies := 0
	if s := cell(row, 4); s != "" {
		copies = p.int(row, 4, "复印件份数")
	}
	return catalog.Material{Name: cell(row, 2), Forms: list(cell(row, 3), "、"), Copies: copies,
		Required: p.yes(row, 5, "是否必需"), Condition: cell(row, 6), Source: cell(row, 7), License: cell(row, 8),
		Tolerance: p.yes(row, 9, "可容缺受理"), Promise: p.yes(row, 10, "可告知承诺"), Note: cell(row, 11),
		BlankForm: cell(row, 12), Sample: cell(row, 13), When: cell(row, 14)}
}
