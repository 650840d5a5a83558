package kpi

import (
	"bytes"
	"context"
	"fmt"

	"github.com/xuri/excelize/v2"
	"github.com/yushan-gov/yiwang"
)

// Report is the monthly report as an XLSX workbook: the district's
// figures with their numerators and denominators, each org's, the
// assessment with its calculation, and the definitions.
func (s *Service) Report(ctx context.Context, actor yiwang.Actor, p Period) ([]byte, error) {
	t, err := s.Table(ctx, actor, Query{Period: p})
	if err != nil {
		return nil, err
	}
	scores, w, err := s.Assess(ctx, actor, p)
	if err != nil {
		return nil, err
	}
	return Workbook(t, scores, w)
}

// Workbook writes the report of a table and its scores.
func Workbook(t Table, scores []Score, w Weights) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	cell := func(c, r int) string { n, _ := excelize.CoordinatesToCellName(c, r); return n }
	put := func(sheet string, r int, vs ...any) {
		for i, v := range vs {
			f.SetCellValue(sheet, cell(i+1, r), v)
		}
	}

	// 汇总: one line per figure, for the scope and each level.
	const sum = "汇总"
	f.SetSheetName("Sheet1", sum)
	put(sum, 1, "雨山区政务服务监察统计月报："+t.Period.Label())
	f.SetCellStyle(sum, "A1", "A1", bold)
	put(sum, 2, "统计期间", t.Period.From+" 至 "+t.Period.To, "事项类指标为报表生成时已发布目录的时点数；模拟办事和投诉、咨询、建议不计入任何指标。")
	head := []any{"指标", "范围", "分子", "分母", "比率", "目标", "是否达标"}
	put(sum, 4, head...)
	f.SetRowStyle(sum, 4, 4, bold)
	r := 5
	for _, row := range append([]Row{t.Total}, t.Levels...) {
		for _, v := range row.Values {
			put(sum, r, v.Name, row.Org.Name, v.N, v.D)
			if v.OK {
				f.SetCellValue(sum, cell(5, r), v.Rate)
			} else {
				f.SetCellValue(sum, cell(5, r), "—")
			}
			if v.Target > 0 {
				f.SetCellValue(sum, cell(6, r), v.Target)
				f.SetCellValue(sum, cell(7, r), map[bool]string{true: "达标", false: "未达标"}[v.Met])
			}
			r++
		}
	}
	f.SetCellStyle(sum, "E5", cell(6, r), pct)
	f.SetColWidth(sum, "A", "A", 16)
	f.SetColWidth(sum, "B", "B", 16)

	// 各单位: one row per org, each figure's rate then its N/D.
	const orgs = "各单位"
	f.NewSheet(orgs)
	hs := []any{"单位", "层级"}
	for _, fg := range Figures {
		hs = append(hs, fg.Name, fg.Name+"（分子/分母）")
	}
	put(orgs, 1, hs...)
	f.SetRowStyle(orgs, 1, 1, bold)
	for i, row := range t.Rows {
		vs := []any{row.Org.Name, row.Org.Level.Name()}
		for _, v := range row.Values {
			if v.OK {
				vs = append(vs, v.Rate)
			} else {
				vs = append(vs, "—")
			}
			vs = append(vs, fmt.Sprintf("%d/%d", v.N, v.D))
		}
		put(orgs, i+2, vs...)
		for j := range row.Values {
			f.SetCellStyle(orgs, cell(3+2*j, i+2), cell(3+2*j, i+2), pct)
		}
	}
	f.SetColWidth(orgs, "A", "A", 28)

	// 绩效考核: the score and its calculation.
	const as = "绩效考核"
	f.NewSheet(as)
	put(as, 1, "单位", "类别", "排名", "总分", "指标", "指标值", "权重", "得分", "计算")
	f.SetRowStyle(as, 1, 1, bold)
	r = 2
	for _, sc := range scores {
		put(as, r, sc.Org.Name, sc.Group, sc.Rank, round2(sc.Total))
		r++
		for _, l := range sc.Lines {
			put(as, r, "", "", "", "", l.Name)
			if l.OK {
				f.SetCellValue(as, cell(6, r), l.Rate)
				f.SetCellStyle(as, cell(6, r), cell(6, r), pct)
				f.SetCellValue(as, cell(8, r), round2(l.Points))
				f.SetCellValue(as, cell(9, r), LineText(l))
			} else {
				f.SetCellValue(as, cell(6, r), "—")
				f.SetCellValue(as, cell(9, r), "无可统计的数据，不计分，总分按其余权重折算为百分制")
			}
			f.SetCellValue(as, cell(7, r), l.Weight)
			r++
		}
	}
	f.SetColWidth(as, "A", "A", 28)
	f.SetColWidth(as, "I", "I", 40)

	// 指标说明: each definition in words.
	const defs = "指标说明"
	f.NewSheet(defs)
	put(defs, 1, "指标", "分子", "分母", "目标", "目标依据", "考核权重")
	f.SetRowStyle(defs, 1, 1, bold)
	for i, fg := range Figures {
		put(defs, i+2, fg.Name, fg.Num, fg.Den, TargetText(fg), fg.Basis, w[fg.Key])
	}
	f.SetColWidth(defs, "A", "A", 16)
	f.SetColWidth(defs, "B", "C", 40)

	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func round2(x float64) float64 {
	return float64(int64(x*100+0.5)) / 100
}

// Percent writes a share as a percentage with one decimal.
func Percent(x float64) string { return fmt.Sprintf("%.1f%%", x*100) }

// TargetText says a figure's target in words ("" when none).
func TargetText(f Figure) string { return f.TargetText() }

// TargetText says the target in words: "> 85.0%", "≤ 5.0%", "" when none.
func (f Figure) TargetText() string {
	switch {
	case f.Target == 0:
		return ""
	case f.Lower:
		return "≤ " + Percent(f.Target)
	case f.Strict:
		return "> " + Percent(f.Target)
	}
	return "≥ " + Percent(f.Target)
}

// LineText is a score line's calculation: "92.0% × 25 = 23.00".
func LineText(l Line) string {
	if !l.OK {
		return "无数据"
	}
	v := Percent(l.Rate)
	if l.Lower {
		v = "(1 − " + v + ")"
	}
	return fmt.Sprintf("%s × %d = %.2f", v, l.Weight, l.Points)
}

// Text is the line's calculation, as LineText writes it.
func (l Line) Text() string { return LineText(l) }
