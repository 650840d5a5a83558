package identity_test

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// start is a Monday, 10:00 in Shanghai.
var start = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// env is one test's world: a database holding the demo data and the services.
type env struct {
	ctx context.Context
	db  *sqlstore.DB
	clk *yiwangtest.Clock
	svc *identity.Service
}

// forEngine runs fn once per engine, each with a fresh database holding the
// demo data.
func forEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { fn(t, newEnv(t, engine)) })
	}
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	ctx := context.Background()
	db := yiwangtest.NewDB(t, engine)
	clk := yiwangtest.NewClock(start)
	loadDemo(t, db, clk)
	svc := &identity.Service{Store: db, Orgs: &org.Service{Store: db, Clock: clk}, Clock: clk,
		Log: slog.New(slog.DiscardHandler)}
	return &env{ctx: ctx, db: db, clk: clk, svc: svc}
}

var (
	hashOnce               sync.Once
	staffHash, citizenHash string
)

// loadDemo stores the demo staff, people and enterprise as demo.Load does
// (which demo's own tests cover), with only the orgs the staff belong to,
// and hashes the two demo passwords once per test binary instead of once
// per account: argon2 takes tens of milliseconds.
func loadDemo(t *testing.T, db *sqlstore.DB, clk yiwang.Clock) {
	t.Helper()
	ctx := context.Background()
	hashOnce.Do(func() {
		staffHash, citizenHash = identity.HashPassword(demo.StaffPassword), identity.HashPassword(demo.CitizenPassword)
	})
	sys, now := yiwang.System("test"), clk.Now()
	entry := func(action, object string) audit.Entry {
		return audit.New(sys, now, action, object, audit.ResultOK, "测试数据")
	}

	needed := map[string]bool{}
	for _, s := range demo.Staff {
		needed[s.OrgKey] = true
	}
	for i := len(demo.DemoOrgs) - 1; i >= 0; i-- {
		if s := demo.DemoOrgs[i]; needed[s.Key] && s.Parent != "" {
			needed[s.Parent] = true
		}
	}
	orgs := map[string]org.Org{}
	for i, s := range demo.DemoOrgs {
		if !needed[s.Key] {
			continue
		}
		o := org.Org{ID: yiwang.NewID(), Kind: s.Kind, Name: s.Name, RegionCode: s.RegionCode, Demo: true,
			Sort: i, Version: 1, CreatedAt: now, UpdatedAt: now}
		var parent *org.Org
		if s.Parent != "" {
			p := orgs[s.Parent]
			parent, o.ParentID = &p, p.ID
		}
		if s.OrgBody != "" {
			o.CreditCode, _ = idcode.MakeCreditCode('1', '1', "340504", s.OrgBody)
		}
		if err := org.Validate(&o, parent); err != nil {
			t.Fatalf("org %s: %v", s.Key, err)
		}
		if err := db.CreateOrg(ctx, o, entry("org.create", "org:"+o.ID)); err != nil {
			t.Fatal(err)
		}
		orgs[s.Key] = o
	}
	for _, s := range demo.Staff {
		secret, err := identity.NewTOTPSecret("测试", s.Username)
		if err != nil {
			t.Fatal(err)
		}
		a := identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindStaff, Username: s.Username, Name: s.Name,
			OrgID: orgs[s.OrgKey].ID, Roles: s.Roles, Status: identity.StatusActive, Demo: true,
			PasswordHash: staffHash, TOTPSecret: secret, CreatedAt: now, UpdatedAt: now}
		if err := db.CreateAccount(ctx, a, entry("account.create", "account:"+a.ID)); err != nil {
			t.Fatal(err)
		}
	}
	accounts := map[string]string{}
	for _, p := range demo.People {
		if err := db.AddPopulation(ctx, p.Name, p.IDCard, true); err != nil {
			t.Fatal(err)
		}
		if !p.Registered {
			continue
		}
		a := identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindCitizen, Name: p.Name, Mobile: p.Mobile,
			IDCard: p.IDCard, RealNameLevel: identity.RealNameIDCheck, Status: identity.StatusActive, Demo: true,
			PasswordHash: citizenHash, CreatedAt: now, UpdatedAt: now}
		if err := db.CreateAccount(ctx, a, entry("account.register", "account:"+a.ID)); err != nil {
			t.Fatal(err)
		}
		accounts[p.Name] = a.ID
	}
	ent := demo.Enterprise
	ent.ID, ent.CreditCode, ent.LegalRepID, ent.Demo = yiwang.NewID(), demo.EnterpriseCode(), person(t, "张三").IDCard, true
	ent.CreatedBy, ent.CreatedAt = accounts["张三"], now
	rep := identity.Member{EnterpriseID: ent.ID, AccountID: accounts["张三"], Role: identity.MemberLegalRep,
		GrantedBy: accounts["张三"], GrantedAt: now}
	if err := db.CreateEnterprise(ctx, ent, rep, entry("enterprise.register", "enterprise:"+ent.ID)); err != nil {
		t.Fatal(err)
	}
	agent := identity.Member{EnterpriseID: ent.ID, AccountID: accounts["王五"], Role: identity.MemberAgent,
		GrantedBy: accounts["张三"], GrantedAt: now}
	if err := db.AddMember(ctx, agent, entry("enterprise.agent_add", "enterprise:"+ent.ID)); err != nil {
		t.Fatal(err)
	}
}

