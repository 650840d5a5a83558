package license_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/seal"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// lenv is a demo database with the license service wired as the server
// wires it.
type lenv struct {
	ctx   context.Context
	db    *sqlstore.DB
	clk   *yiwangtest.Clock
	seals *seal.Service
	svc   *license.Service
	orgs  *org.Service
	// officer is a case officer of 市场监管局, which issues the licenses;
	// other one of 民政局; citizen is 张三, the holder; admin the system
	// administrator.
	officer, other, citizen, admin yiwang.Actor
}

func newEnv(t *testing.T, engine string) *lenv {
	t.Helper()
	e := &lenv{ctx: context.Background(), db: yiwangtest.NewDB(t, engine),
		clk: yiwangtest.NewClock(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))} // Monday 10:00 in Shanghai
	if _, err := demo.Load(e.ctx, e.db, e.clk); err != nil {
		t.Fatal(err)
	}
	e.orgs = &org.Service{Store: e.db, Clock: e.clk}
	e.seals = &seal.Service{Store: e.db, Sealer: yiwangtest.Protector(t), Clock: e.clk}
	e.svc = &license.Service{Store: e.db, Seal: e.seals, Orgs: e.orgs, Enterprises: e.db, Clock: e.clk}
	staff := func(username string) yiwang.Actor {
		a, err := e.db.AccountByUsername(e.ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		return a.Actor("127.0.0.1", "web")
	}
	e.officer, e.admin = staff("officer"), staff("admin")
	e.other = e.officer
	tree, err := e.orgs.Tree(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range tree {
		if o.Name == "雨山区民政局" {
			e.other.OrgID = o.ID
		}
	}
	if e.other.OrgID == e.officer.OrgID {
		t.Fatal("demo has no 雨山区民政局")
	}
	zhang, err := e.db.CitizenByMobile(e.ctx, demo.People[0].Mobile)
	if err != nil {
		t.Fatal(err)
	}
	e.citizen = zhang.Actor("127.0.0.1", "web")
	return e
}

func (e *lenv) holder() license.Holder {
	return license.Holder{AccountID: e.citizen.AccountID, Name: demo.People[0].Name, IDCard: demo.People[0].IDCard}
}

// issue signs and stores a 食品经营许可证 for 张三 as if case caseNo had
// granted it, and returns it as stored.
func (e *lenv) issue(t *testing.T, caseNo string) license.License {
	t.Helper()
	iss, err := e.svc.Prepare(e.ctx, license.Request{TypeName: "食品经营许可证", CaseID: "case-" + caseNo, CaseNo: caseNo,
		ItemName: "食品经营许可", OrgID: e.officer.OrgID, Holder: e.holder(), Actor: e.officer, Decision: "准予",
		Form: map[string]string{"operator": "雨山区张三小吃店", "premises": "雨山区湖东路1号", "format": "餐饮服务经营者", "items": "热食类食品制售"}})
	if err != nil || iss == nil {
		t.Fatalf("prepare: %v %v", iss, err)
	}
	if err := e.db.AddLicense(e.ctx, iss.License, iss.Event, iss.Audit, nil); err != nil {
		t.Fatal(err)
	}
	l, err := e.db.License(e.ctx, iss.License.ID)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (e *lenv) verdict(t *testing.T, id string) license.Check {
	t.Helper()
	c, err := e.svc.CheckID(e.ctx, id)
	if err != nil {
		t.Fatalf("check %s: %v", id, err)
	}
	return c
}

func (e *lenv) wantVerdict(t *testing.T, id, want string) license.Check {
	t.Helper()
	c := e.verdict(t, id)
	if c.Verdict != want {
		t.Fatalf("verdict of %s: %s (%s), want %s", id, c.Verdict, c.Reason, want)
	}
	return c
}

func (e *lenv) events(t *testing.T, id string) []license.Event {
	t.Helper()
	evs, err := e.svc.Events(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// checkEvents checks every event of a license: signed status changes verify
// with the published keys over exactly StatusStatement of their fields;
// kinds come in the order given.
func (e *lenv) checkEvents(t *testing.T, id string, kinds ...string) []license.Event {
	t.Helper()
	evs := e.events(t, id)
	ks, err := e.seals.Keys(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, ev := range evs {
		got = append(got, ev.Kind)
		if ev.Seq != i+1 || ev.LicenseID != id {
			t.Errorf("event %d: seq %d license %s", i, ev.Seq, ev.LicenseID)
		}
		if ev.Kind == "remind" {
			if len(ev.Statement) != 0 {
				t.Errorf("a reminder carries a statement")
			}
			continue
		}
		if err := seal.Verify(ks.PEMs(), ev.KeyID, ev.Statement, ev.Signature); err != nil {
			t.Errorf("event %s of %s: %v", ev.Kind, id, err)
		}
		if want := license.StatusStatement(id, ev.Status, ev.Reason, ev.At); !bytes.Equal(ev.Statement, want) {
			t.Errorf("event %s statement\n%s\nwant\n%s", ev.Kind, ev.Statement, want)
		}
	}
	if strings.Join(got, ",") != strings.Join(kinds, ",") {
		t.Fatalf("events of %s: %v, want %v", id, got, kinds)
	}
	return evs
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if yiwang.ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

func (e *lenv) auditOK(t *testing.T) {
	t.Helper()
	r, err := audit.Verify(e.ctx, e.db)
	if err != nil || !r.OK() {
		t.Fatalf("audit chain: %v %v", r, err)
	}
}

// siteMessages returns the bodies of 张三's message box that contain s.
func (e *lenv) siteMessages(t *testing.T, s string) []string {
	t.Helper()
	ms, _, err := e.db.SiteMessages(e.ctx, e.citizen.AccountID, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		if strings.Contains(m.Body, s) {
			out = append(out, m.Body)
		}
	}
	return out
}

func TestIssued(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			l := e.issue(t, "T20260309001")
			amr, err := e.orgs.Get(e.ctx, e.officer.OrgID)
			if err != nil {
				t.Fatal(err)
			}
			p, err := license.ParseID(l.ID)
			if err != nil || p.Serial != "T20260309001" || p.Version != 1 || p.Issuer != amr.CreditCode || p.TypeCode != l.TypeCode {
				t.Fatalf("identifier %s: %+v %v", l.ID, p, err)
			}
			d := l.Data
			if d.HolderCodeType != license.HolderIDCard || d.HolderCode != demo.People[0].IDCard || d.HolderName != "张三" ||
				d.IssuerName != amr.Name || d.ValidFrom != "2026-03-09" || d.ValidUntil != "2031-03-08" || l.Status != license.StatusValid {
				t.Fatalf("license data %+v status %s", d, l.Status)
			}
			if len(d.Fields) != 4 || d.Fields[0] != (license.Field{Name: "经营者名称", Value: "雨山区张三小吃店"}) {
				t.Fatalf("fields %+v", d.Fields)
			}
			ks, _ := e.seals.Keys(e.ctx)
			if r := license.VerifyFile(l.File, ks.PEMs()); !r.OK() || r.KeyID != l.KeyID {
				t.Fatalf("stored file: %+v", r)
			}
			// The holder's ID number is in the file, which is stored encrypted.
			var sealed string
			if err := e.db.SQL().QueryRow(`SELECT file_sealed FROM licenses WHERE id = $1`, l.ID).Scan(&sealed); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(sealed, demo.People[0].IDCard) || strings.Contains(sealed, "张三") {
				t.Fatal("license file stored in the clear")
			}
			// The wallet finds it by the holder; others hold nothing.
			held, err := e.svc.Held(e.ctx, e.holder())
			if err != nil || len(held) != 1 || held[0].ID != l.ID {
				t.Fatalf("held: %v %v", held, err)
			}
			wang := license.Holder{Name: demo.People[1].Name, IDCard: demo.People[1].IDCard}
			if held, err := e.svc.Held(e.ctx, wang); err != nil || len(held) != 0 {
				t.Fatalf("王五 holds %v %v", held, err)
			}
			if !e.svc.IsHolder(e.ctx, e.holder(), l) || e.svc.IsHolder(e.ctx, wang, l) || e.svc.IsHolder(e.ctx, license.Holder{Name: "张三"}, l) {
				t.Fatal("IsHolder")
			}
			if got, ok, err := e.svc.ValidHeld(e.ctx, e.holder(), "食品经营许可证"); err != nil || !ok || got.ID != l.ID {
				t.Fatalf("ValidHeld: %v %v", ok, err)
			}
			if _, _, err := e.svc.ValidHeld(e.ctx, e.holder(), "居民身份证"); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("ValidHeld of a type the platform does not issue: %v", err)
			}
			// A name the platform has no type for issues nothing.
			if iss, err := e.svc.Prepare(e.ctx, license.Request{TypeName: "不存在的证照", CaseNo: "X1", OrgID: e.officer.OrgID, Holder: e.holder()}); iss != nil || err != nil {
				t.Fatalf("prepare of an unknown type: %v %v", iss, err)
			}
			// Without an ID number nothing can be signed.
			if _, err := e.svc.Prepare(e.ctx, license.Request{TypeName: "食品经营许可证", CaseNo: "X2", OrgID: e.officer.OrgID,
				Holder: license.Holder{Name: "无名"}}); yiwang.ErrorCode(err) != yiwang.EINVALID {
				t.Fatalf("prepare without an ID number: %v", err)
			}
			e.checkEvents(t, l.ID, "issue")
			e.auditOK(t)
		})
	}
}

func TestLifecycle(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			l := e.issue(t, "T20260309001")
			e.wantVerdict(t, l.ID, license.CheckValid)

			// Bad reasons and strangers change nothing.
			for _, reason := range []string{"", "太短", "  不行  ", strings.Repeat("字", 201)} {
				_, err := e.svc.Change(e.ctx, e.officer, l.ID, "suspend", reason)
				if yiwang.ErrorCode(err) != yiwang.EINVALID || yiwang.ErrorFields(err)["reason"] == "" {
					t.Fatalf("suspend with reason %q: %v", reason, err)
				}
			}
			wantCode(t, "another org's officer suspends", func() error {
				_, err := e.svc.Change(e.ctx, e.other, l.ID, "suspend", "违反食品安全法规定")
				return err
			}(), yiwang.EFORBIDDEN)
			wantCode(t, "the holder suspends", func() error {
				_, err := e.svc.Change(e.ctx, e.citizen, l.ID, "suspend", "违反食品安全法规定")
				return err
			}(), yiwang.EFORBIDDEN)
			wantCode(t, "an unknown change", func() error {
				_, err := e.svc.Change(e.ctx, e.officer, l.ID, "destroy", "违反食品安全法规定")
				return err
			}(), yiwang.EINVALID)
			wantCode(t, "a change of an unknown license", func() error {
				_, err := e.svc.Change(e.ctx, e.officer, strings.Replace(l.ID, ".001.", ".002.", 1), "suspend", "违反食品安全法规定")
				return err
			}(), yiwang.ENOTFOUND)
			if e.svc.MayManage(e.ctx, e.other, l) || e.svc.MayManage(e.ctx, e.citizen, l) || !e.svc.MayManage(e.ctx, e.officer, l) {
				t.Fatal("MayManage")
			}
			e.wantVerdict(t, l.ID, license.CheckValid)
			e.checkEvents(t, l.ID, "issue")

			// Suspend, resume, revoke.
			e.clk.Advance(time.Hour)
			got, err := e.svc.Change(e.ctx, e.officer, l.ID, "suspend", "  经营场所不符合要求，责令整改  ")
			if err != nil || got.Status != license.StatusSuspended || got.StatusNote != "经营场所不符合要求，责令整改" {
				t.Fatalf("suspend: %+v %v", got, err)
			}
			c := e.wantVerdict(t, l.ID, license.CheckSuspended)
			if c.Last == nil || c.Last.Kind != "suspend" || c.License == nil || !strings.Contains(c.Reason, "经营场所不符合要求") {
				t.Fatalf("check of a suspended license: %+v", c)
			}
			wantCode(t, "suspended twice", func() error {
				_, err := e.svc.Change(e.ctx, e.officer, l.ID, "suspend", "再次暂扣该证照")
				return err
			}(), yiwang.ECONFLICT)
			if _, err := e.svc.Change(e.ctx, e.officer, l.ID, "resume", "整改完成，恢复经营"); err != nil {
				t.Fatal(err)
			}
			e.wantVerdict(t, l.ID, license.CheckValid)
			if _, err := e.svc.Change(e.ctx, e.officer, l.ID, "revoke", "严重违反食品安全法"); err != nil {
				t.Fatal(err)
			}
			e.wantVerdict(t, l.ID, license.CheckRevoked)
			for _, kind := range []string{"resume", "suspend", "cancel"} {
				wantCode(t, kind+" a revoked license", func() error {
					_, err := e.svc.Change(e.ctx, e.officer, l.ID, kind, "申请恢复该证照")
					return err
				}(), yiwang.ECONFLICT)
			}
			wantCode(t, "renew a revoked license", func() error {
				_, err := e.svc.Renew(e.ctx, e.officer, l.ID, "申请换发该证照")
				return err
			}(), yiwang.ECONFLICT)
			evs := e.checkEvents(t, l.ID, "issue", "suspend", "resume", "revoke")
			if evs[1].Status != license.StatusSuspended || evs[1].Reason != "经营场所不符合要求，责令整改" ||
				evs[1].ActorID != e.officer.AccountID || evs[3].Status != license.StatusRevoked {
				t.Fatalf("events %+v", evs)
			}
			// The holder was told of each change.
			if n := len(e.siteMessages(t, "食品经营许可证")); n != 3 {
				t.Fatalf("holder told %d times, want 3", n)
			}

			// Cancel (注销) another one, also when suspended.
			l2 := e.issue(t, "T20260309002")
			if _, err := e.svc.Change(e.ctx, e.officer, l2.ID, "suspend", "经营场所不符合要求"); err != nil {
				t.Fatal(err)
			}
			if got, err := e.svc.Change(e.ctx, e.officer, l2.ID, "cancel", "持证人申请注销"); err != nil || got.Status != license.StatusCancelled {
				t.Fatalf("cancel: %v", err)
			}
			e.wantVerdict(t, l2.ID, license.CheckCancelled)
			e.checkEvents(t, l2.ID, "issue", "suspend", "cancel")
			if held, _, _ := e.svc.ValidHeld(e.ctx, e.holder(), "食品经营许可证"); held.ID != "" {
				t.Fatalf("ValidHeld returned %s, neither of which is valid", held.ID)
			}

			// Renew (换发): a new version with new dates, the old superseded.
			l3 := e.issue(t, "T20260309003")
			e.clk.Set(time.Date(2027, 6, 1, 2, 0, 0, 0, time.UTC))
			wantCode(t, "renew with a short reason", func() error {
				_, err := e.svc.Renew(e.ctx, e.officer, l3.ID, "换发")
				return err
			}(), yiwang.EINVALID)
			wantCode(t, "another org renews", func() error {
				_, err := e.svc.Renew(e.ctx, e.other, l3.ID, "经营场所变更换发")
				return err
			}(), yiwang.EFORBIDDEN)
			e.checkEvents(t, l3.ID, "issue")
			nl, err := e.svc.Renew(e.ctx, e.officer, l3.ID, "经营场所变更换发")
			if err != nil {
				t.Fatal(err)
			}
			p3, _ := license.ParseID(l3.ID)
			np, err := license.ParseID(nl.ID)
			if err != nil || !strings.Contains(nl.ID, "."+p3.Serial+".002.") || np.Version != 2 || nl.Version != 2 || nl.Serial != l3.Serial {
				t.Fatalf("renewed identifier %s: %v", nl.ID, err)
			}
			if nl.Data.ValidFrom != "2027-06-01" || nl.Data.IssuedOn != "2027-06-01" || nl.Data.ValidUntil != "2032-05-31" ||
				nl.Data.HolderCode != demo.People[0].IDCard || nl.Data.HolderName != "张三" || nl.CaseID != l3.CaseID {
				t.Fatalf("renewed data %+v", nl.Data)
			}
			if len(nl.Data.Fields) != len(l3.Data.Fields) || nl.Data.Fields[1] != l3.Data.Fields[1] {
				t.Fatalf("renewed fields %+v", nl.Data.Fields)
			}
			c = e.wantVerdict(t, nl.ID, license.CheckValid)
			if c.License.Data.ValidUntil != "2032-05-31" {
				t.Fatalf("stored renewal %+v", c.License.Data)
			}
			c = e.wantVerdict(t, l3.ID, license.CheckSuperseded)
			if !strings.Contains(c.License.StatusNote, nl.ID) {
				t.Fatalf("superseded note %q", c.License.StatusNote)
			}
			e.checkEvents(t, l3.ID, "issue", "supersede")
			nevs := e.checkEvents(t, nl.ID, "renew")
			if !strings.Contains(nevs[0].Reason, l3.ID) || nevs[0].Status != license.StatusValid {
				t.Fatalf("renew event %+v", nevs[0])
			}
			wantCode(t, "renew a superseded version", func() error {
				_, err := e.svc.Renew(e.ctx, e.officer, l3.ID, "再次换发旧版本")
				return err
			}(), yiwang.ECONFLICT)
			if got, ok, err := e.svc.ValidHeld(e.ctx, e.holder(), "食品经营许可证"); err != nil || !ok || got.ID != nl.ID {
				t.Fatalf("ValidHeld after renewal: %s %v %v", got.ID, ok, err)
			}
			if n := len(e.siteMessages(t, "换发新版本")); n != 1 {
				t.Fatalf("holder told of the renewal %d times", n)
			}
			e.auditOK(t)
		})
	}
}

