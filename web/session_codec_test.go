package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
)

// TestSessionCodec: the store as codec reads and writes scs's gob
// encoding; what it remembers never leaks into what callers change, and
// the same data gives back the bytes it was read from.
func TestSessionCodec(t *testing.T) {
	q := newQuietStore(memstore.New())
	deadline := time.Now().Add(12 * time.Hour).UTC()
	vals := map[string]any{"account_id": "0193a", "amr": []string{"pwd", "totp"}, "auth_time": int64(1764100000000),
		"n": 3, "ok": true, "x": 1.5}
	b, err := scs.GobCodec{}.Encode(deadline, vals)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		d, got, err := q.Decode(b)
		if err != nil || !d.Equal(deadline) || !reflect.DeepEqual(got, vals) {
			t.Fatalf("decode %d: %v %v %v", i, d, got, err)
		}
		// What a request does to its copy stays in it.
		got["account_id"] = "changed"
		got["amr"].([]string)[0] = "changed"
		delete(got, "n")
	}
	if len(q.codes) != 1 {
		t.Fatalf("%d encodings remembered, want 1", len(q.codes))
	}
	// Unchanged data: the very bytes it was read from, whatever gob's map order.
	for range 20 {
		again, err := q.Encode(deadline, copyValues(vals))
		if err != nil || string(again) != string(b) {
			t.Fatal("unchanged data encoded to other bytes")
		}
	}
	// Changed data: its own encoding, which gob reads as the changed data.
	for _, change := range []func(map[string]any){
		func(m map[string]any) { m["amr"] = []string{"pwd"} },
		func(m map[string]any) { m["amr"] = []string{"pwd", "otp"} },
		func(m map[string]any) { m["n"] = int64(3) }, // same number, other type
		func(m map[string]any) { m["ok"] = false },
		func(m map[string]any) { m["x"] = 1.25 },
		func(m map[string]any) { delete(m, "x") },
		func(m map[string]any) { m["flash"] = "已保存" },
	} {
		m := copyValues(vals)
		change(m)
		nb, err := q.Encode(deadline, m)
		if err != nil || string(nb) == string(b) {
			t.Fatalf("changed data %v encoded as the old", m)
		}
		d, got, err := scs.GobCodec{}.Decode(nb)
		if err != nil || !d.Equal(deadline) || !reflect.DeepEqual(got, m) {
			t.Fatalf("changed data: gob reads %v %v", got, err)
		}
	}
	// Another deadline is other data.
	if nb, _ := q.Encode(deadline.Add(time.Second), copyValues(vals)); string(nb) == string(b) {
		t.Fatal("another deadline encoded as the old")
	}
	// A value of a type it does not know is encoded and read as gob does, never remembered.
	odd := map[string]any{"m": []int{1, 2}}
	n := len(q.codes)
	ob, err := q.Encode(deadline, odd)
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := q.Decode(ob); err != nil || !reflect.DeepEqual(got, odd) || len(q.codes) != n {
		t.Fatalf("unknown type: %v %v, %d remembered", got, err, len(q.codes)-n)
	}
	if _, _, err := q.Decode([]byte("not gob")); err == nil {
		t.Fatal("garbage decoded")
	}
}

// TestSessionCodecBounded: the remembered encodings stay bounded.
func TestSessionCodecBounded(t *testing.T) {
	q := newQuietStore(memstore.New())
	deadline := time.Now().Add(time.Hour)
	for i := range sessionCodes + 10 {
		if _, err := q.Encode(deadline, map[string]any{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
	if len(q.codes) > sessionCodes || len(q.bySum) > sessionCodes {
		t.Fatalf("%d encodings, %d sums remembered", len(q.codes), len(q.bySum))
	}
	b, _ := q.Encode(deadline, map[string]any{"i": sessionCodes + 9})
	if _, got, err := (scs.GobCodec{}).Decode(b); err != nil || got["i"] != sessionCodes+9 {
		t.Fatalf("after eviction: %v %v", got, err)
	}
}

// TestSessionCodecInstances: with sessions in a shared store, what one
// instance remembers never keeps a session another instance ended, and an
// unchanged session is written once.
func TestSessionCodecInstances(t *testing.T) {
	shared := &countingStore{MemStore: memstore.New()}
	manager := func() *scs.SessionManager {
		sm := scs.New()
		q := newQuietStore(shared)
		sm.Store, sm.Codec = q, q
		sm.IdleTimeout = 30 * time.Minute
		return sm
	}
	a, b := manager(), manager()
	var token string
	serve := func(sm *scs.SessionManager, h func(ctx context.Context)) string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if token != "" {
			req.AddCookie(&http.Cookie{Name: sm.Cookie.Name, Value: token})
		}
		sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(r.Context()) })).ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			if c.Name == sm.Cookie.Name {
				token = c.Value
			}
		}
		return token
	}
	serve(a, func(ctx context.Context) {
		a.Put(ctx, "account_id", "u1")
		a.Put(ctx, "amr", []string{"pwd"})
		a.Put(ctx, "auth_time", int64(42))
	})
	if token == "" || shared.commits != 1 {
		t.Fatalf("login: token %q, %d writes", token, shared.commits)
	}
	for _, sm := range []*scs.SessionManager{a, b, a, b, a} {
		serve(sm, func(ctx context.Context) {
			if sm.GetString(ctx, "account_id") != "u1" || !slices.Equal(sm.Get(ctx, "amr").([]string), []string{"pwd"}) ||
				sm.GetInt64(ctx, "auth_time") != 42 {
				t.Fatalf("session lost: %v", sm.Keys(ctx))
			}
		})
	}
	// a wrote it; b wrote it once (it never wrote it before); no more.
	if shared.commits != 2 {
		t.Fatalf("%d writes of an unchanged session, want 2", shared.commits)
	}
	// Logout on b: a no longer knows the session.
	serve(b, func(ctx context.Context) {
		if err := b.Destroy(ctx); err != nil {
			t.Fatal(err)
		}
	})
	serve(a, func(ctx context.Context) {
		if a.GetString(ctx, "account_id") != "" {
			t.Fatal("a session ended on another instance is still logged in")
		}
	})
}