// staff returns a demo staff account by username.
func (e *env) staff(t *testing.T, username string) identity.Account {
	t.Helper()
	a, err := e.db.AccountByUsername(e.ctx, username)
	if err != nil {
		t.Fatalf("staff %s: %v", username, err)
	}
	return a
}

// citizen returns the citizen account registered with mobile.
func (e *env) citizen(t *testing.T, mobile string) identity.Account {
	t.Helper()
	a, err := e.db.CitizenByMobile(e.ctx, mobile)
	if err != nil {
		t.Fatalf("citizen %s: %v", mobile, err)
	}
	return a
}

func (e *env) actor(t *testing.T, username string) yiwang.Actor {
	t.Helper()
	return e.staff(t, username).Actor("10.0.0.1", "web")
}

// count returns the number of rows in a table.
func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

var codeRE = regexp.MustCompile(`\d{6}`)

// sendCode asks for a one-time code and reads it from the outbox, as the
// person would from their phone.
func (e *env) sendCode(t *testing.T, purpose, mobile string) string {
	t.Helper()
	if err := e.svc.SendCode(e.ctx, purpose, mobile, "10.0.0.9"); err != nil {
		t.Fatalf("SendCode(%s, %s): %v", purpose, mobile, err)
	}
	return e.lastCode(t, mobile)
}

// lastCode returns the code in the newest message to mobile.
func (e *env) lastCode(t *testing.T, mobile string) string {
	t.Helper()
	ms, err := e.db.RecentMessages(e.ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Recipient != mobile {
			continue
		}
		c := codeRE.FindString(m.Body)
		if c == "" {
			t.Fatalf("no code in message %q", m.Body)
		}
		return c
	}
	t.Fatalf("no message to %s", mobile)
	return ""
}

// audits returns the audit entries matching f.
func (e *env) audits(t *testing.T, f audit.Filter) []audit.Entry {
	t.Helper()
	f.Limit = 500
	es, _, err := e.db.ListAudit(e.ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// otherCode returns a six-digit code different from code.
func otherCode(code string) string {
	b := []byte(code)
	b[5] = '0' + (b[5]-'0'+1)%10
	return string(b)
}

// newIDCard returns a valid 居民身份证号 from its first 17 digits.
func newIDCard(t *testing.T, first17 string) string {
	t.Helper()
	c, err := idcode.IDCardCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// wrongCheck returns id with a wrong check character.
func wrongCheck(id string) string {
	last := id[17]
	for _, c := range []byte("0123456789X") {
		if c != last {
			return id[:17] + string(c)
		}
	}
	panic("unreachable")
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// wantErr fails unless err has the given code, a Chinese message, and (when
// field is not "") a Chinese problem for that field.
func wantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := yiwang.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %s", got, err, code)
	}
	if code == "" {
		return
	}
	if msg := yiwang.ErrorMessage(err); !hasHan(msg) {
		t.Errorf("message %q is not Chinese", msg)
	}
	if field == "" {
		return
	}
	fields := yiwang.ErrorFields(err)
	if p, ok := fields[field]; !ok || !hasHan(p) {
		t.Errorf("fields = %v, want a Chinese problem for %q", fields, field)
	}
}

func sortedRoles(rs []yiwang.Role) []yiwang.Role {
	out := slices.Clone(rs)
	slices.Sort(out)
	if out == nil {
		out = []yiwang.Role{}
	}
	return out
}

// person returns the demo person with the given name.
func person(t *testing.T, name string) demo.Person {
	t.Helper()
	for _, p := range demo.People {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no demo person %s", name)
	return demo.Person{}
}
