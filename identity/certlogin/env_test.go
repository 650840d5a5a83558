package certlogin_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/identity/certlogin"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// env is one test's world: two enterprises, each with its legal
// representative, and an agent of the first.
type env struct {
	ctx   context.Context
	db    *sqlstore.DB
	clk   *yiwangtest.Clock
	svc   *certlogin.Service
	a, b  identity.Enterprise
	zhang yiwang.Actor // legal representative of a, acting for it
	wang  yiwang.Actor // agent of a, acting for it
	li    yiwang.Actor // legal representative of b, acting for it
}

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
	clk := yiwangtest.NewClock(time.Now().UTC().Truncate(time.Second))
	e := &env{ctx: ctx, db: db, clk: clk, svc: &certlogin.Service{Store: db, Clock: clk}}
	sys, now := yiwang.System("test"), clk.Now()
	entry := func(action, object string) audit.Entry {
		return audit.New(sys, now, action, object, audit.ResultOK, "测试数据")
	}
	account := func(p demo.Person) identity.Account {
		a := identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindCitizen, Name: p.Name, Mobile: p.Mobile, IDCard: p.IDCard,
			RealNameLevel: identity.RealNameIDCheck, Status: identity.StatusActive, CreatedAt: now, UpdatedAt: now}
		if err := db.CreateAccount(ctx, a, entry("account.register", "account:"+a.ID)); err != nil {
			t.Fatal(err)
		}
		return a
	}
	enterprise := func(name, code string, rep identity.Account) identity.Enterprise {
		ent := identity.Enterprise{ID: yiwang.NewID(), CreditCode: code, Name: name, LegalRepName: rep.Name,
			LegalRepID: rep.IDCard, CreatedBy: rep.ID, CreatedAt: now}
		m := identity.Member{EnterpriseID: ent.ID, AccountID: rep.ID, Role: identity.MemberLegalRep, GrantedBy: rep.ID, GrantedAt: now}
		if err := db.CreateEnterprise(ctx, ent, m, entry("enterprise.register", "enterprise:"+ent.ID)); err != nil {
			t.Fatal(err)
		}
		return ent
	}
	zhang, wang, li := account(demo.People[0]), account(demo.People[1]), account(demo.People[2])
	e.a = enterprise("雨山区张三小吃店", creditCode(t, "MA2T0001"), zhang)
	e.b = enterprise("雨山区李四五金店", creditCode(t, "MA2T0002"), li)
	agent := identity.Member{EnterpriseID: e.a.ID, AccountID: wang.ID, Role: identity.MemberAgent, GrantedBy: zhang.ID, GrantedAt: now}
	if err := db.AddMember(ctx, agent, entry("enterprise.agent_add", "enterprise:"+e.a.ID)); err != nil {
		t.Fatal(err)
	}
	acting := func(a identity.Account, ent identity.Enterprise) yiwang.Actor {
		act := a.Actor("10.0.0.7", "web")
		act.Kind, act.EnterpriseID = yiwang.KindEnterprise, ent.ID
		return act
	}
	e.zhang, e.wang, e.li = acting(zhang, e.a), acting(wang, e.a), acting(li, e.b)
	return e
}

// creditCode makes a valid credit code of an individual business in 雨山区.
func creditCode(t testing.TB, body string) string {
	t.Helper()
	c, err := idcode.MakeCreditCode('9', '2', "340504", body)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// count returns the number of rows in a table.
func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) audits(t *testing.T, f audit.Filter) []audit.Entry {
	t.Helper()
	f.Limit = 1000
	es, _, err := e.db.ListAudit(e.ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// wantReason checks err is a refusal with the code and reason, on field
// (when not ""), with a Chinese message containing want.
func wantReason(t *testing.T, err error, code, reason, field, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %s", code, reason)
	}
	if got := yiwang.ErrorCode(err); got != code {
		t.Fatalf("code %s, want %s (%v)", got, code, err)
	}
	if got := certlogin.Reason(err); got != reason {
		t.Fatalf("reason %q, want %q (%v)", got, reason, err)
	}
	msg := yiwang.ErrorMessage(err)
	if field != "" {
		msg = yiwang.ErrorFields(err)[field]
		if msg == "" {
			t.Fatalf("no message on field %s: %v", field, err)
		}
	}
	if !strings.Contains(msg, want) || !hasHan(msg) {
		t.Fatalf("message %q, want Chinese with %q", msg, want)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
