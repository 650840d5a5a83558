package sqlstore

import (
	"context"
	"database/sql"
	"time"
)

// The catalog generation is read by every request that uses the catalog
// (an application, an item's page, a search) to know whether the
// catalog's in-memory caches still hold. It moves only when the published
// catalog changes, so a DB keeps the generation it read for up to keptTTL
// (kept.go): on PostgreSQL a round trip fewer on nearly every request.

// Generation returns the catalog generation, as read at most
// keptTTL ago (see above).
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