func TestExpiry(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			l := e.issue(t, "T20260309001")
			if l.Data.ValidUntil != "2031-03-08" {
				t.Fatalf("valid until %s", l.Data.ValidUntil)
			}
			remind := func(want int) {
				t.Helper()
				n, err := e.svc.RemindExpiring(e.ctx)
				if err != nil || n != want {
					t.Fatalf("RemindExpiring at %v: %d %v, want %d", e.clk.Now(), n, err, want)
				}
			}
			expire := func(want int) {
				t.Helper()
				n, err := e.svc.ExpireDue(e.ctx)
				if err != nil || n != want {
					t.Fatalf("ExpireDue at %v: %d %v, want %d", e.clk.Now(), n, err, want)
				}
			}
			// Until 30 days before the end: nothing to do.
			e.clk.Set(time.Date(2031, 1, 5, 2, 0, 0, 0, time.UTC))
			remind(0)
			expire(0)
			e.clk.Set(time.Date(2031, 2, 5, 15, 0, 0, 0, time.UTC)) // 23:00 on 5 February in Shanghai: 31 days to 8 March
			remind(0)
			// Within 30 days: one reminder, never a second.
			e.clk.Set(time.Date(2031, 2, 5, 16, 0, 0, 0, time.UTC)) // 00:00 on 6 February in Shanghai: 30 days
			remind(1)
			remind(0)
			e.clk.Advance(24 * time.Hour)
			remind(0)
			if msgs := e.siteMessages(t, "将于2031-03-08到期"); len(msgs) != 1 {
				t.Fatalf("reminders in the box: %v", msgs)
			}
			e.wantVerdict(t, l.ID, license.CheckValid)
			if evs := e.checkEvents(t, l.ID, "issue", "remind"); !strings.Contains(evs[1].Reason, "2031-03-08") {
				t.Fatalf("reminder event %+v", evs[1])
			}
			// The last day it is still valid.
			e.clk.Set(time.Date(2031, 3, 8, 15, 0, 0, 0, time.UTC)) // 23:00 in Shanghai
			expire(0)
			e.wantVerdict(t, l.ID, license.CheckValid)
			// The next day it reads as expired before the job runs.
			e.clk.Set(time.Date(2031, 3, 8, 16, 30, 0, 0, time.UTC)) // 00:30 on 9 March in Shanghai
			if got, err := e.svc.Get(e.ctx, l.ID); err != nil || got.Status != license.StatusExpired {
				t.Fatalf("Get after the end: %s %v", got.Status, err)
			}
			stored, _ := e.db.License(e.ctx, l.ID)
			if stored.Status != license.StatusValid || stored.StatusOn("2031-03-09") != license.StatusExpired || stored.StatusOn("2031-03-08") != license.StatusValid {
				t.Fatalf("stored status %s", stored.Status)
			}
			e.wantVerdict(t, l.ID, license.CheckExpired)
			if _, ok, _ := e.svc.ValidHeld(e.ctx, e.holder(), "食品经营许可证"); ok {
				t.Fatal("an expired license is held as valid")
			}
			wantCode(t, "suspend an expired license", func() error {
				_, err := e.svc.Change(e.ctx, e.officer, l.ID, "suspend", "违反食品安全法规定")
				return err
			}(), yiwang.ECONFLICT)
			// A reminder is never sent once it has ended.
			remind(0)
			// The job records it once.
			expire(1)
			expire(0)
			e.clk.Advance(48 * time.Hour)
			expire(0)
			stored, _ = e.db.License(e.ctx, l.ID)
			if stored.Status != license.StatusExpired {
				t.Fatalf("stored status after the job: %s", stored.Status)
			}
			e.checkEvents(t, l.ID, "issue", "remind", "expire")
			if msgs := e.siteMessages(t, "已于2031-03-08到期"); len(msgs) != 1 {
				t.Fatalf("expiry messages: %v", msgs)
			}
			// An expired license may be cancelled or renewed.
			nl, err := e.svc.Renew(e.ctx, e.officer, l.ID, "持证人申请延续")
			if err != nil {
				t.Fatal(err)
			}
			e.wantVerdict(t, nl.ID, license.CheckValid)
			e.wantVerdict(t, l.ID, license.CheckSuperseded)
			e.auditOK(t)
		})
	}
}

