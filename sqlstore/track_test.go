package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestTrackCase reads a case as the public tracker shows it, on both
// engines: its org's name and entry version's figures with it, the mobile
// opened, no ID number, form or materials, the delivery without its
// address, and a timeline that names nobody.
func TestTrackCase(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, entries := groupFixture(t, engine)
			en := entries[0]
			nc := newCase(en, 1)
			c, err := db.CreateCase(ctx, nc.Case, nc.Event, nc.Day, nc.Audit, nil)
			if err != nil {
				t.Fatal(err)
			}
			at := nc.Event.At.Add(time.Hour)
			c.State, c.Decision = casework.StateDelivered, "granted"
			c.Delivery = &casework.Delivery{Method: casework.DeliverMail, Address: "雨山区湖东路1号", Carrier: "中国邮政EMS",
				Tracking: "EMS123456", At: at}
			ev := casework.Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: 2, At: at, ActorID: "officer", ActorName: "李科员",
				Kind: "deliver", From: casework.StateSubmitted, To: casework.StateDelivered, Note: "办理结果已邮寄送达"}
			if err := db.UpdateCase(ctx, c, ev, audit.New(yiwang.Actor{AccountID: "officer"}, at, "case.deliver",
				"case:"+c.ID, audit.ResultOK, ""), nil); err != nil {
				t.Fatal(err)
			}
			o, err := db.Org(ctx, en.OrgID)
			if err != nil {
				t.Fatal(err)
			}

			got, err := db.TrackCase(ctx, c.No)
			if err != nil {
				t.Fatal(err)
			}
			g := got.Case
			if g.ID != c.ID || g.No != c.No || g.EntryCode != en.Code || g.ItemName != en.Base.Name || g.Applicant != "张三" ||
				g.Mobile != "13800000000" || g.Channel != casework.ChannelWeb || g.State != casework.StateDelivered ||
				g.Decision != "granted" || !g.SubmittedAt.Equal(nc.Case.SubmittedAt) {
				t.Errorf("tracked case %+v", g)
			}
			if g.IDCard != "" || g.Materials != nil || g.Form != nil || g.Tasks != nil {
				t.Errorf("the tracker read more than it shows: %+v", g)
			}
			if d := g.Delivery; d == nil || d.Method != casework.DeliverMail || d.Carrier != "中国邮政EMS" ||
				d.Tracking != "EMS123456" || d.Address != "" {
				t.Errorf("delivery %+v", d)
			}
			if got.OrgName != o.Name || got.EntryKind != en.Kind || got.PromiseDays != en.PromiseDays ||
				got.EntryVersion != en.Version {
				t.Errorf("org and entry %+v, want %s %d %d %d", got, o.Name, en.Kind, en.PromiseDays, en.Version)
			}

			evs, err := db.TrackEvents(ctx, c.ID)
			if err != nil || len(evs) != 2 || evs[0].Kind != "submit" || evs[1].Kind != "deliver" ||
				evs[1].Note != "办理结果已邮寄送达" || !evs[1].At.Equal(at) {
				t.Fatalf("timeline %+v %v", evs, err)
			}
			for _, e := range evs {
				if e.ActorName != "" || e.ActorID != "" {
					t.Errorf("the public timeline names %q (%s)", e.ActorName, e.ActorID)
				}
			}

			if _, err := db.TrackCase(ctx, c.No+"0"); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Errorf("unknown number: %v", err)
			}
		})
	}
}
