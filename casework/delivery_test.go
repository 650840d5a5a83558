package casework_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func TestDelivery(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			c, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
			if err != nil {
				t.Fatal(err)
			}
			mail := casework.Delivery{Method: casework.DeliverMail, Address: "雨山区湖东南路1号", Carrier: "中国邮政EMS", Tracking: "EA123456789CN"}
			if _, err := e.svc.Deliver(e.ctx, e.officer, c.ID, mail); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("delivered before a decision: %v", err)
			}
			if _, err = e.svc.Accept(e.ctx, e.officer, c.ID); err != nil { // Monday 2026-03-09
				t.Fatal(err)
			}
			e.finish(t, c.ID, "review")
			if c, err = e.svc.Decide(e.ctx, e.officer, c.ID, casework.Granted, "符合条件"); err != nil {
				t.Fatal(err)
			}
			// Ten working days from Monday 2026-03-09: Monday 2026-03-23.
			if c.Due != "2026-03-23" {
				t.Fatalf("delivery due %s", c.Due)
			}
			list, _, err := e.svc.Inbox(e.ctx, e.officer, casework.InboxQuery{State: casework.StateDecided})
			if err != nil || len(list) != 1 || list[0].ID != c.ID {
				t.Fatalf("inbox of cases waiting for delivery: %v %v", list, err)
			}
			if u := e.svc.UrgencyOf(list[0], 0); u.Level != "ok" || u.Days != 10 {
				t.Fatalf("urgency %+v", u)
			}
			e.clk.Advance(15 * 24 * time.Hour) // 2026-03-24, one working day late
			if u := e.svc.UrgencyOf(list[0], 0); u.Level != "over" {
				t.Fatalf("late delivery not flagged: %+v", u)
			}
			// The licence is made (制证) before it can be handed over.
			if _, err := e.svc.Deliver(e.ctx, e.officer, c.ID, mail); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("delivered before 制证: %v", err)
			}
			e.finish(t, c.ID, "certify")
			// Mail needs the address, the carrier and a tracking number.
			if _, err := e.svc.Deliver(e.ctx, e.officer, c.ID, casework.Delivery{Method: casework.DeliverMail, Tracking: "号码"}); len(yiwang.ErrorFields(err)) != 3 {
				t.Fatalf("mail without details: %v", err)
			}
			if _, err := e.svc.Deliver(e.ctx, e.officer, c.ID, casework.Delivery{Method: "pigeon"}); len(yiwang.ErrorFields(err)) != 1 {
				t.Fatalf("unknown method: %v", err)
			}
			if _, err := e.svc.Deliver(e.ctx, e.other, c.ID, mail); err == nil {
				t.Fatal("another department delivered")
			}
			if _, err := e.svc.Deliver(e.ctx, e.citizen, c.ID, mail); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("the applicant recorded delivery: %v", err)
			}
			if c, err = e.svc.Deliver(e.ctx, e.officer, c.ID, mail); err != nil || c.State != casework.StateDelivered {
				t.Fatalf("deliver: %v", err)
			}
			got, evs, err := e.svc.Get(e.ctx, e.officer, c.ID)
			if err != nil || got.Delivery == nil || *got.Delivery != *c.Delivery || got.Delivery.Address != mail.Address {
				t.Fatalf("stored delivery %+v %v", got.Delivery, err)
			}
			// The public timeline names carrier and tracking number, never the address.
			last := evs[len(evs)-1]
			if last.Kind != "deliver" || !strings.Contains(last.Note, "EA123456789CN") || strings.Contains(last.Note, "湖东南路") {
				t.Fatalf("delivery event %+v", last)
			}
			if _, err := e.svc.Deliver(e.ctx, e.officer, c.ID, mail); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("delivered twice: %v", err)
			}
			if _, err := e.svc.Withdraw(e.ctx, e.citizen, c.ID); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("withdrew an archived case: %v", err)
			}
			if list, _, _ := e.svc.Inbox(e.ctx, e.officer, casework.InboxQuery{}); len(list) != 0 {
				t.Fatalf("archived case still in the inbox: %v", list)
			}
		})
	}
}
