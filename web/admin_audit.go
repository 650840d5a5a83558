package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

type auditView struct {
	Page
	Entries []audit.Entry
	Total   int
	Filter  audit.Filter
	From    string
	To      string
	Prev    string
	Next    string
	Report  *audit.Report
}

const auditPageSize = 50

// maxAuditOffset is the largest offset the audit page reads: far beyond
// any log, and small enough that the page links can add a page to it.
const maxAuditOffset = 1_000_000_000

// parseAuditFilter reads the audit filter from a query string; dates are
// civil dates in Asia/Shanghai, "to" inclusive.
func parseAuditFilter(q url.Values) (audit.Filter, error) {
	f := audit.Filter{ActorID: q.Get("actor"), Action: q.Get("action"), Object: q.Get("object"),
		Result: q.Get("result"), Limit: auditPageSize}
	// A malformed or negative offset is the first page: the page links
	// count from the offset read, not from the one the store clamps.
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	f.Offset = min(max(f.Offset, 0), maxAuditOffset)
	bad := map[string]string{}
	if v := q.Get("from"); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, yiwang.Shanghai)
		if err != nil {
			bad["from"] = "开始日期格式应为 2026-11-25"
		}
		f.From = t
	}
	if v := q.Get("to"); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, yiwang.Shanghai)
		if err != nil {
			bad["to"] = "结束日期格式应为 2026-11-25"
		}
		f.To = t.AddDate(0, 0, 1)
	}
	if f.Result != "" && f.Result != audit.ResultOK && f.Result != audit.ResultFailed && f.Result != audit.ResultDenied {
		bad["result"] = "结果只能是 ok、failed 或 denied"
	}
	return f, yiwang.Invalid(bad)
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleAuditAdmin); err != nil {
		return err
	}
	q := r.URL.Query()
	f, err := parseAuditFilter(q)
	if err != nil {
		return err
	}
	list, total, err := s.Audit.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	v := &auditView{Page: s.page(r, "审计日志"), Entries: list, Total: total, Filter: f, From: q.Get("from"), To: q.Get("to")}
	if q.Get("verify") == "1" {
		rep, err := audit.Verify(r.Context(), s.Audit)
		if err != nil {
			return err
		}
		v.Report = &rep
	}
	page := func(off int) string {
		qq := url.Values{}
		for k, vs := range q {
			qq[k] = vs
		}
		qq.Set("offset", strconv.Itoa(off))
		qq.Del("verify")
		return "/admin/audit?" + qq.Encode()
	}
	if f.Offset > 0 {
		v.Prev = page(max(f.Offset-auditPageSize, 0))
	}
	if f.Offset+auditPageSize < total {
		v.Next = page(f.Offset + auditPageSize)
	}
	s.render(w, r, "audit", v)
	return nil
}
