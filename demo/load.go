// Package demo loads the Yushan District demo data: the real organisation
// chart, staff accounts for every role, citizens, an enterprise and the
// population base entries that let demo citizens reach real-name level 2.
package demo

import (
	"context"
	"fmt"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/org"
)

// Store is what loading the demo needs.
type Store interface {
	org.Store
	identity.Store
	CatalogStore
	ArticleStore
	LicenseTypeStore
	AddPopulation(ctx context.Context, name, idcard string, demo bool) error
}

// StaffPassword is the password of every demo staff account. Demo data is
// for trying the platform; production runs without it.
const StaffPassword = "Yushan2026demo"

// CitizenPassword is the password of the demo citizens.
const CitizenPassword = "Yushan2026"

// StaffSpec is one demo staff account.
type StaffSpec struct {
	Username string
	Name     string
	OrgKey   string
	Roles    []yiwang.Role
}

// Staff lists the demo staff: one account per role, in real places.
var Staff = []StaffSpec{
	{"admin", "系统管理员", "dept-gov-office", []yiwang.Role{yiwang.RoleSysAdmin}},
	{"secadmin", "安全管理员", "dept-gov-office", []yiwang.Role{yiwang.RoleSecAdmin}},
	{"auditor", "审计管理员", "dept-supervision", []yiwang.Role{yiwang.RoleAuditAdmin}},
	{"clerk", "王窗口", "window-01", []yiwang.Role{yiwang.RoleWindowClerk}},
	{"agent", "李代办", "xiangshan-nanzhuang-agent", []yiwang.Role{yiwang.RoleAgentClerk}},
	{"officer", "赵承办", "dept-amr", []yiwang.Role{yiwang.RoleCaseOfficer}},
	{"head", "钱科长", "dept-amr", []yiwang.Role{yiwang.RoleDeptHead}},
	{"township", "吴审批", "xiangshan", []yiwang.Role{yiwang.RoleCaseOfficer}},
	{"land", "郑国土", "dept-land", []yiwang.Role{yiwang.RoleCaseOfficer}},
	{"agri", "冯农业", "dept-agri", []yiwang.Role{yiwang.RoleCaseOfficer}},
	{"urban", "陈城管", "dept-urban", []yiwang.Role{yiwang.RoleCaseOfficer}},
	{"police", "褚交警", "dept-police", []yiwang.Role{yiwang.RoleCaseOfficer}},
	{"catalog", "孙维护", "dept-amr", []yiwang.Role{yiwang.RoleCatalogMaintainer}},
	{"catalogadmin", "周目录", "yushan", []yiwang.Role{yiwang.RoleCatalogMaintainer}},
	{"supervisor", "周督查", "dept-dcjx", []yiwang.Role{yiwang.RoleSupervisor}},
	{"hotline", "林话务", "yushan-center", []yiwang.Role{yiwang.RoleHotlineOperator}},
}

// Person is a demo resident.
type Person struct {
	Name       string
	IDCard     string
	Mobile     string
	Registered bool // has an account from the start
}