func TestVerdicts(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			l := e.issue(t, "T20260309001")
			p, _ := license.ParseID(l.ID)
			unknown, err := license.ID(p.TypeCode, p.Issuer, "NOSUCHSERIAL", 1)
			if err != nil {
				t.Fatal(err)
			}
			e.wantVerdict(t, unknown, license.CheckUnknown)
			bad := l.ID[:len(l.ID)-1] + string("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(strings.IndexByte("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", l.ID[len(l.ID)-1])+1)%36])
			for _, id := range []string{"", "hello", "1.2.156.3005.2.", bad, l.ID + "0", "1.2.156.3005.2. " + l.ID[15:]} {
				if c := e.verdict(t, id); c.Verdict != license.CheckMalformed || c.License != nil {
					t.Fatalf("verdict of %q: %+v", id, c)
				}
			}
			// Spaces around a pasted identifier do not matter.
			e.wantVerdict(t, " "+l.ID+"\n", license.CheckValid)
			// The file as issued is valid; with any byte changed it is not.
			c, err := e.svc.CheckFile(e.ctx, l.File)
			if err != nil || c.Verdict != license.CheckValid || c.License == nil || c.License.ID != l.ID || c.Last == nil || c.Last.Kind != "issue" {
				t.Fatalf("check of the issued file: %+v %v", c, err)
			}
			for i := 0; i < len(l.File); i += 11 {
				f := bytes.Clone(l.File)
				f[i] ^= 0x01
				c, err := e.svc.CheckFile(e.ctx, f)
				if err != nil || (c.Verdict != license.CheckMalformed && c.Verdict != license.CheckBadSignature) {
					t.Fatalf("byte %d changed: %s %v", i, c.Verdict, err)
				}
			}
			for _, f := range [][]byte{nil, []byte("{}"), []byte("not json"), append(bytes.Clone(l.File), '\n')} {
				if c, err := e.svc.CheckFile(e.ctx, f); err != nil || c.Verdict != license.CheckMalformed {
					t.Fatalf("check of %q: %s %v", f, c.Verdict, err)
				}
			}
			// A well-signed file the platform has no record of.
			d := l.Data
			d.ID = unknown
			f, err := license.SignFile(e.ctx, e.seals, l.IssuerOrgID, d)
			if err != nil {
				t.Fatal(err)
			}
			if c, err := e.svc.CheckFile(e.ctx, f); err != nil || c.Verdict != license.CheckUnknown {
				t.Fatalf("check of an unrecorded file: %s %v", c.Verdict, err)
			}
			// The status decides the verdict of a file, too.
			if _, err := e.svc.Change(e.ctx, e.officer, l.ID, "suspend", "经营场所不符合要求"); err != nil {
				t.Fatal(err)
			}
			if c, err := e.svc.CheckFile(e.ctx, l.File); err != nil || c.Verdict != license.CheckSuspended {
				t.Fatalf("check of a suspended license's file: %s %v", c.Verdict, err)
			}
			if _, err := e.svc.Change(e.ctx, e.officer, l.ID, "resume", "整改完成恢复"); err != nil {
				t.Fatal(err)
			}

			// Tampering with the stored file: a changed holder name…
			store := func(file []byte) {
				t.Helper()
				sealed := yiwangtest.Protector(t).Seal(string(file))
				if _, err := e.db.SQL().Exec(`UPDATE licenses SET file_sealed = $1 WHERE id = $2`, sealed, l.ID); err != nil {
					t.Fatal(err)
				}
			}
			forged := bytes.ReplaceAll(l.File, []byte("张三"), []byte("张四"))
			if bytes.Equal(forged, l.File) {
				t.Fatal("holder name not in the file")
			}
			store(forged)
			if c := e.wantVerdict(t, l.ID, license.CheckBadSignature); c.License == nil || c.License.Data.HolderName != "张四" {
				t.Fatalf("tampered license: %+v", c.License)
			}
			// …or the same data signed with another org's key.
			other, err := license.SignFile(e.ctx, e.seals, e.other.OrgID, l.Data)
			if err != nil {
				t.Fatal(err)
			}
			store(other)
			e.wantVerdict(t, l.ID, license.CheckBadSignature)
			if c, err := e.svc.CheckFile(e.ctx, other); err != nil || c.Verdict != license.CheckBadSignature {
				t.Fatalf("check of a file signed by another org: %s %v", c.Verdict, err)
			}
			// …or the file of another license of the same issuer.
			l2 := e.issue(t, "T20260309002")
			store(l2.File)
			e.wantVerdict(t, l.ID, license.CheckBadSignature)
			// Put back, it is valid again.
			store(l.File)
			e.wantVerdict(t, l.ID, license.CheckValid)
		})
	}
}

