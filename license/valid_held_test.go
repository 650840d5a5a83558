package license_test

import (
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestValidHeldOneRead: ValidHeld answers the same through the store's
// one read (HoldingStore) as through the type and the holder's whole list:
// for held, suspended and renewed licenses, people and enterprises, types
// the platform issues and types it does not, holders without a code.
func TestValidHeldOneRead(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			if _, ok := any(e.db).(license.HoldingStore); !ok {
				t.Fatal("the store reads no holding in one go")
			}
			hidden := struct{ license.Store }{e.db} // a Store and nothing more
			if _, ok := any(hidden).(license.HoldingStore); ok {
				t.Fatal("the plain store is a HoldingStore")
			}
			plain := &license.Service{Store: hidden, Seal: e.seals, Orgs: e.orgs, Enterprises: e.db, Clock: e.clk}
			ent, err := e.db.EnterpriseByCreditCode(e.ctx, demo.EnterpriseCode())
			if err != nil {
				t.Fatal(err)
			}
			firm := license.Holder{AccountID: e.citizen.AccountID, Name: demo.People[0].Name, EnterpriseID: ent.ID}
			holders := []license.Holder{e.holder(), firm, {Name: demo.People[1].Name, IDCard: demo.People[1].IDCard}, {},
				{EnterpriseID: "no-such-enterprise"}}
			types, err := e.svc.Types(e.ctx)
			if err != nil || len(types) == 0 {
				t.Fatalf("types: %v %v", types, err)
			}
			names := []string{"居民身份证", "不存在的证照"}
			for _, ty := range types {
				names = append(names, ty.Name)
			}
			same := func(stage string, wantHeld bool) {
				t.Helper()
				held := false
				for _, h := range holders {
					for _, name := range names {
						l1, ok1, err1 := e.svc.ValidHeld(e.ctx, h, name)
						l2, ok2, err2 := plain.ValidHeld(e.ctx, h, name)
						if l1.ID != l2.ID || ok1 != ok2 || (err1 == nil) != (err2 == nil) || yiwang.ErrorCode(err1) != yiwang.ErrorCode(err2) {
							t.Fatalf("%s: %+v %q: one read %q %v %v, two reads %q %v %v", stage, h, name, l1.ID, ok1, err1, l2.ID, ok2, err2)
						}
						held = held || ok1
					}
				}
				if held != wantHeld {
					t.Fatalf("%s: something held %v, want %v", stage, held, wantHeld)
				}
			}
			same("nothing issued", false)
			l := e.issue(t, "T20260309001")
			same("one issued", true)
			nl, err := e.svc.Renew(e.ctx, e.officer, l.ID, "经营场所扩建后换发")
			if err != nil {
				t.Fatal(err)
			}
			same("renewed", true)
			if _, err := e.svc.Change(e.ctx, e.officer, nl.ID, "suspend", "违反食品安全法规定，暂扣许可证"); err != nil {
				t.Fatal(err)
			}
			same("suspended", false)
			// Two valid of one type: both reads give the newest (the one
			// read sorts in Go what its query no longer orders).
			e.clk.Advance(time.Hour)
			older := e.issue(t, "T20260309002")
			e.clk.Advance(time.Hour)
			newer := e.issue(t, "T20260309003")
			same("two valid", true)
			if got, ok, err := e.svc.ValidHeld(e.ctx, e.holder(), newer.TypeName); err != nil || !ok || got.ID != newer.ID {
				t.Fatalf("two valid (%s older, %s newer): got %q %v %v", older.ID, newer.ID, got.ID, ok, err)
			}
		})
	}
}
