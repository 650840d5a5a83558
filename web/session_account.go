package web

import (
	"context"
	"net/http"
	"time"

	"github.com/yushan-gov/yiwang/identity"
)

// A signed-in request needs its session and its account with its roles. A
// store that reads both in one query (sqlstore.SessionStore) is asked for
// both when scs loads the session (FindCtx), and withActor takes the
// account from there instead of reading it again: on PostgreSQL a round
// trip fewer on every signed-in request. The account travels in a holder
// that prefetchAccount puts in the request's context before scs loads the
// session, and is used only when it is the account the session names. It
// is read with the session, on every request, so it is never older than
// the request.

// accountSessions is a session store that keeps, beside a session's data,
// the account it is signed in as.
type accountSessions interface {
	FindWithAccount(ctx context.Context, token string) ([]byte, bool, *identity.Account, error)
	CommitAccount(token string, b []byte, expiry time.Time, accountID string) error
}

type prefetchKey struct{}

// prefetched holds the account read with a request's session.
type prefetched struct{ account *identity.Account }

// prefetchAccount gives the request a holder for the account read with its
// session; it wraps the session manager's LoadAndSave.
func prefetchAccount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), prefetchKey{}, &prefetched{})))
	})
}

// FindCtx is Find, with the account the session is signed in as read in
// the same query into the request's holder, where the store can.
func (q *quietStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	as, ok := q.Store.(accountSessions)
	if !ok {
		return q.Store.Find(token)
	}
	b, found, a, err := as.FindWithAccount(ctx, token)
	if p, ok := ctx.Value(prefetchKey{}).(*prefetched); ok && found && err == nil {
		p.account = a
	}
	return b, found, err
}

// write stores a session, with the account it is signed in as where the
// store keeps it.
func (q *quietStore) write(token string, b []byte, expiry time.Time) error {
	as, ok := q.Store.(accountSessions)
	if !ok {
		return q.Store.Commit(token, b, expiry)
	}
	return as.CommitAccount(token, b, expiry, q.accountOf(b))
}

// accountOf is the account the session data b is signed in as, "" none.
func (q *quietStore) accountOf(b []byte) string {
	q.mu.Lock()
	d, ok := q.codes[string(b)]
	var id string
	if ok {
		id, _ = d.values[sessAccount].(string)
	}
	q.mu.Unlock()
	if ok {
		return id
	}
	if _, vals, err := q.Decode(b); err == nil {
		id, _ = vals[sessAccount].(string)
	}
	return id
}

// sessionAccount is account id, which the request's session is signed in
// as: the one read with the session, or read now.
func (s *Server) sessionAccount(ctx context.Context, id string) (identity.Account, error) {
	if p, ok := ctx.Value(prefetchKey{}).(*prefetched); ok && p.account != nil && p.account.ID == id {
		return *p.account, nil
	}
	return s.Identity.Get(ctx, id)
}