func TestTypes(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			food, err := e.db.LicenseTypeByName(e.ctx, "食品经营许可证")
			if err != nil {
				t.Fatal(err)
			}
			code := food.Code[:18] + "099"
			nt := license.Type{Code: strings.ToLower(code), Name: " 烟草专卖零售许可证 ", ValidYears: 5,
				Fields: []license.TypeField{{Name: "经营场所", From: "form:premises"}}}
			for _, actor := range []yiwang.Actor{e.officer, e.citizen, {}} {
				_, err := e.svc.SaveType(e.ctx, actor, nt)
				wantCode(t, "SaveType by "+actor.Name, err, yiwang.EFORBIDDEN)
			}
			for _, c := range []struct {
				field string
				edit  func(*license.Type)
			}{
				{"code", func(t *license.Type) { t.Code = "ABC" }},
				{"code", func(t *license.Type) { t.Code = code[:20] + "-" }},
				{"name", func(t *license.Type) { t.Name = "证" }},
				{"name", func(t *license.Type) { t.Name = strings.Repeat("证", 51) }},
				{"valid_years", func(t *license.Type) { t.ValidYears = -1 }},
				{"valid_years", func(t *license.Type) { t.ValidYears = 31 }},
				{"kind", func(t *license.Type) { t.Kind = "card" }},
				{"template", func(t *license.Type) { t.Template = "poster" }},
				{"fields", func(t *license.Type) { t.Fields = append(t.Fields, t.Fields[0]) }},
				{"fields", func(t *license.Type) { t.Fields = []license.TypeField{{Name: "场所", From: "form:"}} }},
				{"issuer", func(t *license.Type) { t.IssuerOrgID = "no-such-org" }},
			} {
				bt := nt
				bt.Fields = append([]license.TypeField(nil), nt.Fields...)
				c.edit(&bt)
				_, err := e.svc.SaveType(e.ctx, e.admin, bt)
				if yiwang.ErrorCode(err) != yiwang.EINVALID || yiwang.ErrorFields(err)[c.field] == "" {
					t.Fatalf("bad %s: %v %v", c.field, err, yiwang.ErrorFields(err))
				}
			}
			all, _ := e.svc.Types(e.ctx)
			// A taken name or code.
			dup := nt
			dup.Name = "营业执照"
			wantCode(t, "a taken name", func() error { _, err := e.svc.SaveType(e.ctx, e.admin, dup); return err }(), yiwang.ECONFLICT)
			dup = nt
			dup.Code = food.Code
			wantCode(t, "a taken code", func() error { _, err := e.svc.SaveType(e.ctx, e.admin, dup); return err }(), yiwang.ECONFLICT)
			if now, _ := e.svc.Types(e.ctx); len(now) != len(all) {
				t.Fatalf("types %d, were %d", len(now), len(all))
			}

			saved, err := e.svc.SaveType(e.ctx, e.admin, nt)
			if err != nil || saved.Rev != 1 || saved.Code != code || saved.Name != "烟草专卖零售许可证" || saved.Kind != license.KindLicense ||
				saved.Template != license.TemplateCertificate || saved.UpdatedBy != e.admin.Name {
				t.Fatalf("create: %+v %v", saved, err)
			}
			got, err := e.db.LicenseType(e.ctx, code)
			if err != nil || got.Rev != 1 || got.Name != saved.Name || got.ValidYears != 5 || len(got.Fields) != 1 || got.Fields[0].From != "form:premises" {
				t.Fatalf("stored: %+v %v", got, err)
			}
			// Updates go at the current Rev only.
			upd := got
			upd.ValidYears, upd.IssuerOrgID = 3, e.officer.OrgID
			upd2, err := e.svc.SaveType(e.ctx, e.admin, upd)
			if err != nil || upd2.Rev != 2 {
				t.Fatalf("update: %+v %v", upd2, err)
			}
			stale := got // Rev 1
			stale.Name = "烟草专卖许可证"
			wantCode(t, "update at a stale Rev", func() error { _, err := e.svc.SaveType(e.ctx, e.admin, stale); return err }(), yiwang.ECONFLICT)
			rename := upd2
			rename.Name = "食品经营许可证"
			wantCode(t, "rename to a taken name", func() error { _, err := e.svc.SaveType(e.ctx, e.admin, rename); return err }(), yiwang.ECONFLICT)
			got, _ = e.db.LicenseType(e.ctx, code)
			if got.Rev != 2 || got.Name != "烟草专卖零售许可证" || got.ValidYears != 3 || got.IssuerOrgID != e.officer.OrgID {
				t.Fatalf("after a refused update: %+v", got)
			}
			// The type's own issuer signs its licenses.
			iss, err := e.svc.Prepare(e.ctx, license.Request{TypeName: "烟草专卖零售许可证", CaseNo: "T1", OrgID: e.other.OrgID,
				Holder: e.holder(), Form: map[string]string{"premises": "雨山区湖东路1号"}})
			if err != nil || iss == nil || iss.License.IssuerOrgID != e.officer.OrgID || iss.License.Data.ValidUntil != "2029-03-08" ||
				iss.License.Data.Fields[0].Value != "雨山区湖东路1号" {
				t.Fatalf("prepare of the new type: %+v %v", iss, err)
			}
			e.auditOK(t)
		})
	}
}

