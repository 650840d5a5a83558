package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestSessionWithAccount: a session stored with the account it is signed
// in as is read back with that account and its roles, as Account reads
// them; one signed in as nobody, or whose row names no account, with none;
// an expired one not at all; on both engines.
func TestSessionWithAccount(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			if _, err := demo.Load(ctx, db, yiwangtest.NewClock(time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC))); err != nil {
				t.Fatal(err)
			}
			s := sqlstore.SessionStore{DB: db}
			officer, err := db.AccountByUsername(ctx, "officer")
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			roles := []yiwang.Role{yiwang.RoleWindowClerk, yiwang.RoleCaseOfficer, yiwang.RoleDeptHead}
			if err := db.SetRoles(ctx, officer.ID, roles, "admin", now,
				audit.New(yiwang.Actor{AccountID: "admin"}, now, "staff.roles", "account:"+officer.ID, audit.ResultOK, "")); err != nil {
				t.Fatal(err)
			}
			want, err := db.Account(ctx, officer.ID)
			if err != nil || len(want.Roles) != 3 {
				t.Fatalf("officer: %+v %v", want.Roles, err)
			}
			later := time.Now().Add(time.Hour)
			if err := s.CommitAccount("signed", []byte("data-1"), later, want.ID); err != nil {
				t.Fatal(err)
			}
			b, found, a, err := s.FindWithAccount(ctx, "signed")
			if err != nil || !found || string(b) != "data-1" || a == nil {
				t.Fatalf("signed in: %q %v %v %v", b, found, a, err)
			}
			if a.ID != want.ID || a.Name != want.Name || a.Status != want.Status || fmt.Sprint(a.Roles) != fmt.Sprint(want.Roles) {
				t.Fatalf("account %+v, want %+v", a, want)
			}
			if err := s.Commit("nobody", []byte("data-2"), later); err != nil {
				t.Fatal(err)
			}
			if err := s.CommitAccount("signed", []byte("data-3"), later, ""); err != nil { // logged out
				t.Fatal(err)
			}
			for tok, data := range map[string]string{"nobody": "data-2", "signed": "data-3"} {
				if b, found, a, err := s.FindWithAccount(ctx, tok); err != nil || !found || string(b) != data || a != nil {
					t.Fatalf("%s: %q %v %+v %v", tok, b, found, a, err)
				}
			}
			if err := s.CommitAccount("old", []byte("data-4"), time.Now().Add(-time.Minute), want.ID); err != nil {
				t.Fatal(err)
			}
			if _, found, a, err := s.FindWithAccount(ctx, "old"); err != nil || found || a != nil {
				t.Fatalf("expired: %v %+v %v", found, a, err)
			}
			if _, found, _, err := s.FindWithAccount(ctx, "none"); err != nil || found {
				t.Fatalf("no such session: %v %v", found, err)
			}
		})
	}
}
