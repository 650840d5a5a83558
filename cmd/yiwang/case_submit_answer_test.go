package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestCaseSubmitAnswer: POST /api/v1/cases answers with the case it just
// filed, built without reading it back; the answer is byte for byte what
// GET /api/v1/cases/{id} then gives: the case number and version the store
// filled in, times as the database keeps them, e-licenses attached instead
// of uploads, shared materials, masked prefilled answers, the note, the
// timeline, for a citizen and for an enterprise.
func TestCaseSubmitAnswer(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { testCaseSubmitAnswer(t, startServer(t, engine)) })
	}
}

func testCaseSubmitAnswer(t *testing.T, ts *testServer) {
	food := publishedByName(t, ts, "食品经营许可")
	shop := publishedByName(t, ts, "个体工商户设立登记")
	citizen, firm := ts.client(), ts.client()
	citizen.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	firm.post("/login/enterprise", url.Values{"credit_code": {demo.EnterpriseCode()}, "mobile": {demo.People[0].Mobile},
		"password": {demo.CitizenPassword}})
	held := demoLicense(t, ts) // 张三's 营业执照: attached to his 食品经营许可 instead of an upload

	// materials names an uploaded file for the guide's materials of the
	// sources given.
	materials := func(c *client, en catalog.Entry, sources ...string) string {
		up := c.upload([]byte("%PDF-1.4\n% 申请材料 "+en.Code+"\n%%EOF\n"), "")
		var f struct{ ID string }
		if json.Unmarshal([]byte(up.Body), &f) != nil || f.ID == "" {
			t.Fatalf("upload: %d %s", up.Status, up.Body)
		}
		var list []string
		for i, m := range en.Guide.Materials {
			for _, s := range sources {
				if m.Source == s {
					list = append(list, fmt.Sprintf(`{"index":%d,"file":%q}`, i, f.ID))
				}
			}
		}
		return strings.Join(list, ",")
	}
	foodForm := `{"operator":"雨山区张三小吃店","premises":"雨山区湖东路1号","format":"餐饮服务经营者","items":"热食类食品制售\n冷食类","online":"否"}`
	shopForm := `{"shop":"张三<小吃>&店","premises":"雨山区湖东路1号","scope":"餐饮服务","capital":"10","form":"个人经营"}`
	for _, tc := range []struct {
		name   string
		c      *client
		en     catalog.Entry
		fields string
		mats   string
		note   string
		want   []string // in the answer
	}{
		{"citizen, e-license attached", citizen, food, foodForm, materials(citizen, food, "applicant"), "  首次申请 ",
			[]string{held.ID, "电子证照免提交", `"首次申请"`}},
		{"citizen, prefilled ID number masked", citizen, shop, shopForm, materials(citizen, shop, "applicant", "license"), "",
			[]string{"********"}},
		{"enterprise", firm, food, foodForm, materials(firm, food, "applicant", "license"), "代企业申报",
			[]string{`"enterprise_id":"`}},
	} {
		body := fmt.Sprintf(`{"entry_code":%q,"fields":%s,"materials":[%s],"note":%q}`, tc.en.Code, tc.fields, tc.mats, tc.note)
		p := tc.c.keyed(http.MethodPost, "/api/v1/cases", body, "", "")
		if p.Status != http.StatusCreated {
			t.Fatalf("%s: submit: %d %s", tc.name, p.Status, p.Body)
		}
		c := decodeCase(t, p)
		if c.No == "" || c.Version != 1 || len(c.Events) != 1 {
			t.Fatalf("%s: the answer lacks what the store fills in: %s", tc.name, p.Body)
		}
		for _, w := range tc.want {
			if !strings.Contains(p.Body, w) {
				t.Fatalf("%s: the answer lacks %s: %s", tc.name, w, p.Body)
			}
		}
		g := tc.c.api(http.MethodGet, "/api/v1/cases/"+c.ID, "", "")
		if g.Status != http.StatusOK || g.Body != p.Body {
			t.Fatalf("%s: the submit answer and the case read back differ:\nsubmit %s\nget    %d %s", tc.name, p.Body, g.Status, g.Body)
		}
	}
}
