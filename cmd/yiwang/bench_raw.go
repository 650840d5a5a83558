package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for the PostgreSQL reference
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// rawBatch is how many rows one transaction of the batched reference holds.
const rawBatch = 100

// rawPayload is about as much text as a case row holds.
var rawPayload = strings.Repeat("雨山区政务服务基准测试", 24)

// raw measures the storage reference: single-row INSERT transactions, and
// the same rows inserted rawBatch to a transaction, into a fresh SQLite
// file opened as the server opens its writer (WAL, synchronous=FULL,
// BEGIN IMMEDIATE, one writer connection, prepared statements kept, the
// writer's own checkpoint at 10,000 pages; without the server's second,
// checkpointing connection, which these few megabytes would not need).
// Submissions per second divided by these rows per second is how close the
// server comes to what the disk allows.
// On PostgreSQL the same two run in a scratch table of the bench database,
// the single-row ones from as many connections as the submit workload.
func (b *benchRun) raw(ctx context.Context, dir string) error {
	n := b.size(5000, 2000)
	db, err := sqlstore.OpenSQLiteWriter(filepath.Join(dir, "raw.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := b.rawPair(ctx, db, "sqlite", n, 1); err != nil {
		return err
	}
	if b.backend != "postgres" {
		return nil
	}
	pg, err := sql.Open("pgx", b.cfg.DB)
	if err != nil {
		return err
	}
	defer pg.Close()
	conc := b.clients(64)
	pg.SetMaxOpenConns(conc)
	pg.SetMaxIdleConns(conc)
	defer pg.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS bench_raw`)
	return b.rawPair(ctx, pg, "postgres", n, conc)
}

// rawPair runs the single-row and the batched reference on db.
func (b *benchRun) rawPair(ctx context.Context, db *sql.DB, engine string, n, conc int) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_raw (id TEXT PRIMARY KEY, at TIMESTAMP NOT NULL, body TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("raw reference: %w", err)
	}
	insert := func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bench_raw (id, at, body) VALUES ($1, $2, $3)`,
			yiwang.NewID(), time.Now().UTC(), rawPayload)
		return err
	}
	inTx := func(rows int) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for range rows {
			if err := insert(tx); err != nil {
				tx.Rollback()
				return err
			}
		}
		return tx.Commit()
	}
	lat, elapsed, errs := b.measure(n, conc, b.deadline, func(int) error { return inTx(1) })
	report(b.out, benchResult{Workload: engine + "-raw-single-tx", Backend: engine, Concurrency: conc}, lat, elapsed, errs)

	// Batched: the latencies are those of whole transactions; n and the
	// throughput count rows.
	lat, elapsed, errs = b.measure(max(n/rawBatch, 1), 1, b.deadline, func(int) error { return inTx(rawBatch) })
	reportPer(b.out, benchResult{Workload: engine + "-raw-batch", Backend: engine, Concurrency: 1}, lat, elapsed, errs, rawBatch)
	return nil
}
