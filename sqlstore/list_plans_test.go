package sqlstore_test

import (
	"testing"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// The audit log of one object is read and counted from an index, in the
// page's order: not by reading the whole log (migration 00027).
func TestAuditByObjectIndexed(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	count, page, args := sqlstore.AuditQueries(audit.Filter{Object: "case:01a219c3-074f-7c7c-bf3c-44e05f41e4a5"})
	planUses(t, db, page, args, "", "audit_log_object")
	planUses(t, db, count, args[:len(args)-2], "", "audit_log_object")
}

// The staff list reads the staff in username order from the index of
// usernames, not every citizen's account (accounts_username holds only
// accounts with a username, which every staff account has).
func TestStaffListIndexed(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	q, args := sqlstore.StaffQuery(identity.StaffFilter{})
	planUses(t, db, q, args, "", "accounts_username")
}
