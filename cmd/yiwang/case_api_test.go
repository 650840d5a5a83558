package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// apiCaseOut is the part of the API's case the tests read.
type apiCaseOut struct {
	ID        string            `json:"id"`
	No        string            `json:"no"`
	State     string            `json:"state"`
	StateName string            `json:"state_name"`
	Due       string            `json:"due"`
	Deadline  string            `json:"deadline"`
	Version   int64             `json:"version"`
	Form      map[string]string `json:"form"`
	Events    []struct {
		Kind string `json:"kind"`
	} `json:"events"`
	Tasks []struct {
		ID, Kind, State string
	} `json:"tasks"`
	Results []struct {
		File    string `json:"file"`
		Name    string `json:"name"`
		License string `json:"license"`
	} `json:"results"`
}

type apiErrorOut struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// keyed sends a JSON request as a program would, with an Idempotency-Key
// when key is not empty.
func (c *client) keyed(method, path, body, token, key string) page {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return c.do(req)
}

// upload sends one file to POST /api/v1/files and returns the answer.
func (c *client) upload(content []byte, key string) page {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "材料.pdf")
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/api/v1/files", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return c.do(req)
}

// uploadFile uploads a decision document as a staff program would (with its
// token) and returns the file ID.
func uploadFile(t *testing.T, c *client, token string) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "准予许可决定书.pdf")
	fw.Write([]byte("%PDF-1.4\n% 准予许可决定书\n%%EOF\n"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/api/v1/files", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	p := c.do(req)
	var f struct{ ID string }
	if err := json.Unmarshal([]byte(p.Body), &f); err != nil || f.ID == "" {
		t.Fatalf("upload: %d %s", p.Status, p.Body)
	}
	return f.ID
}

func decodeCase(t *testing.T, p page) apiCaseOut {
	t.Helper()
	var c apiCaseOut
	if err := json.Unmarshal([]byte(p.Body), &c); err != nil || c.ID == "" {
		t.Fatalf("not a case: %d %s", p.Status, p.Body)
	}
	return c
}

// wantError checks an error answer's status, code and Chinese message.
func wantError(t *testing.T, what string, p page, status int, code string) apiErrorOut {
	t.Helper()
	var e apiErrorOut
	if err := json.Unmarshal([]byte(p.Body), &e); err != nil || p.Status != status || e.Error.Code != code || !hasHan(e.Error.Message) {
		t.Fatalf("%s: %d %s, want %d %s", what, p.Status, p.Body, status, code)
	}
	return e
}

// staffToken makes a staff account's API token as the tokens page does.
func (ts *testServer) staffToken(username string) string {
	ts.t.Helper()
	ctx := context.Background()
	a, err := ts.app.db.AccountByUsername(ctx, username)
	if err != nil {
		ts.t.Fatal(err)
	}
	plain, _, err := ts.app.identity.CreateToken(ctx, a.Actor("127.0.0.1", "web"), "测试对接")
	if err != nil {
		ts.t.Fatal(err)
	}
	return plain
}

// otherOfficer makes a case officer of 雨山区民政局 and returns their token.
func (ts *testServer) otherOfficer() string {
	ts.t.Helper()
	ctx := context.Background()
	orgs, err := ts.app.orgs.Tree(ctx)
	if err != nil {
		ts.t.Fatal(err)
	}
	mca := ""
	for _, o := range orgs {
		if o.Name == "雨山区民政局" {
			mca = o.ID
		}
	}
	admin := yiwang.Actor{AccountID: "system", Name: "测试", Kind: yiwang.KindStaff, Roles: []yiwang.Role{yiwang.RoleSysAdmin}}
	if _, _, err := ts.app.identity.CreateStaff(ctx, admin, identity.StaffInput{Username: "mca-officer", Name: "孙民政",
		OrgID: mca, Roles: []yiwang.Role{yiwang.RoleCaseOfficer}}); err != nil {
		ts.t.Fatal(err)
	}
	return ts.staffToken("mca-officer")
}

// TestCaseAPI is the case API's journey on both engines: a citizen uploads
// materials and submits with an Idempotency-Key, retries (one case), reuses
// the key for another body (422), submits concurrently with one key (one
// case); bad input changes nothing; an officer's token works the case;
// nobody else reads or touches it; the citizen reads the timeline.
func TestCaseAPI(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { testCaseAPI(t, startServer(t, engine)) })
	}
}

