package sqlstore_test

import (
	"testing"

	"github.com/yushan-gov/yiwang/audit"
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
