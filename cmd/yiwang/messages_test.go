package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/pii"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// boxState is GET /api/v1/messages as its owner sees it.
type boxState struct {
	Messages []struct {
		ID, Body, Link string
		CreatedAt      string `json:"created_at"`
		Read           bool
	}
	Page, Pages, Total, Unread int
}

func (c *client) box(t *testing.T, page int) boxState {
	t.Helper()
	p := c.api(http.MethodGet, fmt.Sprintf("/api/v1/messages?page=%d", page), "", "")
	var b boxState
	if err := json.Unmarshal([]byte(p.Body), &b); p.Status != http.StatusOK || err != nil {
		t.Fatalf("GET /api/v1/messages: %d %s", p.Status, p.Body)
	}
	return b
}

func (c *client) loginCitizen(t *testing.T, mobile string) {
	t.Helper()
	p := c.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {mobile}, "password": {demo.CitizenPassword}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", mobile, p.Status, p.Doc.Find(".error-summary").Text())
	}
}

func badge(p page) string { return strings.TrimSpace(p.Doc.Find("#unread-badge").Text()) }

// TestMessageBox: a notice shows up in the applicant's box with a badge in
// the header; another user can neither see nor mark it (404); opening it
// marks it read and leads to the case; the box pages by 20; read-all.
func TestMessageBox(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ts := startServer(t, engine)
			zhang, wang := ts.client(), ts.client()
			zhang.loginCitizen(t, demo.People[0].Mobile)
			wang.loginCitizen(t, demo.People[1].Mobile)
			// Start from an empty, read box whatever the demo cases left.
			zhang.post("/messages/read-all", nil)
			wang.post("/messages/read-all", nil)
			before := zhang.box(t, 1)
			if before.Unread != 0 || badge(zhang.get("/")) != "" {
				t.Fatalf("after read-all: %d unread, badge %q", before.Unread, badge(zhang.get("/")))
			}

			// 张三 applies: the receipt lands in his box and the badge counts it.
			casePath := applyFood(t, ts, zhang)
			home := zhang.get("/")
			if b := badge(home); !strings.HasPrefix(strings.ReplaceAll(b, "，未读 ", ""), "1") {
				t.Fatalf("badge %q after one notice", b)
			}
			if href, _ := home.Doc.Find("#messages-link").Attr("href"); href != "/messages" {
				t.Fatalf("messages link %q", href)
			}
			mp := zhang.get("/messages")
			checkPage(t, "/messages", mp)
			unread := mp.Doc.Find("li.message.unread")
			if unread.Length() != 1 || unread.Find(".message-body strong").Length() != 1 ||
				!strings.Contains(unread.Text(), "已收到您的申请") {
				t.Fatalf("unread messages on /messages: %d %q", unread.Length(), unread.Text())
			}
			action, _ := unread.Find("form").Attr("action")
			id := strings.TrimSuffix(strings.TrimPrefix(action, "/messages/"), "/read")
			if !strings.HasSuffix(action, "/read") || id == "" {
				t.Fatalf("open form action %q", action)
			}

			// 王五 sees none of it and cannot mark it (IDOR): 404 on page and API.
			if wb := wang.box(t, 1); wb.Unread != 0 || badge(wang.get("/")) != "" {
				t.Fatalf("王五 got 张三's notice: %+v", wb)
			}
			for _, m := range wang.box(t, 1).Messages {
				if m.ID == id {
					t.Fatal("王五's box lists 张三's message")
				}
			}
			if p := wang.post(action, nil); p.Status != http.StatusNotFound {
				t.Fatalf("王五 opens 张三's message: %d", p.Status)
			}
			if p := wang.api(http.MethodPost, "/api/v1/messages/"+id+"/read", "", ""); p.Status != http.StatusNotFound || !strings.Contains(p.Body, `"ENOTFOUND"`) {
				t.Fatalf("王五 marks 张三's message by API: %d %s", p.Status, p.Body)
			}
			if zhang.box(t, 1).Unread != 1 {
				t.Fatal("王五's attempts marked 张三's message read")
			}
			// Nobody signed in: the page sends to login, the API says 401.
			anon := ts.client()
			if p := anon.get("/messages"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login") {
				t.Fatalf("anonymous /messages: %d %s", p.Status, p.Location)
			}
			if p := anon.api(http.MethodGet, "/api/v1/messages", "", ""); p.Status != http.StatusUnauthorized {
				t.Fatalf("anonymous API: %d", p.Status)
			}

			// Opening marks it read and leads to the case.
			if p := zhang.post(action, nil); p.Status != http.StatusSeeOther || p.Location != casePath {
				t.Fatalf("open: %d %s, want %s", p.Status, p.Location, casePath)
			}
			if b := badge(zhang.get("/")); b != "" {
				t.Fatalf("badge %q after reading", b)
			}
			if zhang.get("/messages").Doc.Find("li.message.unread").Length() != 0 {
				t.Fatal("an opened message is still bold")
			}

			// 21 more: the box pages by 20, newest first.
			seal := serverSealer(t, ts)
			start := time.Now().UTC().Add(time.Hour)
			for i := range 21 {
				if _, err := ts.app.db.SQL().Exec(`INSERT INTO messages (id, account_id, body_enc, link, created_at) VALUES ($1,$2,$3,$4,$5)`,
					yiwang.NewID(), accountID(t, ts, demo.People[0].Mobile), seal.Seal(fmt.Sprintf("测试消息%02d", i)), "",
					start.Add(time.Duration(i)*time.Second)); err != nil {
					t.Fatal(err)
				}
			}
			all := zhang.box(t, 1)
			p1 := zhang.get("/messages")
			if n := p1.Doc.Find("li.message").Length(); n != 20 || all.Pages < 2 || all.Unread != 21 {
				t.Fatalf("page 1: %d items, %+v", n, all)
			}
			if first := p1.Doc.Find("li.message").First().Text(); !strings.Contains(first, "测试消息20") {
				t.Fatalf("newest first: %q", first)
			}
			next, _ := p1.Doc.Find(`.pager a[rel="next"]`).Attr("href")
			if next != "/messages?page=2" {
				t.Fatalf("next page link %q", next)
			}
			if p2 := zhang.get(next); p2.Status != http.StatusOK || p2.Doc.Find("li.message").Length() != min(all.Total-20, 20) {
				t.Fatalf("page 2: %d, %d items", p2.Status, p2.Doc.Find("li.message").Length())
			}
			for _, bad := range []string{"abc", "0", "-1", "999"} {
				if p := zhang.get("/messages?page=" + bad); p.Status != http.StatusBadRequest {
					t.Fatalf("page=%s: %d", bad, p.Status)
				}
			}
			if p := zhang.api(http.MethodGet, "/api/v1/messages?page=x", "", ""); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `"EINVALID"`) {
				t.Fatalf("API page=x: %d %s", p.Status, p.Body)
			}
			// The API marks one read and answers with it.
			newest := all.Messages[0]
			p := zhang.api(http.MethodPost, "/api/v1/messages/"+newest.ID+"/read", "", "")
			var m struct {
				ID     string
				Read   bool
				ReadAt string `json:"read_at"`
			}
			if err := json.Unmarshal([]byte(p.Body), &m); p.Status != http.StatusOK || err != nil || !m.Read || m.ID != newest.ID || m.ReadAt == "" {
				t.Fatalf("API read: %d %s", p.Status, p.Body)
			}
			// Read all: nothing left unread, and 王五's box untouched.
			p = zhang.post("/messages/read-all", nil)
			if p.Status != http.StatusSeeOther {
				t.Fatalf("read-all: %d", p.Status)
			}
			if flash := zhang.get("/messages").Doc.Find(".notice.success").Text(); !strings.Contains(flash, "20 条") {
				t.Fatalf("read-all flash %q", flash)
			}
			if zhang.box(t, 1).Unread != 0 {
				t.Fatal("unread left after read-all")
			}
		})
	}
}

// serverSealer returns a sealer with the test server's key, to plant messages.
func serverSealer(t *testing.T, ts *testServer) *pii.Protector {
	t.Helper()
	key, err := pii.LoadKey("", ts.cfg.Data, false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pii.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func accountID(t *testing.T, ts *testServer, mobile string) string {
	t.Helper()
	a, err := ts.app.db.CitizenByMobile(t.Context(), mobile)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// applyFood applies for 食品经营许可 as c and returns the case page's path.
func applyFood(t *testing.T, ts *testServer, c *client) string {
	t.Helper()
	food := publishedByName(t, ts, "食品经营许可")
	form := c.get("/apply/" + food.Code)
	files := map[string][]byte{}
	form.Doc.Find(`input[type=file]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		files[name] = testPDF
	})
	p := c.postFiles("/apply/"+food.Code, foodForm(nil), files)
	if p.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	return p.Location
}
