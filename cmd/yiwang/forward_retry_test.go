package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestForwardRetry: a department forwards a letter over the API with an
// Idempotency-Key; the forward binds the key to the letter in its own
// transaction and stores no answer, so a retry is answered "from the
// case" — but the forwarding org may no longer read the letter. It must
// not get 404, at any retry, for a forward that succeeded: it is answered
// with the letter's summary, as the forward itself was.
func TestForwardRetry(t *testing.T) {
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
			// The forward is bound to the key in its own transaction and
			// stores no answer: the key stays in flight, bound to the letter.
			var st int
			var bound, resp string
			if err := ts.app.db.SQL().QueryRow(`SELECT status, case_id, response FROM idempotency_keys
				WHERE idem_key = 'fwd-1'`).Scan(&st, &bound, &resp); err != nil || st != 0 || bound != letter || resp != "" {
				t.Fatalf("the key after the forward: status %d, case %q, answer %q, %v", st, bound, resp, err)
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
