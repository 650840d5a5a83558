package webhook_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/webhook"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// env is the demo platform with cases and webhooks on one engine.
type env struct {
	ctx                     context.Context
	db                      *sqlstore.DB
	clk                     *yiwangtest.Clock
	cases                   *casework.Service
	hooks                   *webhook.Service
	orgs                    map[string]string // name → ID
	food                    catalog.Entry
	admin, citizen, officer yiwang.Actor
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: yiwangtest.NewDB(t, engine), orgs: map[string]string{},
		clk: yiwangtest.NewClock(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))}
	if _, err := demo.Load(e.ctx, e.db, e.clk); err != nil {
		t.Fatal(err)
	}
	orgs := &org.Service{Store: e.db, Clock: e.clk}
	cat := &catalog.Service{Store: e.db, Orgs: orgs, Clock: e.clk}
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	e.cases = &casework.Service{Store: e.db, Drafts: e.db, Catalog: cat, Orgs: orgs, Calendar: cal, Clock: e.clk}
	e.hooks = &webhook.Service{Store: e.db, Orgs: orgs, Clock: e.clk}
	all, err := orgs.Tree(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		e.orgs[o.Name] = o.ID
	}
	list, _ := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	for _, en := range list {
		if en.Base.Name == "食品经营许可" {
			e.food = en
		}
	}
	if !e.food.Online() || e.orgs["雨山区"] == "" || e.orgs["雨山区民政局"] == "" {
		t.Fatal("demo data lacks 食品经营许可 online, 雨山区 or 雨山区民政局")
	}
	for username, a := range map[string]*yiwang.Actor{"admin": &e.admin, "officer": &e.officer} {
		acc, err := e.db.AccountByUsername(e.ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		*a = acc.Actor("127.0.0.1", "web")
	}
	zhang, err := e.db.CitizenByMobile(e.ctx, demo.People[0].Mobile)
	if err != nil {
		t.Fatal(err)
	}
	e.citizen = zhang.Actor("127.0.0.1", "web")
	return e
}

// submit files a 食品经营许可 case as 张三.
func (e *env) submit(t *testing.T) casework.Case {
	t.Helper()
	var mats []casework.Material
	for i, m := range e.food.Guide.Materials {
		if m.Source == "applicant" {
			mats = append(mats, casework.Material{Index: i, FileID: strings.Repeat("a", 64)})
		}
	}
	c, err := e.cases.Submit(e.ctx, e.citizen, casework.Applicant{AccountID: e.citizen.AccountID, Name: demo.People[0].Name,
		Mobile: demo.People[0].Mobile, IDCard: demo.People[0].IDCard},
		casework.Application{EntryCode: e.food.Code, Materials: mats, Fields: map[string]string{"operator": "雨山区张三小吃店",
			"premises": "雨山区湖东路1号", "format": "餐饮服务经营者", "items": "热食类食品制售", "online": "否"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) subscribe(t *testing.T, url string, events []string, orgID string) webhook.Subscription {
	t.Helper()
	s, err := e.hooks.Create(e.ctx, e.admin, webhook.Input{URL: url, Events: events, OrgID: orgID})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) dispatcher() *webhook.Dispatcher {
	return &webhook.Dispatcher{Store: e.db, Clock: e.clk, Log: slog.New(slog.DiscardHandler), Jitter: func() float64 { return 0 }}
}

// received is one request a test receiver got.
type received struct {
	Path   string
	Header http.Header
	Body   []byte
}

// receiver is an HTTP server that records requests and answers with the
// status its answer function gives (200 when nil).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int) int // n: requests so far, from 1
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{Path: r.URL.Path, Header: r.Header.Clone(), Body: b})
		n, answer := len(rc.got), rc.answer
		rc.mu.Unlock()
		status := http.StatusOK
		if answer != nil {
			status = answer(n)
		}
		if status/100 == 3 {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}
