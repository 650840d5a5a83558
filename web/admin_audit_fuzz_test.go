package web

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// FuzzParseAuditFilter: the audit page's query string is either refused
// with EINVALID naming from, to or result in Chinese, or read as a filter
// whose dates are the days given (Beijing time, "to" inclusive), whose
// result is one of the three, and whose offset is a page start the page
// links can add a page to.
func FuzzParseAuditFilter(f *testing.F) {
	for _, s := range []string{"", "actor=0199a0c4&action=login&result=ok&from=2026-11-01&to=2026-11-25&offset=50",
		"offset=-50", "offset=9223372036854775807", "offset=1e3", "offset=+7", "from=2026-02-30", "from=2026-1-1", "to=0000-01-01",
		"to=9999-12-31", "result=ok%00", "result=OK", "from=2026-11-25T00:00:00Z", "from=%E4%BB%8A%E5%A4%A9", "offset=50&offset=-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return // net/http refuses such a query string before a handler sees it
		}
		flt, err := parseAuditFilter(q)
		if err != nil {
			var e *yiwang.Error
			if !errors.As(err, &e) || e.Code != yiwang.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("%q refused with %v", raw, err)
			}
			for k, msg := range e.Fields {
				if (k != "from" && k != "to" && k != "result") || !utf8.ValidString(msg) || !hasHan(msg) {
					t.Fatalf("%q: problem %q: %q", raw, k, msg)
				}
			}
			return
		}
		if flt.Offset < 0 || flt.Offset > maxAuditOffset || flt.Offset+auditPageSize < flt.Offset {
			t.Fatalf("%q: offset %d", raw, flt.Offset)
		}
		if flt.Limit != auditPageSize {
			t.Fatalf("%q: limit %d", raw, flt.Limit)
		}
		switch flt.Result {
		case "", audit.ResultOK, audit.ResultFailed, audit.ResultDenied:
		default:
			t.Fatalf("%q: result %q", raw, flt.Result)
		}
		if v := q.Get("from"); v != "" {
			if flt.From.Location() != yiwang.Shanghai || flt.From.Format("2006-01-02 15:04:05") != v+" 00:00:00" {
				t.Fatalf("%q: from %v", raw, flt.From)
			}
		} else if !flt.From.IsZero() {
			t.Fatalf("%q: from %v without a date", raw, flt.From)
		}
		if v := q.Get("to"); v != "" {
			if flt.To.Location() != yiwang.Shanghai || flt.To.AddDate(0, 0, -1).Format("2006-01-02 15:04:05") != v+" 00:00:00" {
				t.Fatalf("%q: to %v", raw, flt.To)
			}
		} else if !flt.To.IsZero() {
			t.Fatalf("%q: to %v without a date", raw, flt.To)
		}
	})
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) >= 0
}
