package casework_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/webhook"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// count returns the number of rows of table (optionally narrowed by where).
func (e *env) count(t *testing.T, table, where string, args ...any) int {
	t.Helper()
	var n int
	q := `SELECT COUNT(*) FROM ` + table
	if where != "" {
		q += ` WHERE ` + where
	}
	if err := e.db.SQL().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

type recordingSender struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (s *recordingSender) Send(_ context.Context, m notify.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return nil
}

// TestNoticesReachTheMessageBox: every notice the applicant gets by SMS is
// also in their message box, linking to the case, sealed at rest; without a
// mobile number it goes to the box only and the SMS dispatcher never sees it.
func TestNoticesReachTheMessageBox(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			box := &notify.Box{Store: e.db, Clock: e.clk}
			c, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.RequestCorrection(e.ctx, e.officer, c.ID, []casework.Correction{{Material: 0, Condition: -1, Reason: "申请书未签字"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Resubmit(e.ctx, e.citizen, c.ID, []casework.Material{{Index: 0, FileID: strings.Repeat("b", 64)}}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Accept(e.ctx, e.officer, c.ID); err != nil {
				t.Fatal(err)
			}
			// Receipt, correction notice, acceptance: not the applicant's own resubmission.
			page, err := box.List(e.ctx, e.citizen, 1)
			if err != nil || page.Total != 3 {
				t.Fatalf("box holds %d messages, want 3: %v", page.Total, err)
			}
			if sms := e.count(t, "notifications", ""); sms != 3 {
				t.Fatalf("%d SMS, want 3", sms)
			}
			for _, m := range page.Messages {
				if m.Link != "/cases/"+c.ID || !m.Unread() || !strings.Contains(m.Body, "食品经营许可") {
					t.Fatalf("message %+v", m)
				}
			}
			if first := page.Messages[2].Body; !strings.Contains(first, c.No) || !strings.Contains(first, "已收到") {
				t.Fatalf("receipt %q does not name case %s", first, c.No)
			}
			if !strings.Contains(page.Messages[0].Body, "已受理") {
				t.Fatalf("newest message %q", page.Messages[0].Body)
			}
			if n := e.count(t, "messages", "body_enc LIKE $1", "%食品%"); n != 0 {
				t.Fatal("message bodies are stored in plain")
			}
			// Nobody else's box got anything.
			if other, _ := box.List(e.ctx, yiwang.Actor{AccountID: e.officer.AccountID}, 1); other.Total != 0 {
				t.Fatalf("officer's box holds %d messages", other.Total)
			}

			// An applicant without a mobile number: box only.
			who := e.applicant()
			who.Mobile = ""
			before := e.count(t, "notifications", "")
			c2, err := e.svc.Submit(e.ctx, e.citizen, who, casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Accept(e.ctx, e.officer, c2.ID); err != nil {
				t.Fatal(err)
			}
			if n := e.count(t, "notifications", ""); n != before {
				t.Fatalf("site-only notices went to the SMS outbox: %d new", n-before)
			}
			if n := e.count(t, "messages", "link = $1", "/cases/"+c2.ID); n != 2 {
				t.Fatalf("site-only notices in the box: %d, want 2", n)
			}
			sender := &recordingSender{}
			d := &notify.Dispatcher{Store: e.db, Sender: sender, Clock: e.clk, Log: slog.New(slog.DiscardHandler)}
			if _, err := d.RunOnce(e.ctx); err != nil {
				t.Fatal(err)
			}
			if len(sender.sent) != 3 {
				t.Fatalf("dispatcher sent %d SMS, want the 3 of the first case", len(sender.sent))
			}
			for _, m := range sender.sent {
				if m.Recipient == "" || strings.Contains(m.Body, c2.No) {
					t.Fatalf("dispatcher tried to SMS a site-only message: %+v", m)
				}
			}
		})
	}
}

// TestRolledBackChangeLeavesNoTrace: when a case change fails after its
// notice and webhook deliveries were written (here: the audit append, the
// last step, fails), none of them remains.
func TestRolledBackChangeLeavesNoTrace(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			admin, err := e.db.AccountByUsername(e.ctx, "admin")
			if err != nil {
				t.Fatal(err)
			}
			hooks := &webhook.Service{Store: e.db, Orgs: &org.Service{Store: e.db, Clock: e.clk}, Clock: e.clk}
			if _, err := hooks.Create(e.ctx, admin.Actor("127.0.0.1", "web"), webhook.Input{URL: "https://example.gov.cn/hook", Events: webhook.Kinds}); err != nil {
				t.Fatal(err)
			}
			c, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
			if err != nil {
				t.Fatal(err)
			}
			counts := func() [4]int {
				return [4]int{e.count(t, "messages", ""), e.count(t, "webhook_deliveries", ""),
					e.count(t, "notifications", ""), e.count(t, "case_events", "")}
			}
			before := counts()
			if before[0] != 1 || before[1] != 1 {
				t.Fatalf("after submit: %d box messages, %d deliveries", before[0], before[1])
			}
			// Break the audit chain head so that the change fails at its last step.
			var seq int64
			var hash string
			if err := e.db.SQL().QueryRow(`SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash); err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.SQL().Exec(`DELETE FROM audit_head`); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Accept(e.ctx, e.officer, c.ID); err == nil {
				t.Fatal("accept succeeded without an audit head")
			}
			if after := counts(); after != before {
				t.Fatalf("a rolled-back change left rows: before %v, after %v (box, deliveries, sms, events)", before, after)
			}
			if got, _, _ := e.svc.Get(e.ctx, e.officer, c.ID); got.State != casework.StateSubmitted {
				t.Fatalf("state %s after a rolled-back accept", got.State)
			}
			if _, err := e.db.SQL().Exec(`INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)`, seq, hash); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Accept(e.ctx, e.officer, c.ID); err != nil {
				t.Fatal(err)
			}
			if after := counts(); after[0] != before[0]+1 || after[1] != before[1]+1 || after[2] != before[2]+1 {
				t.Fatalf("the committed change: before %v, after %v", before, after)
			}
		})
	}
}
