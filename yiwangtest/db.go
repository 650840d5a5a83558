// Package yiwangtest holds helpers for tests: a database on either engine, a
// fixed clock and a test key.
package yiwangtest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/yushan-gov/yiwang/pii"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// PostgresEnv names the variable holding the PostgreSQL URL for tests.
const PostgresEnv = "YIWANG_TEST_POSTGRES"

// Protector returns a pii.Protector with a fixed test key.
func Protector(t testing.TB) *pii.Protector {
	p, err := pii.New(bytes.Repeat([]byte{0x42}, pii.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Engines returns the engines to run a store suite on: SQLite always, and
// PostgreSQL when YIWANG_TEST_POSTGRES is set.
func Engines(t testing.TB) []string {
	if os.Getenv(PostgresEnv) == "" {
		t.Logf("PostgreSQL store tests skipped: %s is not set", PostgresEnv)
		return []string{sqlstore.SQLite}
	}
	return []string{sqlstore.SQLite, sqlstore.Postgres}
}

// NewDB returns a migrated, empty database on the given engine. A SQLite
// database lives in the test's temp dir; a PostgreSQL one in a schema of its
// own that is dropped when the test ends.
func NewDB(t testing.TB, engine string) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	dsn := ""
	if engine == sqlstore.Postgres {
		dsn = PostgresSchema(t)
	}
	db, err := sqlstore.Open(ctx, dsn, t.TempDir(), Protector(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

var pgOnce sync.Mutex

// PostgresSchema creates a fresh schema on the test PostgreSQL server and
// returns a URL whose connections use it; the schema is dropped at cleanup.
// It skips the test when YIWANG_TEST_POSTGRES is not set.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("PostgreSQL test skipped: %s is not set", PostgresEnv)
	}
	schema := "t_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:20]
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	pgOnce.Lock()
	_, err = admin.Exec(`CREATE SCHEMA ` + schema)
	pgOnce.Unlock()
	if err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			t.Error(err)
			return
		}
		defer a.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := a.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t.UTC()
	c.mu.Unlock()
}

func (c *Clock) String() string { return fmt.Sprint(c.Now()) }
