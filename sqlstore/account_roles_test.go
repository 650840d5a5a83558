package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestAccountRoles: an account is read with its roles in one query, in the
// order the staff list gives them (by role), none as none.
func TestAccountRoles(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
			for i, roles := range [][]yiwang.Role{nil, {yiwang.RoleSupervisor},
				{yiwang.RoleWindowClerk, yiwang.RoleCaseOfficer, yiwang.RoleDeptHead, yiwang.RoleAgentClerk}} {
				a := identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindStaff, Username: "staff" + string(rune('a'+i)), Name: "李四",
					Roles: roles, Status: identity.StatusActive, CreatedAt: now, UpdatedAt: now}
				if err := db.CreateAccount(ctx, a, audit.New(yiwang.System("test"), now, "create", "x", audit.ResultOK, "")); err != nil {
					t.Fatal(err)
				}
				want := slices.Clone(roles)
				slices.Sort(want)
				got, err := db.Account(ctx, a.ID)
				if err != nil || !slices.Equal(got.Roles, want) || (len(want) == 0) != (got.Roles == nil) {
					t.Fatalf("roles %v: read %#v %v", roles, got.Roles, err)
				}
				if got, err := db.AccountByUsername(ctx, a.Username); err != nil || !slices.Equal(got.Roles, want) {
					t.Fatalf("roles %v: by username %v %v", roles, got.Roles, err)
				}
				list, err := db.ListStaff(ctx, identity.StaffFilter{Query: a.Username})
				if err != nil || len(list) != 1 || !slices.Equal(list[0].Roles, want) {
					t.Fatalf("roles %v: staff list %+v %v", roles, list, err)
				}
			}
		})
	}
}
