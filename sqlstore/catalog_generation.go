package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// The catalog generation is read by every request that uses the catalog
// (an application, an item's page, a search) to know whether the
// catalog's in-memory caches still hold. It moves only when the published
// catalog changes, so a DB keeps the generation it read for up to
// generationTTL: on PostgreSQL a round trip fewer on nearly every request.
// This DB's own catalog writes forget it as soon as they commit, so a
// publication shows at once on the instance that made it; another
// instance, or another process on the same SQLite file, sees it within
// generationTTL.

// generationTTL bounds how long a generation read is kept.
const generationTTL = time.Second

// generationCache is the generation last read and when.
type generationCache struct {
	mu    sync.Mutex
	gen   int64
	at    time.Time // when it was read; zero: nothing kept
	epoch uint64    // moved by every catalog write of this DB
}

// get returns the kept generation if it is younger than generationTTL.
func (c *generationCache) get(now time.Time) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() || now.Sub(c.at) >= generationTTL {
		return 0, false
	}
	return c.gen, true
}

// begin returns the epoch a read starts in.
func (c *generationCache) begin() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// keep keeps gen, read at at in epoch, unless a write committed since the
// read began (it may have read the generation before that write).
func (c *generationCache) keep(gen int64, epoch uint64, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch == c.epoch {
		c.gen, c.at = gen, at
	}
}

// forget drops the kept generation; called once a write that moved it
// has committed.
func (c *generationCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	c.at = time.Time{}
}

// Generation returns the catalog generation, as read at most
// generationTTL ago (see above).
func (db *DB) Generation(ctx context.Context) (int64, error) {
	now := time.Now()
	if g, ok := db.gen.get(now); ok {
		return g, nil
	}
	epoch := db.gen.begin()
	var g int64
	if err := db.read.QueryRowContext(ctx, `SELECT gen FROM catalog_generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, err
	}
	db.gen.keep(g, epoch, now)
	return g, nil
}

// catalogTx is tx for a write that moves the catalog generation: the kept
// generation is forgotten once it commits.
func (db *DB) catalogTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	defer db.gen.forget()
	return db.tx(ctx, fn)
}
