package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestSessionAccountFresh: the account a request acts as is read with its
// session, in one query (web/session_account.go), and is as fresh as
// before: roles taken away and an account disabled take effect at the
// very next request; the session row names its account while signed in,
// and no row names it after logout or once disabled; on both engines.
func TestSessionAccountFresh(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			ts := startServer(t, engine)
			c := ts.client()
			ts.staffLogin(c, "officer", demo.StaffPassword)
			db := ts.app.db
			a, err := db.AccountByUsername(ctx, "officer")
			if err != nil {
				t.Fatal(err)
			}
			if p := c.get("/work"); p.Status != http.StatusOK {
				t.Fatalf("inbox with the roles: %d", p.Status)
			}
			var named string
			if err := db.SQL().QueryRow(`SELECT account_id FROM sessions WHERE account_id <> ''`).Scan(&named); err != nil || named != a.ID {
				t.Fatalf("the session names %q, want %q (%v)", named, a.ID, err)
			}

			now := time.Now()
			admin := yiwang.Actor{AccountID: "admin"}
			if err := db.SetRoles(ctx, a.ID, nil, "admin", now, audit.New(admin, now, "staff.roles", "account:"+a.ID, audit.ResultOK, "")); err != nil {
				t.Fatal(err)
			}
			if p := c.get("/work"); p.Status != http.StatusForbidden {
				t.Fatalf("inbox at once after the roles went: %d", p.Status)
			}
			if err := db.SetRoles(ctx, a.ID, a.Roles, "admin", now, audit.New(admin, now, "staff.roles", "account:"+a.ID, audit.ResultOK, "")); err != nil {
				t.Fatal(err)
			}
			if p := c.get("/work"); p.Status != http.StatusOK {
				t.Fatalf("inbox with the roles back: %d", p.Status)
			}

			a, err = db.Account(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			a.Status = identity.StatusDisabled
			if err := db.UpdateAccount(ctx, a, audit.New(admin, now, "staff.disable", "account:"+a.ID, audit.ResultOK, "")); err != nil {
				t.Fatal(err)
			}
			if p := c.get("/work"); p.Status == http.StatusOK {
				t.Fatal("a disabled account still reads its inbox")
			}
			var left int
			if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM sessions WHERE account_id = $1`, a.ID).Scan(&left); err != nil || left != 0 {
				t.Fatalf("%d sessions still signed in as the disabled account (%v)", left, err)
			}

			c2 := ts.client()
			ts.staffLogin(c2, "admin", demo.StaffPassword)
			ad, err := db.AccountByUsername(ctx, "admin")
			if err != nil {
				t.Fatal(err)
			}
			if p := c2.post("/logout", nil); p.Status != http.StatusSeeOther {
				t.Fatalf("logout: %d", p.Status)
			}
			if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM sessions WHERE account_id = $1`, ad.ID).Scan(&left); err != nil || left != 0 {
				t.Fatalf("%d sessions still signed in after logout (%v)", left, err)
			}
		})
	}
}
