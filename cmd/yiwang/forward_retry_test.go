package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestForwardRetryAfterLostAnswer: a department forwards a letter over the
// API with an Idempotency-Key; its answer is sent before it is stored
// (FinishLater), so a crash right then, a failed store, or a retry that
// reaches another instance before the store leaves the key bound to the
// letter with no answer. The retry is then answered "from the case" — but
// the forwarding org may no longer read the letter, so it gets 404, and
// every later retry with the key too, although the forward succeeded. It
// is answered with the letter's summary, as the forward itself was.
func TestForwardRetryAfterLostAnswer(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ts := startServer(t, engine)
			amr, urban := orgID(t, ts, "雨山区市场监督管理局"), orgID(t, ts, "雨山区城管局")
			zhang := ts.client()
			zhang.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
			p := zhang.post("/letters/new", url.Values{"kind": {"complaint"}, "org": {amr}, "subject": {"占道经营"},
				"text": {"湖东路有摊贩长期占道经营，影响通行，请处理。"}})
			if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/cases/") {
				t.Fatalf("file: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			letter := strings.TrimPrefix(p.Location, "/cases/")
			officer := ts.client()
			ts.staffLogin(officer, "officer", demo.StaffPassword)
			body := fmt.Sprintf(`{"org_id":%q,"reason":"占道经营属城管职责（测试）"}`, urban)
			path := "/api/v1/letters/" + letter + "/forward"
			first := officer.keyed(http.MethodPost, path, body, "", "fwd-1")
			if first.Status != http.StatusOK {
				t.Fatalf("forward: %d %s", first.Status, first.Body)
			}
			db := ts.app.db.SQL()
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				var st int
				if err := db.QueryRow(`SELECT status FROM idempotency_keys WHERE idem_key = 'fwd-1'`).Scan(&st); err == nil && st != 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the answer was never stored")
				}
			}
			// The answer lost: the key stays bound to the letter, in flight.
			if _, err := db.Exec(`UPDATE idempotency_keys SET status = 0, response = '', completed_at = NULL
				WHERE idem_key = 'fwd-1'`); err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				retry := officer.keyed(http.MethodPost, path, body, "", "fwd-1")
				if retry.Status != http.StatusOK || retry.Header.Get("Idempotent-Replayed") != "true" {
					t.Fatalf("retry %d of a forward that succeeded: %d %s", i+1, retry.Status, retry.Body)
				}
			}
		})
	}
}
