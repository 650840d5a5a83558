package sheet

import (
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/org"
)

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// itemRow returns the cells of one entry in itemColumns order.
func itemRow(e catalog.Entry, o org.Org, orgs map[string]org.Org) []string {
	g := e.Guide
	var basis, steps, fees, faqs []string
	for _, b := range e.Base.Basis {
		basis = append(basis, b.Law+"｜"+b.Article+"｜"+b.Text)
	}
	for _, s := range g.Steps {
		steps = append(steps, catalog.StepLine(s, func(id string) string { return orgs[id].CreditCode }))
	}
	for _, f := range g.Fees {
		fees = append(fees, catalog.FeeLine(f))
	}
	for _, q := range g.FAQs {
		faqs = append(faqs, catalog.FAQLine(q))
	}
	var fields []string
	for _, f := range g.Fields {
		fields = append(fields, catalog.FieldLine(f))
	}
	return []string{e.Base.Code, e.Base.Name, strings.Join(e.Base.Aliases, "、"), e.Base.Type,
		strings.Join(basis, "\n"), strings.Join(e.Base.Objects, ","), strings.Join(e.Base.Themes, ","),
		o.Name, o.CreditCode, strconv.Itoa(e.Level), strconv.Itoa(e.Kind), strconv.Itoa(e.LegalDays),
		strconv.Itoa(e.PromiseDays), joinInts(e.Depth), joinInts(e.Forms), strconv.Itoa(e.Visits),
		strings.Join(g.Conditions, "\n"), strings.Join(steps, "\n"), strings.Join(fees, "\n"), g.ResultKind,
		g.ResultName, strings.Join(g.Intermediary, "\n"), strings.Join(faqs, "\n"), g.Location, g.Hours,
		g.ConsultPhone, g.SupervisePhone, strings.Join(fields, "\n"), e.Code}
}

func materialRow(e catalog.Entry, o org.Org, m catalog.Material) []string {
	return []string{e.Base.Code, o.CreditCode, m.Name, strings.Join(m.Forms, "、"), strconv.Itoa(m.Copies),
		yesNo(m.Required), m.Condition, m.Source, m.License, yesNo(m.Tolerance), yesNo(m.Promise), m.Note,
		m.BlankForm, m.Sample, m.When}
}

func writeRow(sw *excelize.StreamWriter, row int, cells []string) error {
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c
	}
	cell, err := excelize.CoordinatesToCellName(1, row)
	if err != nil {
		return err
	}
	return sw.SetRow(cell, vals)
}

// Export writes entries as a workbook. orgs maps org IDs to orgs.
func Export(w io.Writer, entries []catalog.Entry, orgs map[string]org.Org) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ItemsSheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(MaterialsSheet); err != nil {
		return err
	}
	items, err := f.NewStreamWriter(ItemsSheet)
	if err != nil {
		return err
	}
	var head []string
	for _, c := range itemColumns {
		head = append(head, c.Title)
	}
	if err := writeRow(items, 1, head); err != nil {
		return err
	}
	for i, e := range entries {
		if err := writeRow(items, i+2, itemRow(e, orgs[e.OrgID], orgs)); err != nil {
			return err
		}
	}
	if err := items.Flush(); err != nil {
		return err
	}
	mats, err := f.NewStreamWriter(MaterialsSheet)
	if err != nil {
		return err
	}
	head = head[:0]
	for _, c := range materialColumns {
		head = append(head, c.Title)
	}
	if err := writeRow(mats, 1, head); err != nil {
		return err
	}
	row := 2
	for _, e := range entries {
		for _, m := range e.Guide.Materials {
			if err := writeRow(mats, row, materialRow(e, orgs[e.OrgID], m)); err != nil {
				return err
			}
			row++
		}
	}
	if err := mats.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
