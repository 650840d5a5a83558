package web

import (
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/yushan-gov/yiwang/catalog"
)

// TestFeeLinesKeepCommas: a fee whose name holds a comma (as a workbook may
// import it) is shown in the edit form and read back unchanged, and fee
// lines typed with commas still read as before.
func TestFeeLinesKeepCommas(t *testing.T) {
	orgs := orgNames{byID: map[string]string{}, byName: map[string]string{}}
	en := catalog.Entry{LegalDays: 20}
	en.Guide.Fees = []catalog.Fee{{Name: "工本费（含照片，每本）", Fen: 1000, Basis: "《收费办法》，第三条"},
		{Name: "复印费, A4", Fen: 50, Basis: "依据"}}
	back, got, bad := showAndRead(en, orgs)
	if bad["fees"] != "" || !reflect.DeepEqual(got.Guide.Fees, en.Guide.Fees) {
		t.Fatalf("shown as %q, read back as %+v (%v)", back.Get("fees"), got.Guide.Fees, bad)
	}
	typed := url.Values{"fees": {"检测费，12.50，依据甲，第三条\n工本费,10,《办法》"}, "legal_days": {"20"}}
	got, bad = catalog.Entry{}, map[string]string{}
	parseEntryForm(&http.Request{PostForm: typed}, &got, bad, orgs)
	want := []catalog.Fee{{Name: "检测费", Fen: 1250, Basis: "依据甲，第三条"}, {Name: "工本费", Fen: 1000, Basis: "《办法》"}}
	if bad["fees"] != "" || !reflect.DeepEqual(got.Guide.Fees, want) {
		t.Fatalf("typed with commas: %+v (%v)", got.Guide.Fees, bad)
	}
}

// showAndRead shows en in the edit form and reads the form back: the
// values shown, the entry read and the problems found.
func showAndRead(en catalog.Entry, orgs orgNames) (url.Values, catalog.Entry, map[string]string) {
	back := url.Values{}
	for k, v := range editValues(en, orgs) {
		back.Set(k, v)
	}
	var got catalog.Entry
	bad := map[string]string{}
	parseEntryForm(&http.Request{PostForm: back}, &got, bad, orgs)
	return back, got, bad
}
