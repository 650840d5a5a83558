package main

import (
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestWebhookAdmin: the system administrator registers a receiver on the
// admin page (bad URLs refused, the secret shown once), the running server
// delivers a case event to it signed with that secret, the log shows it;
// the API manages subscriptions too; nobody else may.
func TestWebhookAdmin(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	var mu sync.Mutex
	type hit struct {
		header http.Header
		body   []byte
	}
	var hits []hit
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		hits = append(hits, hit{r.Header.Clone(), b})
		mu.Unlock()
	}))
	defer rc.Close()

	admin := ts.client()
	ts.staffLogin(admin, "admin", demo.StaffPassword)
	p := admin.get("/admin/webhooks")
	checkPage(t, "/admin/webhooks", p)
	if p.Doc.Find(`input[name="events"]`).Length() != 11 {
		t.Fatalf("%d event checkboxes", p.Doc.Find(`input[name="events"]`).Length())
	}
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	if p := officer.get("/admin/webhooks"); p.Status != http.StatusForbidden {
		t.Fatalf("officer: %d", p.Status)
	}

	// A URL that is not http(s) is refused with the input kept; nothing stored.
	p = admin.post("/admin/webhooks", url.Values{"url": {"ftp://files.example.gov.cn/in"}, "events": {"accept", "decide"}})
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Doc.Find(".error-summary").Text(), "http://") {
		t.Fatalf("ftp url: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if v, _ := p.Doc.Find("#f-url").Attr("value"); v != "ftp://files.example.gov.cn/in" || p.Doc.Find(`input[value="decide"][checked]`).Length() != 1 {
		t.Fatal("the refused form lost its input")
	}
	if n := ts.count("webhook_subscriptions"); n != 0 {
		t.Fatalf("refused subscription stored: %d", n)
	}

	p = admin.post("/admin/webhooks", url.Values{"url": {rc.URL + "/yiwang"}, "events": {"submit", "accept"}})
	secret := strings.TrimSpace(p.Doc.Find("#new-secret").Text())
	if p.Status != http.StatusOK || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(secret) {
		t.Fatalf("create: %d secret %q %s", p.Status, secret, p.Doc.Find(".error-summary").Text())
	}
	if again := admin.get("/admin/webhooks"); strings.Contains(again.Body, secret) || again.Doc.Find("#subscriptions tbody tr").Length() != 1 {
		t.Fatal("the secret is shown again, or the subscription is not listed")
	}

	// A citizen applies; the server's dispatcher delivers the event, signed.
	citizen := ts.client()
	citizen.loginCitizen(t, demo.People[0].Mobile)
	casePath := applyFood(t, ts, citizen)
	deadline := time.Now().Add(15 * time.Second)
	for {
		mu.Lock()
		n := len(hits)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no webhook delivered within 15 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	h := hits[0]
	mu.Unlock()
	mac := hmac.New(sm3.New, []byte(secret))
	mac.Write([]byte(h.header.Get("X-Yiwang-Timestamp") + "." + string(h.body)))
	if h.header.Get("X-Yiwang-Signature") != "hmac-sm3="+hex.EncodeToString(mac.Sum(nil)) || h.header.Get("X-Yiwang-Event") != "submit" {
		t.Fatalf("delivery headers %v", h.header)
	}
	var body struct {
		CaseID string `json:"case_id"`
	}
	if err := json.Unmarshal(h.body, &body); err != nil || "/cases/"+body.CaseID != casePath {
		t.Fatalf("body %s for %s", h.body, casePath)
	}
	// The receiver may answer before the dispatcher has marked the delivery.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		row := admin.get("/admin/webhooks").Doc.Find("#deliveries tbody tr").First().Text()
		if strings.Contains(row, "已送达") && strings.Contains(row, "提交申请") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery log row %q", row)
		}
	}

	// Disable, then delete, on the page.
	id := strings.TrimPrefix(admin.get("/admin/webhooks").Doc.Find("#subscriptions tbody tr").AttrOr("id", ""), "sub-")
	if p := admin.post("/admin/webhooks/"+id+"/disable", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d", p.Status)
	}
	if s := admin.get("/admin/webhooks").Doc.Find("#sub-" + id).Text(); !strings.Contains(s, "已停用") {
		t.Fatalf("after disable: %q", s)
	}
	if p := officer.post("/admin/webhooks/"+id+"/delete", nil); p.Status != http.StatusForbidden {
		t.Fatalf("officer deletes: %d", p.Status)
	}
	if p := admin.post("/admin/webhooks/"+id+"/delete", nil); p.Status != http.StatusSeeOther || ts.count("webhook_subscriptions") != 0 {
		t.Fatalf("delete: %d", p.Status)
	}

	// The API, with the administrator's token.
	token := admin.post("/staff/tokens", url.Values{"name": {"推送对接"}}).Doc.Find("#new-token").Text()
	api := ts.client()
	if p := api.api(http.MethodPost, "/api/v1/webhooks", `{"url":"gopher://x.gov.cn","events":["accept"]}`, token); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `"url"`) {
		t.Fatalf("API bad url: %d %s", p.Status, p.Body)
	}
	p = api.api(http.MethodPost, "/api/v1/webhooks", `{"url":"https://spxt.example.gov.cn/in","events":["accept","decide"]}`, token)
	var created struct{ ID, Secret string }
	if err := json.Unmarshal([]byte(p.Body), &created); p.Status != http.StatusCreated || err != nil || len(created.Secret) != 64 {
		t.Fatalf("API create: %d %s", p.Status, p.Body)
	}
	if p := api.api(http.MethodGet, "/api/v1/webhooks", "", token); p.Status != http.StatusOK || !strings.Contains(p.Body, created.ID) || strings.Contains(p.Body, created.Secret) {
		t.Fatalf("API list: %d %s", p.Status, p.Body)
	}
	if p := officer.api(http.MethodGet, "/api/v1/webhooks", "", ""); p.Status != http.StatusForbidden {
		t.Fatalf("officer lists by API: %d", p.Status)
	}
	if p := api.api(http.MethodDelete, "/api/v1/webhooks/"+created.ID, "", token); p.Status != http.StatusNoContent {
		t.Fatalf("API delete: %d %s", p.Status, p.Body)
	}
	if p := api.api(http.MethodDelete, "/api/v1/webhooks/"+created.ID, "", token); p.Status != http.StatusNotFound {
		t.Fatalf("API delete twice: %d", p.Status)
	}
}