// TestStatusStatement pins the signed bytes of a status change to the
// documented layout.
func TestStatusStatement(t *testing.T) {
	at := time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)
	got := license.StatusStatement("1.2.156.3005.2.X", license.StatusSuspended, "责令整改\"\\\n\x01", at)
	want := `{"at":"2026-03-09T10:00:00+08:00","format":"yiwang-license-status/1","id":"1.2.156.3005.2.X",` +
		`"reason":"责令整改\"\\\n\u0001","status":"suspended"}`
	if string(got) != want {
		t.Fatalf("statement\n%s\nwant\n%s", got, want)
	}
	if string(license.StatusStatement("a", "valid", "r", at.In(time.FixedZone("X", -5*3600)))) !=
		`{"at":"2026-03-09T10:00:00+08:00","format":"yiwang-license-status/1","id":"a","reason":"r","status":"valid"}` {
		t.Fatal("a time in another zone is not written in UTC+08:00")
	}
}

// TestRenewAllOrNothing: a renewal whose new version cannot be stored leaves
// the old version as it was.
func TestRenewAllOrNothing(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			l := e.issue(t, "T20260309001")
			// Something already holds the identifier of version 2.
			p, _ := license.ParseID(l.ID)
			v2, err := license.ID(p.TypeCode, p.Issuer, p.Serial, 2)
			if err != nil {
				t.Fatal(err)
			}
			squat := l
			squat.ID, squat.Version = v2, 2
			now := e.clk.Now()
			if err := e.db.AddLicense(e.ctx, squat, license.Event{ID: yiwang.NewID(), LicenseID: v2, At: now, Kind: "issue", Status: license.StatusValid},
				audit.New(yiwang.System("test"), now, "license.import", "license:"+v2, audit.ResultOK, ""), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Renew(e.ctx, e.officer, l.ID, "经营场所变更换发"); err == nil {
				t.Fatal("renewed onto a taken identifier")
			}
			e.wantVerdict(t, l.ID, license.CheckValid)
			e.checkEvents(t, l.ID, "issue")
			if n := len(e.siteMessages(t, "换发")); n != 0 {
				t.Fatalf("holder told of a renewal that failed: %d", n)
			}
			e.auditOK(t)
		})
	}
}

