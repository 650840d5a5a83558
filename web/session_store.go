package web

import (
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
)

// quietStore skips writing a session whose data did not change when only
// its idle expiry moved, and by less than a minute. scs commits the session
// on every request to slide the idle timeout, which made every page view a
// database write: an fsync, and in SQLite a reset of every reader's page
// cache. A session may so end up to a minute before its 30 idle minutes.
// Each instance remembers only what it wrote itself; what another instance
// wrote is never overwritten by a skipped commit.
type quietStore struct {
	scs.Store
	mu   sync.Mutex
	last map[string]committed
	// The encodings remembered as the session codec (session_codec.go).
	codes map[string]*decoded // by their bytes
	bySum map[[32]byte]string // the bytes, by canonicalSum
}

type committed struct {
	sum    [32]byte
	expiry time.Time
}

// quietSlack is how far a session's stored expiry may lag behind.
const quietSlack = time.Minute

func newQuietStore(s scs.Store) *quietStore {
	return &quietStore{Store: s, last: map[string]committed{}, codes: map[string]*decoded{}, bySum: map[[32]byte]string{}}
}

// Commit stores the session unless the same data was stored by this
// instance with an expiry less than quietSlack older.
func (q *quietStore) Commit(token string, b []byte, expiry time.Time) error {
	sum := q.fingerprint(b)
	q.mu.Lock()
	c, ok := q.last[token]
	q.mu.Unlock()
	if ok && c.sum == sum && !expiry.Before(c.expiry) && expiry.Sub(c.expiry) < quietSlack {
		return nil
	}
	if err := q.write(token, b, expiry); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.last) >= 100000 { // forget sessions that have ended
		now := time.Now()
		for t, c := range q.last {
			if c.expiry.Before(now) {
				delete(q.last, t)
			}
		}
	}
	q.last[token] = committed{sum, expiry}
	return nil
}

// Delete removes the session and what this instance remembers of it.
func (q *quietStore) Delete(token string) error {
	q.mu.Lock()
	delete(q.last, token)
	q.mu.Unlock()
	return q.Store.Delete(token)
}
