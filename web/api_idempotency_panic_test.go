package web

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
	"github.com/yushan-gov/yiwang/idempotency"
)

// memKeys is an idempotency.Store in memory: enough for keyed's own rules.
type memKeys struct {
	mu sync.Mutex
	m  map[string]idempotency.Record
}

func (s *memKeys) IdempotencyRecord(_ context.Context, accountID, key string) (idempotency.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.m[accountID+"\x00"+key]
	if !ok {
		return r, yiwang.Errorf(yiwang.ENOTFOUND, "幂等键记录不存在")
	}
	return r, nil
}

func (s *memKeys) TakeOverKey(context.Context, string, string, string, string, time.Time) (bool, string, error) {
	return false, "", nil
}

func (s *memKeys) CompleteKey(_ context.Context, c idempotency.Claim, status int, response []byte, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[c.AccountID+"\x00"+c.Key] = idempotency.Record{AccountID: c.AccountID, Key: c.Key, Method: c.Method, Path: c.Path,
		RequestHash: c.RequestHash, Owner: c.Owner, Status: status, Response: response, CreatedAt: c.At, ReservedAt: c.At}
	return nil
}

func (s *memKeys) ReleaseKey(context.Context, string, string, string) error   { return nil }
func (s *memKeys) DeleteKey(context.Context, string, string, time.Time) error { return nil }
func (s *memKeys) DeleteKeysBefore(context.Context, time.Time) (int64, error) { return 0, nil }

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// TestKeyedPanicLetsKeyGo: a keyed handler that panics must not leave its
// key held in this process: the client's retry with the same key runs
// (here: succeeds) instead of being told 409 idempotency_in_progress for
// the next two minutes (idempotency.Stale).
func TestKeyedPanicLetsKeyGo(t *testing.T) {
	svc := &idempotency.Service{Store: &memKeys{m: map[string]idempotency.Record{}},
		Clock: fixedClock{time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)}}
	s := &Server{Idempotency: svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	req := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/cases/c1/accept", strings.NewReader(`{}`))
		r.Header.Set(idempotencyHeader, "k-panic")
		return r.WithContext(context.WithValue(r.Context(), actorKey, yiwang.Actor{AccountID: "acc-1", Name: "张三"}))
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the handler's panic was swallowed")
			}
		}()
		_ = s.keyed(http.StatusOK, func(http.ResponseWriter, *http.Request) error { panic("boom") })(httptest.NewRecorder(), req())
	}()
	svc.Wait()
	w := httptest.NewRecorder()
	err := s.keyed(http.StatusOK, func(w http.ResponseWriter, _ *http.Request) error {
		w.WriteHeader(http.StatusOK)
		_, err := w.Write([]byte(`{"ok":true}`))
		return err
	})(w, req())
	if err != nil || w.Code != http.StatusOK {
		t.Fatalf("retry after a panic: %v (code %q), status %d", err, yiwang.ErrorCode(err), w.Code)
	}
}
