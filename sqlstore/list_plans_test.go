package sqlstore_test

import (
	"testing"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/supervision"
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

// The open alerts are listed and counted from their indexes in order
// (migration 00028): the district's list, an org's, and the counts by org
// and level, without sorting every open alert.
func TestOpenAlertsIndexed(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	q, args := sqlstore.AlertsQuery(supervision.AlertFilter{Open: true, Limit: 201})
	planUses(t, db, q, args, "", "supervision_alerts_list")
	q, args = sqlstore.AlertsQuery(supervision.AlertFilter{Open: true, Level: supervision.Red, Limit: 201})
	planUses(t, db, q, args, "", "supervision_alerts_list")
	q, args = sqlstore.AlertsQuery(supervision.AlertFilter{Open: true, OrgIDs: []string{"a", "b"}, Limit: 201})
	planUses(t, db, q, args, "CO-ROUTINE o0", "supervision_alerts_org_list")
	planUses(t, db, q, args, "CO-ROUTINE o1", "supervision_alerts_org_list")
	q, args = sqlstore.AlertCountsQuery(nil)
	planUses(t, db, q, args, "", "supervision_alerts_org_list")
	q, args = sqlstore.AlertCountsQuery([]string{"a", "b"})
	planUses(t, db, q, args, "", "supervision_alerts_org_list")
}

// The licences of several issuers are read issuer by issuer from
// licenses_issuer, newest first, and merged; only licences issued in the
// same instant are sorted among themselves (by id).
func TestLicensesOfIssuersIndexed(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	q, args := sqlstore.LicensesQuery(license.ListQuery{OrgIDs: []string{"a", "b"}, Q: "食品", Limit: 100})
	planReads(t, db, q, args, "CO-ROUTINE l0", "licenses_issuer", true)
	planReads(t, db, q, args, "CO-ROUTINE l1", "licenses_issuer", true)
	q, args = sqlstore.LicensesQuery(license.ListQuery{OrgIDs: []string{"a"}, Limit: 100})
	planReads(t, db, q, args, "", "licenses_issuer", true)
}
