package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestUpdateAccountRefusesStaleCopy: an admin's edit made from a copy read
// before a login moved the TOTP step must not move it back (which would let
// a used code be replayed).
func TestUpdateAccountRefusesStaleCopy(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
			e := func(action string) audit.Entry {
				return audit.New(yiwang.System("test"), now, action, "x", audit.ResultOK, "")
			}
			a := identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindCitizen, Name: "张三", Mobile: "13800000001",
				Status: identity.StatusActive, CreatedAt: now, UpdatedAt: now}
			if err := db.CreateAccount(ctx, a, e("create")); err != nil {
				t.Fatal(err)
			}
			stale, err := db.Account(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := db.AcceptTOTPStep(ctx, a.ID, 100); !ok || err != nil {
				t.Fatalf("accept step: %v %v", ok, err)
			}
			stale.Status = identity.StatusDisabled
			if err := db.UpdateAccount(ctx, stale, e("disable")); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("stale update: %v", err)
			}
			fresh, _ := db.Account(ctx, a.ID)
			if fresh.TOTPLastStep != 100 || fresh.Status != identity.StatusActive {
				t.Fatalf("stale update changed the row: %+v", fresh)
			}
			fresh.Status = identity.StatusDisabled
			if err := db.UpdateAccount(ctx, fresh, e("disable")); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.Account(ctx, a.ID); got.TOTPLastStep != 100 || got.Status != identity.StatusDisabled {
				t.Fatalf("fresh update: %+v", got)
			}
			missing := fresh
			missing.ID = yiwang.NewID()
			if err := db.UpdateAccount(ctx, missing, e("x")); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("missing account: %v", err)
			}
		})
	}
}
