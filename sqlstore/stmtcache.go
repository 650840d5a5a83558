package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"
	"sync"

	"modernc.org/sqlite"
)

// The SQLite connections keep their statements prepared. database/sql hands
// a query's text to the driver each time, and the modernc driver parses and
// plans it each time: a fifth of the CPU of an application's submission went
// to SQLite's parser. Each connection here keeps up to stmtCacheSize
// prepared statements by their text and runs a query again from its
// prepared statement. A statement still busy (its rows not yet closed) is
// not shared: a second query with the same text meanwhile runs unprepared.
// SQLite re-prepares a statement itself when the schema changed under it.

// stmtCacheSize bounds the prepared statements of one connection. Queries
// built with a varying number of placeholders make new texts; when the
// cache is full, an idle statement makes room.
const stmtCacheSize = 256

// openSQLiteDB opens a database/sql handle on dsn whose connections cache
// their prepared statements.
func openSQLiteDB(dsn string) (*sql.DB, error) {
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(cachingConnector{base}), nil
}

type cachingConnector struct{ base driver.Connector }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	if _, ok := dc.(fullConn); !ok {
		return dc, nil // not the driver this was written for: no cache
	}
	return &cachingConn{inner: dc, stmts: map[string]*cachedStmt{}}, nil
}

func (c cachingConnector) Driver() driver.Driver { return c.base.Driver() }

// fullConn is what every modernc connection implements.
type fullConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is one connection with its prepared statements.
type cachingConn struct {
	inner driver.Conn
	mu    sync.Mutex
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	st   driver.Stmt
	busy bool // rows of it are open
}

// Unwrap returns the driver's own connection.
func (c *cachingConn) Unwrap() driver.Conn { return c.inner }

func (c *cachingConn) full() fullConn { return c.inner.(fullConn) }

// take returns the prepared statement of query, preparing it when it is
// new, marked busy; nil when it is busy already or cannot be prepared (the
// caller then runs the query unprepared and gets its error from there).
func (c *cachingConn) take(ctx context.Context, query string) *cachedStmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil
		}
		s.busy = true
		return s
	}
	if len(c.stmts) >= stmtCacheSize && !c.evictLocked() {
		return nil
	}
	st, err := c.full().PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	s := &cachedStmt{st: st, busy: true}
	c.stmts[query] = s
	return s
}

// evictLocked closes one idle statement and reports whether it found one.
func (c *cachingConn) evictLocked() bool {
	for q, s := range c.stmts { // map order: a random victim
		if !s.busy {
			s.st.Close()
			delete(c.stmts, q)
			return true
		}
	}
	return false
}

func (c *cachingConn) release(s *cachedStmt) {
	c.mu.Lock()
	s.busy = false
	c.mu.Unlock()
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s := c.take(ctx, query); s != nil {
		defer c.release(s)
		return s.st.(driver.StmtExecContext).ExecContext(ctx, args)
	}
	return c.full().ExecContext(ctx, query, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.take(ctx, query)
	if s == nil {
		return c.full().QueryContext(ctx, query, args)
	}
	rows, err := s.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.release(s)
		return nil, err
	}
	return &cachedRows{rows: rows, done: func() { c.release(s) }}, nil
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.inner.Prepare(query) }

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.full().PrepareContext(ctx, query)
}

func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.full().BeginTx(context.Background(), driver.TxOptions{})
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.full().BeginTx(ctx, opts)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.full().Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error { return c.full().ResetSession(ctx) }

func (c *cachingConn) IsValid() bool { return c.full().IsValid() }

// Close finalizes the prepared statements, then closes the connection.
func (c *cachingConn) Close() error {
	c.mu.Lock()
	for q, s := range c.stmts {
		s.st.Close()
		delete(c.stmts, q)
	}
	c.mu.Unlock()
	return c.inner.Close()
}

// cachedRows gives its statement back when closed.
type cachedRows struct {
	rows driver.Rows
	once sync.Once
	done func()
}

func (r *cachedRows) Columns() []string              { return r.rows.Columns() }
func (r *cachedRows) Next(dest []driver.Value) error { return r.rows.Next(dest) }

func (r *cachedRows) Close() error {
	err := r.rows.Close()
	r.once.Do(r.done)
	return err
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if t, ok := r.rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
