package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

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

// openData keeps the open-data files of one catalog generation: each is
// made once and served until the published catalog changes, so a crawler
// fetching them again and again costs a generation read and a copy.
type openData struct {
	mu        sync.Mutex
	gen       int64
	made      bool
	json, csv openFile
}

// openFile is an open-data file's body and its entity tag.
type openFile struct {
	body []byte
	etag string
}

func newOpenFile(body []byte) openFile {
	sum := sha256.Sum256(body)
	return openFile{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// openFiles returns the open-data files of the published catalog.
func (s *Server) openFiles(ctx context.Context) (openFile, openFile, error) {
	gen, err := s.Catalog.Generation(ctx)
	if err != nil {
		return openFile{}, openFile{}, err
	}
	o := &s.open
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.made && o.gen == gen {
		return o.json, o.csv, nil
	}
	list, gen, err := s.Catalog.AllPublished(ctx)
	if err != nil {
		return openFile{}, openFile{}, err
	}
	items := make([]apiItem, len(list))
	for i, e := range list {
		items[i] = summaryItem(e)
	}
	var j bytes.Buffer
	if err := json.NewEncoder(&j).Encode(map[string]any{"title": "雨山区政务服务事项目录", "count": len(items), "items": items}); err != nil {
		return openFile{}, openFile{}, err
	}
	var c bytes.Buffer
	c.WriteString("\xEF\xBB\xBF") // BOM, so Excel reads UTF-8
	cw := csv.NewWriter(&c)
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
	if err := cw.Error(); err != nil {
		return openFile{}, openFile{}, err
	}
	o.gen, o.made, o.json, o.csv = gen, true, newOpenFile(j.Bytes()), newOpenFile(c.Bytes())
	return o.json, o.csv, nil
}

// serveOpen serves an open-data file to anyone, answering a request that
// names its entity tag with 304 Not Modified.
func serveOpen(w http.ResponseWriter, r *http.Request, f openFile, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("ETag", f.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}

func (s *Server) openCatalogJSON(w http.ResponseWriter, r *http.Request) error {
	j, _, err := s.openFiles(r.Context())
	if err != nil {
		return err
	}
	serveOpen(w, r, j, "application/json; charset=utf-8")
	return nil
}

func (s *Server) openCatalogCSV(w http.ResponseWriter, r *http.Request) error {
	_, c, err := s.openFiles(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="yushan-catalog.csv"`)
	serveOpen(w, r, c, "text/csv; charset=utf-8")
	return nil
}