// TestExpiredNeverReminded: a license past its end that was never reminded
// gets the expiry, not a reminder.
func TestExpiredNeverReminded(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			l := e.issue(t, "T20260309001")
			e.clk.Set(time.Date(2031, 3, 20, 2, 0, 0, 0, time.UTC))
			if n, err := e.svc.RemindExpiring(e.ctx); err != nil || n != 0 {
				t.Fatalf("reminded %d %v", n, err)
			}
			if n, err := e.svc.ExpireDue(e.ctx); err != nil || n != 1 {
				t.Fatalf("expired %d %v", n, err)
			}
			e.checkEvents(t, l.ID, "issue", "expire")
			if msgs := e.siteMessages(t, "将于"); len(msgs) != 0 {
				t.Fatalf("reminders %v", msgs)
			}
		})
	}
}

// TestEnterpriseHolder: a license for an enterprise names its credit code
// (code type 001) and name; the enterprise's users hold it, the person
// acting for it does not hold it personally; renewal keeps the enterprise.
func TestEnterpriseHolder(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			ent, err := e.db.EnterpriseByCreditCode(e.ctx, demo.EnterpriseCode())
			if err != nil {
				t.Fatal(err)
			}
			h := license.Holder{AccountID: e.citizen.AccountID, Name: demo.People[0].Name, IDCard: demo.People[0].IDCard, EnterpriseID: ent.ID}
			iss, err := e.svc.Prepare(e.ctx, license.Request{TypeName: "食品经营许可证", CaseID: "case-E1", CaseNo: "E20260309001",
				ItemName: "食品经营许可", OrgID: e.officer.OrgID, Holder: h, Actor: e.officer,
				Form: map[string]string{"operator": ent.Name, "premises": "雨山区湖东路1号"}})
			if err != nil || iss == nil {
				t.Fatalf("prepare: %v", err)
			}
			d := iss.License.Data
			if d.HolderCodeType != license.HolderCreditCode || d.HolderCode != ent.CreditCode || d.HolderName != ent.Name {
				t.Fatalf("holder: %s %s %s", d.HolderCodeType, d.HolderCode, d.HolderName)
			}
			if err := e.db.AddLicense(e.ctx, iss.License, iss.Event, iss.Audit, nil); err != nil {
				t.Fatal(err)
			}
			if held, err := e.svc.Held(e.ctx, h); err != nil || len(held) != 1 || held[0].ID != iss.License.ID {
				t.Fatalf("enterprise wallet: %d %v", len(held), err)
			}
			if _, ok, err := e.svc.ValidHeld(e.ctx, e.holder(), "食品经营许可证"); err != nil || ok {
				t.Fatalf("the person holds the enterprise's license personally: %v %v", ok, err)
			}
			if !e.svc.IsHolder(e.ctx, h, iss.License) || e.svc.IsHolder(e.ctx, e.holder(), iss.License) {
				t.Fatal("IsHolder mixes the enterprise and the person")
			}
			nl, err := e.svc.Renew(e.ctx, e.officer, iss.License.ID, "经营场所扩建后换发")
			if err != nil {
				t.Fatal(err)
			}
			if nl.Data.HolderCode != ent.CreditCode || nl.Data.HolderCodeType != license.HolderCreditCode || nl.Version != 2 {
				t.Fatalf("renewed: %+v", nl.Data)
			}
			if c := e.wantVerdict(t, nl.ID, license.CheckValid); c.License.Data.HolderName != ent.Name {
				t.Fatalf("renewed holder %q", c.License.Data.HolderName)
			}
		})
	}
}

