package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang/catalog"
)

// apiItem is a published entry as the API and open data show it.
type apiItem struct {
	Code        string          `json:"code"`
	BaseCode    string          `json:"base_code"`
	Version     int             `json:"version"`
	Name        string          `json:"name"`
	Aliases     []string        `json:"aliases,omitempty"`
	Type        string          `json:"type"`
	TypeName    string          `json:"type_name"`
	Org         string          `json:"org"`
	OrgID       string          `json:"org_id"`
	Level       int             `json:"level"`
	Kind        int             `json:"kind"`
	LegalDays   int             `json:"legal_days"`
	PromiseDays int             `json:"promise_days"`
	Depth       []int           `json:"depth"`
	Visits      int             `json:"visits"`
	Themes      []string        `json:"themes,omitempty"`
	Objects     []string        `json:"objects"`
	URL         string          `json:"url"`
	Basis       []catalog.Basis `json:"basis,omitempty"`
	Guide       *catalog.Guide  `json:"guide,omitempty"`
	Forms       []int           `json:"forms,omitempty"`
	Status      string          `json:"status,omitempty"`
}

func summaryItem(e catalog.Summary) apiItem {
	return apiItem{Code: e.Code, BaseCode: e.Code[19:], Version: e.Version, Name: e.Name, Aliases: e.Aliases, Type: e.Type,
		TypeName: catalog.Name(catalog.ItemTypes, e.Type), Org: e.OrgName, OrgID: e.OrgID, Level: e.Level, Kind: e.Kind,
		LegalDays: e.LegalDays, PromiseDays: e.PromiseDays, Depth: e.Depth, Visits: e.Visits, Themes: e.Themes,
		Objects: e.Objects, URL: "/items/" + e.Code}
}

func fullItem(e catalog.Entry, orgName string) apiItem {
	g := e.Guide
	return apiItem{Code: e.Code, BaseCode: e.Base.Code, Version: e.Version, Name: e.Base.Name, Aliases: e.Base.Aliases,
		Type: e.Base.Type, TypeName: catalog.Name(catalog.ItemTypes, e.Base.Type), Org: orgName, OrgID: e.OrgID,
		Level: e.Level, Kind: e.Kind, LegalDays: e.LegalDays, PromiseDays: e.PromiseDays, Depth: e.Depth,
		Visits: e.Visits, Themes: e.Base.Themes, Objects: e.Base.Objects, URL: "/items/" + e.Code,
		Basis: e.Base.Basis, Guide: &g, Forms: e.Forms, Status: e.Status}
}

// allPublished returns every published entry in catalog order.
func (s *Server) allPublished(ctx context.Context) ([]catalog.Summary, error) {
	res, err := s.Catalog.Search(ctx, catalog.Query{Size: 100})
	if err != nil {
		return nil, err
	}
	out := res.Items
	for p := 2; p <= res.Pages; p++ {
		more, err := s.Catalog.Search(ctx, catalog.Query{Size: 100, Page: p})
		if err != nil {
			return nil, err
		}
		out = append(out, more.Items...)
	}
	return out, nil
}

func (s *Server) openCatalogJSON(w http.ResponseWriter, r *http.Request) error {
	list, err := s.allPublished(r.Context())
	if err != nil {
		return err
	}
	items := make([]apiItem, len(list))
	for i, e := range list {
		items[i] = summaryItem(e)
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, map[string]any{"title": "雨山区政务服务事项目录", "count": len(items), "items": items})
	return nil
}

func (s *Server) openCatalogCSV(w http.ResponseWriter, r *http.Request) error {
	list, err := s.allPublished(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="yushan-catalog.csv"`)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, _ = w.Write([]byte("\xEF\xBB\xBF")) // BOM, so Excel reads UTF-8
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"实施编码", "基本编码", "事项名称", "事项类型", "实施主体", "行使层级", "办件类型", "法定时限（工作日）",
		"承诺时限（工作日）", "网上办理深度", "跑动次数", "网址"})
	for _, e := range list {
		depth := make([]string, len(e.Depth))
		for i, d := range e.Depth {
			depth[i] = strconv.Itoa(d)
		}
		_ = cw.Write([]string{e.Code, e.Code[19:], e.Name, catalog.Name(catalog.ItemTypes, e.Type), e.OrgName,
			strconv.Itoa(e.Level), catalog.Name(catalog.CaseKinds, strconv.Itoa(e.Kind)), strconv.Itoa(e.LegalDays),
			strconv.Itoa(e.PromiseDays), strings.Join(depth, "^"), strconv.Itoa(e.Visits), "/items/" + e.Code})
	}
	cw.Flush()
	return cw.Error()
}
