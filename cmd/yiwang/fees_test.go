package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestFeeRuleHTTP: the officer ends the special procedure of the demo's
// 食品经营许可 of 王五, reviews it, decides it and records a fee on the form
// (the item's guide lists none); bad amounts,
// from the form and the API, are refused and change nothing; the applicant
// and the officer see the fee on the case; the next scan raises a red
// "收费不符合办事指南" alert that the supervisor finds on 电子监察 by rule.
func TestFeeRuleHTTP(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ts, clk, sv := supervisedServer(t, engine)
			var caseID, caseNo, applicantMobile string
			if err := ts.app.db.SQL().QueryRow(`SELECT id, no FROM cases WHERE state = 'special' AND item_name = '食品经营许可'`).
				Scan(&caseID, &caseNo); err != nil {
				t.Fatalf("no accepted 食品经营许可 in the demo: %v", err)
			}
			c, err := ts.app.db.Case(context.Background(), caseID)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range demo.People {
				if p.Name == c.Applicant && p.Registered {
					applicantMobile = p.Mobile
				}
			}
			if applicantMobile == "" {
				t.Fatalf("the case's applicant %s has no account", c.Applicant)
			}
			at := clk.Now()
			officer, superv := ts.client(), ts.client()
			ts.loginAt(officer, "officer", at)
			ts.loginAt(superv, "supervisor", at)
			casePath := "/cases/" + caseID
			if p := officer.post("/work/"+caseID+"/special-end", url.Values{"result": {"核查合格"}}); p.Status != http.StatusSeeOther {
				t.Fatalf("special end: %d", p.Status)
			}
			action, ok := officer.get(casePath).Doc.Find(".task-form").Attr("action")
			if !ok {
				t.Fatal("no review task form")
			}
			if p := officer.postFiles(action, map[string]string{"opinion": "agree", "note": "材料齐全"}, nil); p.Status != http.StatusSeeOther {
				t.Fatalf("review: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			p := officer.get(casePath)
			checkPage(t, "decide form with fee lines", p)
			if p.Doc.Find(`form[action$="/decide"] input[name="fees[0].name"][list="fee-items"]`).Length() != 1 ||
				!strings.Contains(p.Doc.Find("#h-fees").Text(), "未列收费项目") {
				t.Fatalf("the decide form has no fee lines: %s", p.Doc.Find(`form[action$="/decide"]`).Text())
			}

			// Bad amounts: refused with the line marked, the typed values kept, nothing changed.
			form := map[string]string{"decision": "granted", "note": "符合条件", "fees[0].name": "资料费", "fees[0].amount": "1e3",
				"fees[1].name": "", "fees[1].amount": "5"}
			p = officer.postFiles("/work/"+caseID+"/decide", form, nil)
			if p.Status != http.StatusBadRequest || p.Doc.Find(".error-summary li").Length() != 2 ||
				p.Doc.Find(`.error-summary a[href^="#f-fees"]`).Length() != 2 {
				t.Fatalf("bad fee lines: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			if v, _ := p.Doc.Find(`input[name="fees[0].name"]`).Attr("value"); v != "资料费" {
				t.Fatalf("the refused form lost the typed name: %q", v)
			}
			token := ts.staffToken("officer")
			e := wantError(t, "a negative API fee", ts.client().keyed(http.MethodPost, "/api/v1/cases/"+caseID+"/decide",
				`{"decision":"granted","note":"符合条件","fees":[{"name":"资料费","amount":-1}]}`, token, "fee-bad"), 400, "EINVALID")
			if e.Error.Fields["fees[0].amount"] == "" {
				t.Fatalf("the API error names no field: %+v", e.Error)
			}
			if ts.count("case_fees") != 0 {
				t.Fatal("a refused decision stored fees")
			}
			if c2, _ := ts.app.db.Case(context.Background(), caseID); c2.State != "accepted" {
				t.Fatalf("a refused decision moved the case: %s", c2.State)
			}

			form = map[string]string{"decision": "granted", "note": "符合条件", "fees[0].name": "资料费", "fees[0].amount": "50",
				"fees[1].name": "", "fees[1].amount": ""}
			if p := officer.postFiles("/work/"+caseID+"/decide", form, nil); p.Status != http.StatusSeeOther {
				t.Fatalf("decide: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			p = officer.get(casePath)
			if fees := p.Doc.Find("#fees").Text(); !strings.Contains(fees, "资料费") || !strings.Contains(fees, "50.00 元") {
				t.Fatalf("the officer's case page shows no fee: %q", fees)
			}
			if !strings.Contains(p.Doc.Find(".timeline").Text(), "收费：资料费 50.00 元") {
				t.Fatal("the decision's event does not name the fee")
			}
			var out struct {
				Fees []struct {
					Name, Amount string
					Fen          int64
				} `json:"fees"`
			}
			p = ts.client().api(http.MethodGet, "/api/v1/cases/"+caseID, "", token)
			if err := json.Unmarshal([]byte(p.Body), &out); err != nil || len(out.Fees) != 1 || out.Fees[0].Name != "资料费" ||
				out.Fees[0].Fen != 5000 || out.Fees[0].Amount != "50.00" {
				t.Fatalf("the API case shows no fee: %d %s", p.Status, p.Body)
			}
			citizen := ts.client()
			citizen.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {applicantMobile}, "password": {demo.CitizenPassword}})
			if fees := citizen.get(casePath).Doc.Find("#fees").Text(); !strings.Contains(fees, "资料费") || !strings.Contains(fees, "50.00 元") {
				t.Fatalf("the applicant's case page shows no fee: %q", fees)
			}

			r, err := sv.Scan(context.Background())
			if err != nil || r.Raised == 0 {
				t.Fatalf("scan: %+v %v", r, err)
			}
			p = superv.get("/work/supervision?rule=fee")
			if p.Status != http.StatusOK || !strings.Contains(p.Doc.Find("#alerts").Text(), caseNo) ||
				!strings.Contains(p.Doc.Find("#alerts").Text(), "资料费") ||
				p.Doc.Find(`#f-rule option[value="fee"]`).Text() != "收费不符合办事指南" {
				t.Fatalf("the supervisor's fee alerts: %d %s", p.Status, p.Doc.Find("#alerts").Text())
			}
			if !strings.Contains(officer.get(casePath).Doc.Find("#alerts").Text(), "红色报警") {
				t.Fatal("the officer's case page shows no fee alert")
			}
		})
	}
}