// TestDamagedFile: a stored file that no longer opens spoils only its own
// license: the wallet still lists the holder's licenses, the damaged one
// verifies as signature_invalid, is never attached and cannot be renewed.
func TestDamagedFile(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			good := e.issue(t, "T20260309001")
			bad := e.issue(t, "T20260309002")
			if _, err := e.db.SQL().Exec(`UPDATE licenses SET file_sealed = $1 WHERE id = $2`, "not sealed at all", bad.ID); err != nil {
				t.Fatal(err)
			}
			held, err := e.svc.Held(e.ctx, e.holder())
			if err != nil || len(held) != 2 {
				t.Fatalf("wallet with a damaged file: %d %v", len(held), err)
			}
			for _, l := range held {
				if l.Damaged != (l.ID == bad.ID) {
					t.Fatalf("%s damaged=%v", l.ID, l.Damaged)
				}
			}
			e.wantVerdict(t, bad.ID, license.CheckBadSignature)
			e.wantVerdict(t, good.ID, license.CheckValid)
			if l, ok, err := e.svc.ValidHeld(e.ctx, e.holder(), "食品经营许可证"); err != nil || !ok || l.ID != good.ID {
				t.Fatalf("attached %s %v %v, want the good one", l.ID, ok, err)
			}
			_, err = e.svc.Renew(e.ctx, e.officer, bad.ID, "换发测试理由")
			wantCode(t, "renewing a damaged license", err, yiwang.ECONFLICT)
		})
	}
}