func idcard(first17 string) string {
	c, err := idcode.IDCardCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// People are demo residents in the population base. Their ID numbers have
// valid check characters and belong to no one.
var People = []Person{
	{"张三", idcard("34050419850312001"), "13800000001", true},
	{"王五", idcard("34050419900708002"), "13800000002", true},
	{"李四", idcard("34050419781120003"), "13800000003", false},
	{"陈秀英", idcard("34050419520405004"), "13800000004", false},
}

// Enterprise is the demo enterprise: an individual business run by 张三,
// with 王五 authorised as its agent.
var Enterprise = identity.Enterprise{Name: "雨山区张三小吃店", LegalRepName: "张三"}

// EnterpriseCode returns the demo enterprise's (made-up, valid) credit code.
func EnterpriseCode() string {
	c, err := idcode.MakeCreditCode('9', '2', "340504", "MA2T0001")
	if err != nil {
		panic(err)
	}
	return c
}

// Result tells what was loaded, for the start-up log.
type Result struct {
	Orgs        int
	Items       int               // published implementation entries
	StaffSecret map[string]string // username → TOTP secret
}

// Load loads the demo data into an empty database. clock stamps every record.
func Load(ctx context.Context, st Store, clock yiwang.Clock) (Result, error) {
	res := Result{StaffSecret: map[string]string{}}
	sys := yiwang.System("demo")
	now := clock.Now()
	byKey, err := LoadOrgs(ctx, st, clock)
	if err != nil {
		return res, err
	}
	ids := map[string]string{}
	for k, o := range byKey {
		ids[k] = o.ID
	}
	res.Orgs = len(DemoOrgs)

	for _, s := range Staff {
		orgID, ok := ids[s.OrgKey]
		if !ok {
			return res, fmt.Errorf("demo staff %s: org %s missing", s.Username, s.OrgKey)
		}
		secret, err := identity.NewTOTPSecret("雨山区政务服务网", s.Username)
		if err != nil {
			return res, err
		}
		a := identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindStaff, Username: s.Username, Name: s.Name,
			OrgID: orgID, Roles: s.Roles, Status: identity.StatusActive, Demo: true,
			PasswordHash: identity.HashPassword(StaffPassword), TOTPSecret: secret, CreatedAt: now, UpdatedAt: now}
		e := audit.New(sys, now, "account.create", "account:"+a.ID, audit.ResultOK, "演示工作人员账号 "+s.Username)
		if err := st.CreateAccount(ctx, a, e); err != nil {
			return res, fmt.Errorf("demo staff %s: %w", s.Username, err)
		}
		res.StaffSecret[s.Username] = secret
	}

	accounts := map[string]string{}
	for _, p := range People {
		if err := st.AddPopulation(ctx, p.Name, p.IDCard, true); err != nil {
			return res, fmt.Errorf("demo population: %w", err)
		}
		if !p.Registered {
			continue
		}
		a := identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindCitizen, Name: p.Name, Mobile: p.Mobile,
			IDCard: p.IDCard, RealNameLevel: identity.RealNameIDCheck, Status: identity.StatusActive, Demo: true,
			PasswordHash: identity.HashPassword(CitizenPassword), CreatedAt: now, UpdatedAt: now}
		e := audit.New(sys, now, "account.register", "account:"+a.ID, audit.ResultOK, "演示自然人账号")
		if err := st.CreateAccount(ctx, a, e); err != nil {
			return res, fmt.Errorf("demo citizen: %w", err)
		}
		accounts[p.Name] = a.ID
	}

	ent := Enterprise
	ent.ID, ent.CreditCode, ent.LegalRepID, ent.Demo = yiwang.NewID(), EnterpriseCode(), People[0].IDCard, true
	ent.CreatedBy, ent.CreatedAt = accounts["张三"], now
	rep := identity.Member{EnterpriseID: ent.ID, AccountID: accounts["张三"], Role: identity.MemberLegalRep,
		GrantedBy: accounts["张三"], GrantedAt: now}
	if err := st.CreateEnterprise(ctx, ent, rep, audit.New(sys, now, "enterprise.register", "enterprise:"+ent.ID,
		audit.ResultOK, "演示企业")); err != nil {
		return res, fmt.Errorf("demo enterprise: %w", err)
	}
	if res.Items, err = LoadItems(ctx, st, clock, byKey, AllItems()); err != nil {
		return res, err
	}
	if _, err = LoadArticles(ctx, st, clock, byKey); err != nil {
		return res, err
	}
	if err := LoadLicenseTypes(ctx, st, byKey["dept-gov-office"], clock); err != nil {
		return res, err
	}
	agent := identity.Member{EnterpriseID: ent.ID, AccountID: accounts["王五"], Role: identity.MemberAgent,
		GrantedBy: accounts["张三"], GrantedAt: now}
	if err := st.AddMember(ctx, agent, audit.New(sys, now, "enterprise.agent_add", "enterprise:"+ent.ID,
		audit.ResultOK, "演示经办人")); err != nil {
		return res, fmt.Errorf("demo enterprise agent: %w", err)
	}
	return res, nil
}

// demoCreditCode makes the (made-up, valid) credit code of a demo org:
// departments and centres from their OrgBody; township and street
// governments (机关, 11) and village and community committees (基层群众性
// 自治组织, 54) from their region code, because they implement items too.
func demoCreditCode(s OrgSpec) (string, error) {
	switch {
	case s.OrgBody != "":
		return idcode.MakeCreditCode('1', '1', "340504", s.OrgBody)
	case s.Kind == org.KindTown || s.Kind == org.KindTownship || s.Kind == org.KindStreet || s.Kind == org.KindDevZone:
		return idcode.MakeCreditCode('1', '1', "340504", "MC"+s.RegionCode[6:12])
	case s.Kind == org.KindVillage || s.Kind == org.KindCommunity:
		return idcode.MakeCreditCode('5', '4', "340504", "MD"+s.RegionCode[6:12])
	}
	return "", nil
}

// LoadOrgs loads the Yushan organisation chart alone (no accounts): how a
// production installation starts before its first administrator is made.
// It returns the orgs by their key in DemoOrgs.
func LoadOrgs(ctx context.Context, st org.Store, clock yiwang.Clock) (map[string]org.Org, error) {
	sys := yiwang.System("demo")
	now := clock.Now()
	byKey := map[string]org.Org{}
	for i, s := range DemoOrgs {
		o := org.Org{ID: yiwang.NewID(), Kind: s.Kind, Name: s.Name, RegionCode: s.RegionCode, Demo: true,
			Address: s.Address, Phone: s.Phone, Hours: s.Hours, Sort: i, Version: 1, CreatedAt: now, UpdatedAt: now}
		var parent *org.Org
		if s.Parent != "" {
			p, ok := byKey[s.Parent]
			if !ok {
				return nil, fmt.Errorf("demo org %s: parent %s not loaded", s.Key, s.Parent)
			}
			parent, o.ParentID = &p, p.ID
		}
		code, err := demoCreditCode(s)
		if err != nil {
			return nil, fmt.Errorf("demo org %s: %w", s.Key, err)
		}
		o.CreditCode = code
		if err := org.Validate(&o, parent); err != nil {
			return nil, fmt.Errorf("demo org %s: %w", s.Key, err)
		}
		e := audit.New(sys, now, "org.create", "org:"+o.ID, audit.ResultOK, "组织机构："+o.Name)
		if err := st.CreateOrg(ctx, o, e); err != nil {
			return nil, fmt.Errorf("demo org %s: %w", s.Key, err)
		}
		byKey[s.Key] = o
	}
	return byKey, nil
}