func testCaseAPI(t *testing.T, ts *testServer) {
	food := publishedByName(t, ts, "食品经营许可")
	citizen, other := ts.client(), ts.client()
	citizen.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	other.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[1].Mobile}, "password": {demo.CitizenPassword}})

	// Materials are uploaded first: sniffed, size-limited, one ID per content.
	wantError(t, "a text file posing as a PDF", citizen.upload([]byte("plain text"), ""), http.StatusBadRequest, "EINVALID")
	wantError(t, "an upload with a malformed key", citizen.upload(testPDF, "has space"), http.StatusBadRequest, "idempotency_key_invalid")
	wantError(t, "an anonymous upload", ts.client().upload(testPDF, ""), http.StatusUnauthorized, "EUNAUTHORIZED")
	up := citizen.upload([]byte("%PDF-1.4\n% 张三的申请材料\n%%EOF\n"), "")
	var file struct{ ID, Type string }
	if json.Unmarshal([]byte(up.Body), &file) != nil || up.Status != http.StatusCreated || len(file.ID) != 64 || file.Type != "application/pdf" {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	var mats []string
	for i, m := range food.Guide.Materials {
		if m.Source == "applicant" {
			mats = append(mats, fmt.Sprintf(`{"index":%d,"file":%q}`, i, file.ID))
		}
	}
	form := `"fields":{"operator":"雨山区张三小吃店","premises":"雨山区湖东路1号","format":"餐饮服务经营者","items":"热食类食品制售","online":"否"}`
	apply := func(note string) string {
		return `{"entry_code":"` + food.Code + `",` + form + `,"materials":[` + strings.Join(mats, ",") + `],"note":"` + note + `"}`
	}

	// Bad input: a clear message, a stable code, nothing stored.
	before, keysBefore := ts.count("cases"), ts.count("idempotency_keys")
	for _, tc := range []struct {
		name, body, key string
		status          int
		code, field     string
	}{
		{"malformed JSON", `{"entry_code":`, "", 400, "EINVALID", ""},
		{"unknown field", `{"entry_code":"` + food.Code + `","evil":1}`, "", 400, "EINVALID", ""},
		{"wrong type", `{"entry_code":42}`, "", 400, "EINVALID", ""},
		{"no item", `{}`, "", 400, "EINVALID", "entry_code"},
		{"no materials", `{"entry_code":"` + food.Code + `",` + form + `}`, "apply-1", 400, "EINVALID", "m0"},
		{"no such item", `{"entry_code":"` + strings.Repeat("9", 31) + `"}`, "", 404, "ENOTFOUND", ""},
		{"key with a space", apply(""), "a b", 400, "idempotency_key_invalid", ""},
		{"key too long", apply(""), strings.Repeat("k", 65), 400, "idempotency_key_invalid", ""},
		{"key not ASCII", apply(""), "键", 400, "idempotency_key_invalid", ""},
	} {
		e := wantError(t, tc.name, citizen.keyed(http.MethodPost, "/api/v1/cases", tc.body, "", tc.key), tc.status, tc.code)
		if tc.field != "" && e.Error.Fields[tc.field] == "" {
			t.Fatalf("%s: fields %v", tc.name, e.Error.Fields)
		}
	}
	// Another citizen cannot name the first one's file as their material.
	e := wantError(t, "someone else's file", other.keyed(http.MethodPost, "/api/v1/cases", apply(""), "", ""), 400, "EINVALID")
	if e.Error.Fields["materials[0]"] == "" {
		t.Fatalf("someone else's file: fields %v", e.Error.Fields)
	}
	wantError(t, "anonymous", ts.client().keyed(http.MethodPost, "/api/v1/cases", apply(""), "", "k"), 401, "EUNAUTHORIZED")
	if ts.count("cases") != before || ts.count("idempotency_keys") != keysBefore {
		t.Fatal("refused requests changed the database")
	}

	// The refused request kept no record, so its key serves the fixed one.
	// Submit with a key; the retry replays the same answer and makes no second case.
	first := citizen.keyed(http.MethodPost, "/api/v1/cases", apply("首次申请"), "", "apply-1")
	if first.Status != http.StatusCreated || first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("submit: %d %s", first.Status, first.Body)
	}
	c1 := decodeCase(t, first)
	if len(c1.No) != 43 || c1.State != "submitted" || c1.StateName == "" || c1.Due == "" || len(c1.Events) != 1 || c1.Version != 1 {
		t.Fatalf("new case: %+v", c1)
	}
	if strings.Contains(first.Body, demo.People[0].IDCard) || strings.Contains(first.Body, demo.People[0].Mobile) {
		t.Fatal("the answer shows the full ID number or mobile number")
	}
	again := citizen.keyed(http.MethodPost, "/api/v1/cases", apply("首次申请"), "", "apply-1")
	if again.Status != http.StatusCreated || again.Body != first.Body || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %q %s", again.Status, again.Header.Get("Idempotent-Replayed"), again.Body)
	}
	wantError(t, "the key with another body", citizen.keyed(http.MethodPost, "/api/v1/cases", apply("改了说明"), "", "apply-1"),
		http.StatusUnprocessableEntity, "idempotency_key_reused")
	if n := ts.count("cases"); n != before+1 {
		t.Fatalf("%d new cases, want 1", n-before)
	}
	// The same key name is another account's own.
	if p := other.keyed(http.MethodPost, "/api/v1/cases", `{}`, "", "apply-1"); p.Status != http.StatusBadRequest || strings.Contains(p.Body, "idempotency") {
		t.Fatalf("another account's key: %d %s", p.Status, p.Body)
	}

	// Many simultaneous submissions with one key make one case.
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]bool{}
	statuses := map[int]int{}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := citizen.keyed(http.MethodPost, "/api/v1/cases", apply("并发"), "", "apply-2")
			mu.Lock()
			defer mu.Unlock()
			statuses[p.Status]++
			switch p.Status {
			case http.StatusCreated:
				var c apiCaseOut
				_ = json.Unmarshal([]byte(p.Body), &c)
				ids[c.ID] = true
			case http.StatusConflict:
				if !strings.Contains(p.Body, "idempotency_in_progress") {
					t.Errorf("concurrent duplicate: %s", p.Body)
				}
			default:
				t.Errorf("concurrent submission: %d %s", p.Status, p.Body)
			}
		}()
	}
	wg.Wait()
	if len(ids) != 1 || statuses[http.StatusCreated] == 0 || ts.count("cases") != before+2 {
		t.Fatalf("concurrent submissions: answers %v, %d case IDs, %d new cases", statuses, len(ids), ts.count("cases")-before)
	}
	t.Logf("concurrent submissions with one key: answers %v", statuses)
	var c2 string
	for id := range ids {
		c2 = id
	}

	// Each applicant lists their own.
	var mine struct{ Cases []apiCaseOut }
	if p := citizen.api(http.MethodGet, "/api/v1/cases", "", ""); json.Unmarshal([]byte(p.Body), &mine) != nil || len(mine.Cases) < 2 {
		t.Fatalf("my cases: %s", p.Body)
	}
	if p := other.api(http.MethodGet, "/api/v1/cases", "", ""); strings.Contains(p.Body, c1.ID) {
		t.Fatal("another citizen lists the case")
	}
	// Nobody else reads or touches it.
	path := "/api/v1/cases/" + c1.ID
	wantError(t, "another citizen reads", other.api(http.MethodGet, path, "", ""), 404, "ENOTFOUND")
	wantError(t, "another citizen withdraws", other.keyed(http.MethodPost, path+"/withdraw", "", "", ""), 404, "ENOTFOUND")
	wantError(t, "another citizen resubmits", other.keyed(http.MethodPost, path+"/resubmit", `{"materials":[]}`, "", ""), 404, "ENOTFOUND")
	wantError(t, "the applicant accepts", citizen.keyed(http.MethodPost, path+"/accept", "", "", ""), 403, "EFORBIDDEN")
	stranger := ts.otherOfficer()
	wantError(t, "another department's officer reads", citizen.api(http.MethodGet, path, "", stranger), 404, "ENOTFOUND")
	wantError(t, "another department's officer accepts", citizen.keyed(http.MethodPost, path+"/accept", "", stranger, ""), 403, "EFORBIDDEN")
	wantError(t, "no such case", citizen.api(http.MethodGet, "/api/v1/cases/nope", "", ""), 404, "ENOTFOUND")
	if p := citizen.api(http.MethodGet, "/api/v1/inbox", "", stranger); strings.Contains(p.Body, c1.ID) || p.Status != 200 {
		t.Fatalf("another department's inbox: %d", p.Status)
	}

	// The officer works the case with an API token.
	officer := ts.client()
	token := ts.staffToken("officer")
	// The department's system downloads the materials; nobody else can.
	if p := citizen.api(http.MethodGet, path+"/files/"+file.ID, "", token); p.Status != 200 || !strings.Contains(p.Body, "张三的申请材料") ||
		p.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("officer downloads a material: %d %s", p.Status, p.Header.Get("Content-Type"))
	}
	wantError(t, "another citizen downloads", other.api(http.MethodGet, path+"/files/"+file.ID, "", ""), 404, "ENOTFOUND")
	wantError(t, "another department downloads", citizen.api(http.MethodGet, path+"/files/"+file.ID, "", stranger), 404, "ENOTFOUND")
	wantError(t, "a file not of the case", citizen.api(http.MethodGet, path+"/files/"+strings.Repeat("0", 64), "", token), 404, "ENOTFOUND")
	var inbox struct {
		Page  int
		More  bool
		Cases []struct {
			ID      string
			Urgency struct{ Level string }
		}
	}
	p := officer.api(http.MethodGet, "/api/v1/inbox?state=submitted&q="+c1.No, "", token)
	if json.Unmarshal([]byte(p.Body), &inbox) != nil || len(inbox.Cases) != 1 || inbox.Cases[0].ID != c1.ID || inbox.Cases[0].Urgency.Level == "" {
		t.Fatalf("inbox: %d %s", p.Status, p.Body)
	}
	wantError(t, "inbox page", officer.api(http.MethodGet, "/api/v1/inbox?page=x", "", token), 400, "EINVALID")
	wantError(t, "inbox state", officer.api(http.MethodGet, "/api/v1/inbox?state=nope", "", token), 400, "EINVALID")
	wantError(t, "a citizen's inbox", citizen.api(http.MethodGet, "/api/v1/inbox", "", ""), 403, "EFORBIDDEN")

	wantError(t, "a correction outside the guide", officer.keyed(http.MethodPost, path+"/corrections",
		`{"items":[{"material":99,"reason":"缺少"}]}`, token, ""), 400, "EINVALID")
	wantError(t, "unknown field in an action", officer.keyed(http.MethodPost, path+"/corrections",
		`{"items":[],"cc":"x"}`, token, ""), 400, "EINVALID")
	if c := decodeCase(t, officer.keyed(http.MethodPost, path+"/corrections", `{"items":[{"material":0,"reason":"申请书未签字"}]}`, token, "corr-1")); c.State != "needs_correction" {
		t.Fatalf("correction: %+v", c)
	}
	up = citizen.upload([]byte("%PDF-1.4\n% 签字后的申请书\n%%EOF\n"), "")
	_ = json.Unmarshal([]byte(up.Body), &file)
	if c := decodeCase(t, citizen.keyed(http.MethodPost, path+"/resubmit", `{"materials":[{"index":0,"file":"`+file.ID+`"}]}`, "", "resub-1")); c.State != "submitted" {
		t.Fatalf("resubmit: %+v", c)
	}
	acc := officer.keyed(http.MethodPost, path+"/accept", "", token, "accept-1")
	if c := decodeCase(t, acc); acc.Status != 200 || c.State != "accepted" || c.Deadline == "" {
		t.Fatalf("accept: %d %+v", acc.Status, c)
	}
	// A retried accept gets the same answer; a new attempt is refused: the state moved.
	if p := officer.keyed(http.MethodPost, path+"/accept", "", token, "accept-1"); p.Status != 200 || p.Body != acc.Body || p.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replayed accept: %d %s", p.Status, p.Body)
	}
	wantError(t, "accept again", officer.keyed(http.MethodPost, path+"/accept", "{}", token, "accept-2"), 409, "ECONFLICT")
	if c := decodeCase(t, officer.keyed(http.MethodPost, path+"/special/start", `{"kind":"2","reason":"需现场核查经营场所"}`, token, "")); c.State != "special" {
		t.Fatalf("special start: %+v", c)
	}
	if c := decodeCase(t, officer.keyed(http.MethodPost, path+"/special/end", `{"result":"核查合格"}`, token, "")); c.State != "accepted" {
		t.Fatalf("special end: %+v", c)
	}
	// The decision waits for the department's review task, found in the officer's task list.
	wantError(t, "decide before the review", officer.keyed(http.MethodPost, path+"/decide", `{"decision":"granted"}`, token, ""), 409, "ECONFLICT")
	openTask := func(kind string) string {
		t.Helper()
		var list struct {
			Tasks []struct {
				ID     string `json:"id"`
				CaseID string `json:"case_id"`
				Kind   string `json:"kind"`
			} `json:"tasks"`
		}
		p := officer.api(http.MethodGet, "/api/v1/tasks", "", token)
		if err := json.Unmarshal([]byte(p.Body), &list); err != nil || p.Status != 200 {
			t.Fatalf("tasks: %d %s", p.Status, p.Body)
		}
		for _, tk := range list.Tasks {
			if tk.Kind == kind && tk.CaseID == c1.ID {
				return tk.ID
			}
		}
		t.Fatalf("no open %s task in %s", kind, p.Body)
		return ""
	}
	review := path + "/tasks/" + openTask("review")
	wantError(t, "review without an opinion", officer.keyed(http.MethodPost, review, `{}`, token, ""), 400, "EINVALID")
	wantError(t, "review by the citizen", citizen.keyed(http.MethodPost, review, `{"opinion":"agree"}`, "", ""), 403, "EFORBIDDEN")
	if c := decodeCase(t, officer.keyed(http.MethodPost, review, `{"opinion":"agree","note":"材料齐全"}`, token, "review-1")); len(c.Tasks) != 2 || c.Tasks[0].State != "done" {
		t.Fatalf("review: %+v", c.Tasks)
	}
	wantError(t, "decide without a decision", officer.keyed(http.MethodPost, path+"/decide", `{}`, token, ""), 400, "EINVALID")
	doc := uploadFile(t, officer, token)
	// The grant signs the decision document and issues the e-license itself:
	// 制证 is done by the platform, so the result can be delivered at once.
	c := decodeCase(t, officer.keyed(http.MethodPost, path+"/decide", `{"decision":"granted","note":"符合条件","documents":[{"file":"`+doc+`"}]}`, token, "decide-1"))
	if c.State != "decided" || len(c.Results) != 3 || c.Results[0].File != doc || c.Results[1].Name != "准予行政许可决定书" ||
		c.Results[2].Name != "食品经营许可证" || !strings.HasPrefix(c.Results[2].License, license.IDPrefix) {
		t.Fatalf("decide: %+v", c)
	}
	for _, tk := range c.Tasks {
		if tk.Kind == "certify" && tk.State != "done" {
			t.Fatalf("制证 not done by the issuance: %+v", c.Tasks)
		}
	}
	if c := decodeCase(t, officer.keyed(http.MethodPost, path+"/deliver", `{"method":"online"}`, token, "")); c.State != "delivered" {
		t.Fatalf("deliver: %+v", c)
	}

	// The citizen reads the whole timeline; personal data stays masked.
	p = citizen.api(http.MethodGet, path, "", "")
	got := decodeCase(t, p)
	var kinds []string
	for _, ev := range got.Events {
		kinds = append(kinds, ev.Kind)
	}
	if strings.Join(kinds, ",") != "submit,correct_notice,resubmit,accept,special_start,special_end,task,decide,deliver" {
		t.Fatalf("timeline: %v", kinds)
	}
	if strings.Contains(p.Body, demo.People[0].IDCard) || strings.Contains(p.Body, demo.People[0].Mobile) || got.Form["premises"] == "" {
		t.Fatalf("form: %v", got.Form)
	}

	// The second case: refusal needs reasons; the applicant withdraws it.
	e = wantError(t, "refuse without reasons", officer.keyed(http.MethodPost, "/api/v1/cases/"+c2+"/refuse", `{}`, token, ""), 400, "EINVALID")
	if len(e.Error.Fields) != 2 {
		t.Fatalf("refusal fields: %v", e.Error.Fields)
	}
	if c := decodeCase(t, citizen.keyed(http.MethodPost, "/api/v1/cases/"+c2+"/withdraw", "{}", "", "wd-1")); c.State != "withdrawn" {
		t.Fatalf("withdraw: %+v", c)
	}
}
