package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
)

// TestFullCaseMasks: the API never shows a full ID or mobile number, neither
// the applicant's own nor one the platform prefilled into the form.
func TestFullCaseMasks(t *testing.T) {
	const id, mobile = "340504198503120016", "13800000001"
	c := casework.Case{ID: "c", State: casework.StateSubmitted, Applicant: "张三", Mobile: mobile, IDCard: id,
		Due: "9999-12-31", Form: map[string]string{"idcard": id, "phone": mobile, "premises": "雨山区湖东路1号"}}
	en := catalog.Entry{Guide: catalog.Guide{Fields: []catalog.Field{
		{Key: "idcard", Prefill: "idcard"}, {Key: "phone", Prefill: "mobile"}, {Key: "premises"}}}}
	b, err := json.Marshal(fullCase(c, en, []casework.Event{{Seq: 1, Kind: "submit", To: casework.StateSubmitted}}))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	if strings.Contains(out, id) || strings.Contains(out, mobile) || strings.Contains(out, "9999") {
		t.Fatalf("answer: %s", out)
	}
	if !strings.Contains(out, "340504********0016") || !strings.Contains(out, "138****0001") || !strings.Contains(out, "湖东路") ||
		!strings.Contains(out, `"to_name":"已申报，等待预审"`) {
		t.Fatalf("answer: %s", out)
	}
	if c.Form["idcard"] != id {
		t.Fatal("masking changed the case itself")
	}
}
