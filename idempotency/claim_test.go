package idempotency_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// caseEnv is a demo database with the case engine and a citizen who
// applies for 食品经营许可.
type caseEnv struct {
	db      *sqlstore.DB
	clk     *yiwangtest.Clock
	idem    *idempotency.Service
	cases   *casework.Service
	citizen yiwang.Actor
	officer yiwang.Actor
	app     casework.Application
	who     casework.Applicant
}

func newCaseEnv(t *testing.T, engine string) *caseEnv {
	t.Helper()
	ctx := context.Background()
	idem, db, clk := newService(t, engine)
	if _, err := demo.Load(ctx, db, clk); err != nil {
		t.Fatal(err)
	}
	orgs := &org.Service{Store: db, Clock: clk}
	cat := &catalog.Service{Store: db, Orgs: orgs, Clock: clk}
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := &caseEnv{db: db, clk: clk, idem: idem,
		cases: &casework.Service{Store: db, Drafts: db, Catalog: cat, Orgs: orgs, Calendar: cal, Clock: clk}}
	list, _ := db.ListEntries(ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	var food catalog.Entry
	for _, en := range list {
		if en.Base.Name == "食品经营许可" {
			food = en
		}
	}
	var mats []casework.Material
	for i, m := range food.Guide.Materials {
		if m.Source == "applicant" {
			mats = append(mats, casework.Material{Index: i, FileID: strings.Repeat("a", 64)})
		}
	}
	e.app = casework.Application{EntryCode: food.Code, Materials: mats, Fields: map[string]string{"operator": "雨山区张三小吃店",
		"premises": "雨山区湖东路1号", "format": "餐饮服务经营者", "items": "热食类食品制售", "online": "否"}}
	zhang, err := db.CitizenByMobile(ctx, demo.People[0].Mobile)
	if err != nil {
		t.Fatal(err)
	}
	e.citizen = zhang.Actor("127.0.0.1", "api")
	e.who = casework.Applicant{AccountID: zhang.ID, Name: zhang.Name, Mobile: zhang.Mobile, IDCard: zhang.IDCard}
	off, err := db.AccountByUsername(ctx, "officer")
	if err != nil {
		t.Fatal(err)
	}
	e.officer = off.Actor("127.0.0.1", "api")
	return e
}

func (e *caseEnv) count(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM cases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *caseEnv) submit(claim idempotency.Claim) (casework.Case, error) {
	return e.cases.Submit(idempotency.WithClaim(context.Background(), claim), e.citizen, e.who, e.app)
}

// TestClaimBoundToCase: the case and its key are tied in one transaction,
// so a request that crashed after creating the case is answered from it,
// and an attempt that lost its reservation cannot create a second case.
func TestClaimBoundToCase(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			e := newCaseEnv(t, engine)
			body := `{"entry_code":"x"}`
			first, err := e.idem.Begin(ctx, req(e.citizen.AccountID, "k", body))
			if err != nil {
				t.Fatal(err)
			}
			c, err := e.submit(first.Claim)
			if err != nil {
				t.Fatal(err)
			}
			rec, _ := e.db.IdempotencyRecord(ctx, e.citizen.AccountID, "k")
			if rec.CaseID != c.ID || !rec.InFlight() {
				t.Fatalf("record after the case: %+v", rec)
			}
			// The request dies here, before storing its answer. A failure
			// answer does not free a key that already made a case.
			if err := e.idem.Finish(ctx, idempotency.Claim{AccountID: e.citizen.AccountID, Key: "k", Owner: first.Claim.Owner}, 500, nil); err != nil {
				t.Fatal(err)
			}
			// Another instance (it never held the key in memory) and this
			// one answer a retry from the case at once: the change is
			// committed, only its answer is missing.
			other := &idempotency.Service{Store: e.db, Clock: e.clk}
			rescue, err := other.Begin(ctx, req(e.citizen.AccountID, "k", body))
			if err != nil || rescue.CaseID != c.ID {
				t.Fatalf("retry on another instance: %+v %v", rescue, err)
			}
			_ = other.Finish(ctx, rescue.Claim, 201, []byte(`{"from":"case"}`))
			if r, err := e.idem.Begin(ctx, req(e.citizen.AccountID, "k", body)); err != nil || r.Replay == nil ||
				string(r.Replay.Response) != `{"from":"case"}` {
				t.Fatalf("retry after the answer from the case: %+v %v", r, err)
			}
			if n := e.count(t); n != 1 {
				t.Fatalf("%d cases", n)
			}

			// A slow attempt whose reservation was taken over cannot create a case.
			slow, _ := e.idem.Begin(ctx, req(e.citizen.AccountID, "k2", body))
			e.clk.Advance(idempotency.Stale + time.Second)
			fast, err := e.idem.Begin(ctx, req(e.citizen.AccountID, "k2", body))
			if err != nil || fast.CaseID != "" {
				t.Fatalf("take over: %+v %v", fast, err)
			}
			if _, err := e.submit(slow.Claim); yiwang.ErrorCode(err) != idempotency.CodeInProgress {
				t.Fatalf("the overtaken attempt: %v", err)
			}
			if n := e.count(t); n != 1 {
				t.Fatalf("the overtaken attempt made a case: %d cases", n)
			}
			c2, err := e.submit(fast.Claim)
			if err != nil {
				t.Fatal(err)
			}
			// An action on a case is bound the same way.
			acc, _ := e.idem.Begin(ctx, req(e.officer.AccountID, "k3", `{}`))
			if _, err := e.cases.Accept(idempotency.WithClaim(ctx, acc.Claim), e.officer, c2.ID); err != nil {
				t.Fatal(err)
			}
			if rec, _ := e.db.IdempotencyRecord(ctx, e.officer.AccountID, "k3"); rec.CaseID != c2.ID {
				t.Fatalf("accept not bound: %+v", rec)
			}
		})
	}
}

// TestConcurrentSubmissions: many simultaneous submissions with one key,
// each going through Begin and Submit as the API does, on two instances
// (two Services, one database), make one case; the others are told the key
// is in progress, or get the answer.
func TestConcurrentSubmissions(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			e := newCaseEnv(t, engine)
			const n = 12
			svcs := []*idempotency.Service{e.idem, {Store: e.db, Clock: e.clk}}
			var wg sync.WaitGroup
			var mu sync.Mutex
			made := 0
			for i := range n {
				svc := svcs[i%2]
				wg.Add(1)
				go func() {
					defer wg.Done()
					out, err := svc.Begin(ctx, req(e.citizen.AccountID, "same", `{}`))
					if err != nil {
						if yiwang.ErrorCode(err) != idempotency.CodeInProgress {
							t.Errorf("begin: %v", err)
						}
						return
					}
					if out.Replay != nil || out.CaseID != "" {
						_ = svc.Finish(ctx, out.Claim, 201, []byte(`{}`))
						return
					}
					if _, err := e.submit(out.Claim); err != nil {
						if yiwang.ErrorCode(err) != idempotency.CodeInProgress {
							t.Errorf("submit: %v", err)
						}
						_ = svc.Finish(ctx, out.Claim, 409, nil)
						return
					}
					mu.Lock()
					made++
					mu.Unlock()
					_ = svc.Finish(ctx, out.Claim, 201, []byte(`{}`))
				}()
			}
			wg.Wait()
			if made != 1 || e.count(t) != 1 {
				t.Fatalf("%d submissions ran, %d cases; want 1", made, e.count(t))
			}
		})
	}
}
