// Package sqlstore is the one database/sql implementation of every domain
// Store, for SQLite (modernc, the default) and PostgreSQL (pgx). Both engines
// run the same SQL text: $N placeholders, TEXT/BIGINT/TIMESTAMP columns, IDs
// and times made in Go.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/files"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/pii"
	"github.com/yushan-gov/yiwang/publicinfo"
	"github.com/yushan-gov/yiwang/webhook"
	_ "modernc.org/sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Engines.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is an open database. SQLite gets one writer connection (SQLite allows one
// writer at a time; queueing in Go beats busy-waiting in SQLite) and a pool of
// readers; PostgreSQL uses one pool for both.
type DB struct {
	Engine string
	write  *sql.DB
	read   readers // (readers.go)
	// point runs the lookups of requests that write (lookup.go): on
	// SQLite readers of their own, that do not map the file.
	point  *sql.DB
	pool   *pgxpool.Pool
	pii    *pii.Protector
	path   string     // the SQLite file
	commit *committer // groups concurrent writes into one commit (group.go)
	// licFiles keeps licenses' files opened and parsed (license_files.go).
	licFiles licenseFiles
	// answers batches the idempotent answers stored after they are sent
	// (answers.go).
	answers answerBatches
	// gen keeps the catalog generation read (catalog_generation.go).
	gen kept[int64]
	// links and orgs keep the org tree's links and whole orgs read (orgs.go).
	links, orgs kept[[]org.Org]
	// ckpt checkpoints the SQLite log beside the writer (checkpoint.go).
	ckpt *checkpointer
	// wrote is when the SQLite writer last began a commit (readers.go).
	wrote atomic.Int64
}

// Open opens the database named by dsn: "" means SQLite in dataDir, a
// "postgres://" or "postgresql://" URL means PostgreSQL. It does not migrate.
func Open(ctx context.Context, dsn, dataDir string, p *pii.Protector) (*DB, error) {
	if p == nil {
		return nil, errors.New("sqlstore: a pii.Protector is required")
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn, p)
	}
	path := dsn
	if path == "" {
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		path = filepath.Join(dataDir, "yiwang.db")
	}
	return openSQLite(path, p)
}

// sqliteParams are the pragmas of every SQLite connection. synchronous(FULL):
// an acknowledged commit survives power loss, not only a crash.
const sqliteParams = "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(FULL)&_time_format=sqlite"

// OpenSQLiteWriter opens the file at path as the server opens its one
// writer connection: WAL, synchronous=FULL, transactions begun IMMEDIATE,
// prepared statements kept. The benchmark's storage reference uses it, so
// that it measures what the server's own writes could reach.
func OpenSQLiteWriter(path string) (*sql.DB, error) {
	// temp_store(MEMORY): the savepoints of a group commit (group.go)
	// journal the pages they change; in a temporary file that cost a
	// write system call per page.
	// wal_autocheckpoint: the server also checkpoints from a connection of
	// its own (checkpoint.go); the writer's own then copies only what that
	// one left, and lets the log start afresh.
	w, err := openOneSQLiteConn("file:" + path + sqliteParams + "&_txlock=immediate&_pragma=temp_store(2)&_pragma=wal_autocheckpoint(" +
		strconv.Itoa(checkpointFallback) + ")")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return w, nil
}

