package yiwang

import "slices"

// Role is a staff role. Stored in the database: never rename a value.
type Role string

// Staff roles. The last three are the separated administrator roles (三权分立):
// an account holds at most one of them and no business role beside it.
const (
	RoleWindowClerk       Role = "window_clerk"       // 窗口人员
	RoleAgentClerk        Role = "agent_clerk"        // 代办员
	RoleCaseOfficer       Role = "case_officer"       // 承办人
	RoleDeptHead          Role = "dept_head"          // 部门负责人
	RoleCatalogMaintainer Role = "catalog_maintainer" // 事项维护员
	RoleSupervisor        Role = "supervisor"         // 监察人员
	RoleHotlineOperator   Role = "hotline_operator"   // 12345热线话务员
	RoleSysAdmin          Role = "sys_admin"          // 系统管理员
	RoleSecAdmin          Role = "sec_admin"          // 安全管理员
	RoleAuditAdmin        Role = "audit_admin"        // 审计管理员
)

// Roles lists every role in display order.
var Roles = []Role{RoleWindowClerk, RoleAgentClerk, RoleCaseOfficer, RoleDeptHead,
	RoleCatalogMaintainer, RoleSupervisor, RoleHotlineOperator, RoleSysAdmin, RoleSecAdmin, RoleAuditAdmin}

var roleNames = map[Role]string{
	RoleWindowClerk: "窗口人员", RoleAgentClerk: "代办员", RoleCaseOfficer: "承办人",
	RoleDeptHead: "部门负责人", RoleCatalogMaintainer: "事项维护员", RoleSupervisor: "监察人员",
	RoleHotlineOperator: "12345热线话务员", RoleSysAdmin: "系统管理员", RoleSecAdmin: "安全管理员",
	RoleAuditAdmin: "审计管理员",
}

// Name returns the role's Chinese name.
func (r Role) Name() string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleNames[r]; return ok }

// Admin reports whether r is one of the three separated administrator roles.
func (r Role) Admin() bool {
	return r == RoleSysAdmin || r == RoleSecAdmin || r == RoleAuditAdmin
}

// AccountKind says what sort of user an account belongs to. Stored: never renumber.
type AccountKind string

// Account kinds.
const (
	KindCitizen    AccountKind = "citizen"    // 自然人
	KindEnterprise AccountKind = "enterprise" // 法人 (a person acting for an enterprise)
	KindStaff      AccountKind = "staff"      // 工作人员
)

// Actor is whoever performs an action: a logged-in person, a system, or nobody.
type Actor struct {
	AccountID    string
	Name         string
	Kind         AccountKind
	OrgID        string // staff: the org the account belongs to
	Roles        []Role
	EnterpriseID string // enterprise users: the enterprise they act for
	IP           string
	Channel      string // web, api, cli
}

// Anonymous reports whether nobody is logged in.
func (a Actor) Anonymous() bool { return a.AccountID == "" }

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// HasAny reports whether the actor holds any of the roles.
func (a Actor) HasAny(rs ...Role) bool {
	for _, r := range rs {
		if a.Has(r) {
			return true
		}
	}
	return false
}

// System returns the actor used for work the platform does by itself.
func System(channel string) Actor {
	return Actor{AccountID: "system", Name: "系统", Kind: KindStaff, Channel: channel}
}
