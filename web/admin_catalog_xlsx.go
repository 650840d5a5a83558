package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/catalog/sheet"
	"github.com/yushan-gov/yiwang/org"
)

// catalogExport downloads the entries of the person's orgs as a workbook.
func (s *Server) catalogExport(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireCatalogStaff(r)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	if status == "" {
		status = catalog.StatusPublished
	}
	list, err := s.Catalog.Store.ListEntries(r.Context(), catalog.Filter{Statuses: []string{status}})
	if err != nil {
		return err
	}
	all, err := s.Orgs.Tree(r.Context())
	if err != nil {
		return err
	}
	mine := org.Descendants(all, actor.OrgID)
	byID := map[string]org.Org{}
	for _, o := range all {
		byID[o.ID] = o
	}
	var entries []catalog.Entry
	for _, e := range list {
		if mine[e.OrgID] {
			entries = append(entries, e)
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="catalog.xlsx"`)
	return sheet.Export(w, entries, byID)
}

type catalogImportView struct {
	Page
	Problems []sheet.Problem
	Imported int
	Error    string
}

func (s *Server) catalogImportPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleCatalogMaintainer); err != nil {
		return err
	}
	s.render(w, r, "catalog_import", &catalogImportView{Page: s.page(r, "导入事项")})
	return nil
}

// catalogImport checks an uploaded workbook and imports it as drafts only
// when every row is valid; otherwise it lists every problem.
func (s *Server) catalogImport(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCatalogMaintainer)
	if err != nil {
		return err
	}
	v := &catalogImportView{Page: s.page(r, "导入事项")}
	r.Body = http.MaxBytesReader(w, r.Body, sheet.MaxFileSize+1<<20)
	file, _, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			v.Error = fmt.Sprintf("文件过大：一次最多导入 %d MB", sheet.MaxFileSize>>20)
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		} else {
			v.Error = "请选择要导入的 Excel 文件（.xlsx）"
			w.WriteHeader(http.StatusBadRequest)
		}
		s.render(w, r, "catalog_import", v)
		return nil
	}
	defer file.Close()
	all, err := s.Orgs.Tree(r.Context())
	if err != nil {
		return err
	}
	byCode := map[string]org.Org{}
	for _, o := range all {
		if o.CreditCode != "" {
			byCode[o.CreditCode] = o
		}
	}
	wb, problems := sheet.Parse(file, byCode)
	if wb != nil {
		n, ps, err := s.Catalog.ImportDrafts(r.Context(), actor, wb.Items, len(problems) > 0, nil)
		if err != nil {
			return err
		}
		for _, p := range ps {
			problems = append(problems, wb.Locate(p))
		}
		if len(problems) == 0 {
			v.Imported = n
		}
	}
	v.Problems = problems
	if len(problems) > 0 {
		w.WriteHeader(http.StatusBadRequest)
	}
	s.render(w, r, "catalog_import", v)
	return nil
}