// openOneSQLiteConn opens a handle on dsn with exactly one connection, kept
// open, and checks that it opens.
func openOneSQLiteConn(dsn string) (*sql.DB, error) {
	db, err := openSQLiteDB(dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// readerMmap is how much of the SQLite file each reader connection of
// read maps into memory (mmap_size). A page read through the map is
// neither copied by a read system call nor held in SQLite's page cache:
// queries that read many pages (the dashboard, statistics, lists) are a
// fifth to a third faster (measured while every connection's cache was one
// shared group behind one lock, before pcache.go). But a
// reader that finds the log changed since its last transaction (any
// commit) drops its whole map and maps the file again, and then takes a
// page fault per page it touches: the lookups of requests that write
// (point, lookup.go), and every read while the DB commits (readers.go),
// therefore run on readers that do not map (docs/decisions.md). The mapped pages are
// the OS's page cache, shared by all connections and reclaimable, but
// Linux counts them in the resident set of every mapping: the process's
// RSS grows by up to the file's size (at most readerMmap) per reader,
// while its own memory does not. Writes never go through the map (SQLite
// is not built with SQLITE_MMAP_READWRITE). An I/O error reading a mapped
// page stops the process (SIGBUS) rather than failing one query.
const readerMmap = 1 << 30

// pointReaders is how many connections point has.
const pointReaders = 6

func openSQLite(path string, p *pii.Protector) (*DB, error) {
	w, err := OpenSQLiteWriter(path)
	if err != nil {
		return nil, err
	}
	r, err := openSQLiteReaders(path, "&_pragma=mmap_size("+strconv.Itoa(readerMmap)+")", 8)
	if err != nil {
		w.Close()
		return nil, err
	}
	pt, err := openSQLiteReaders(path, "", pointReaders)
	if err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	ck, err := startCheckpointer(path)
	if err != nil {
		pt.Close()
		r.Close()
		w.Close()
		return nil, err
	}
	db := &DB{Engine: SQLite, write: w, read: readers{mapped: r, unmapped: pt}, point: pt, pii: p, path: path, ckpt: ck, commit: newCommitter(w, false, false, nil)}
	db.read.wrote = &db.wrote
	db.commit.wrote = &db.wrote
	return db, nil
}

// openSQLiteReaders opens a pool of n read-only connections to the file
// at path, with the pragmas in extra.
func openSQLiteReaders(path, extra string, n int) (*sql.DB, error) {
	r, err := openSQLiteDB("file:" + path + sqliteParams + "&_pragma=query_only(1)" + extra)
	if err != nil {
		return nil, fmt.Errorf("open sqlite reader %s: %w", path, err)
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return r, nil
}

func openPostgres(ctx context.Context, dsn string, p *pii.Protector) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse postgres url: %w", err)
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	// pgxpool's default, max(4, CPUs), left requests waiting for a
	// connection while the database idled: a request makes a dozen round
	// trips. pool_max_conns in the URL overrides this.
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = max(cfg.MaxConns, int32(8*runtime.GOMAXPROCS(0)), 16)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	d := &DB{Engine: Postgres, write: db, read: readers{mapped: db, unmapped: db}, point: db, pool: pool, pii: p}
	d.commit = newCommitter(db, true, true, d.storeNewCasesPG)
	return d, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	db.commit.close()
	var err error
	if db.ckpt != nil {
		err = db.ckpt.close()
	}
	err = errors.Join(err, db.write.Close())
	if db.read.mapped != db.write {
		err = errors.Join(err, db.read.mapped.Close(), db.point.Close())
	}
	if db.pool != nil {
		db.pool.Close()
	}
	return err
}

// Migrate applies every pending migration.
func (db *DB) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if db.Engine == Postgres {
		dialect = goose.DialectPostgres
	}
	prov, err := goose.NewProvider(dialect, db.write, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := prov.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.mapped.PingContext(ctx) }

// SQL returns the write handle, for the session store and tests.
func (db *DB) SQL() *sql.DB { return db.write }

// tx runs fn in a transaction and commits it when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	db.wrote.Store(time.Now().UnixNano())
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

var (
	_ identity.Store   = (*DB)(nil)
	_ org.Store        = (*DB)(nil)
	_ catalog.Store    = (*DB)(nil)
	_ publicinfo.Store = (*DB)(nil)
	_ files.Store      = (*DB)(nil)
	_ casework.Store   = (*DB)(nil)
	_ audit.Store      = (*DB)(nil)
	_ notify.Store     = (*DB)(nil)
	_ notify.BoxStore  = (*DB)(nil)
	_ webhook.Store    = (*DB)(nil)
)
