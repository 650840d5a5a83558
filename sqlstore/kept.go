package sqlstore

import (
	"sync"
	"time"
)

// kept is a value read from the database that rarely changes, kept for up
// to keptTTL: the catalog generation (catalog_generation.go), the org
// tree's links and the orgs (orgs.go). This DB's own writes of it forget it as soon as
// they commit, so a change shows at once on the instance that made it;
// another instance, or another process on the same SQLite file, sees it
// within keptTTL.
type kept[T any] struct {
	mu    sync.Mutex
	v     T
	at    time.Time // when it was read; zero: nothing kept
	epoch uint64    // moved by every write of this DB that changes it
}

// keptTTL bounds how long a kept read is used.
const keptTTL = time.Second

// get returns the kept value if it is younger than keptTTL.
func (c *kept[T]) get(now time.Time) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() || now.Sub(c.at) >= keptTTL {
		var zero T
		return zero, false
	}
	return c.v, true
}

// begin returns the epoch a read starts in.
func (c *kept[T]) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// keep keeps v, read at at in epoch, unless a write committed since the
// read began (it may have read the value before that write).
func (c *kept[T]) keep(v T, epoch uint64, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch == c.epoch {
		c.v, c.at = v, at
	}
}

// forget drops the kept value; called once a write that changed it has
// committed.
func (c *kept[T]) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	c.at = time.Time{}
}
