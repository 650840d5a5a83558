package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yushan-gov/yiwang/audit"
)

// Group commit. SQLite has one writer, and every commit waits for an fsync
// (synchronous=FULL). Concurrent writes on the hot paths (applications,
// case actions, idempotency keys, drafts, stand-alone audit entries; the
// other writes still take the writer connection one transaction at a time,
// between groups) are
// therefore handed to one committer, which runs whatever is waiting, up to
// maxGroup, in ONE transaction: each caller's work inside a SAVEPOINT of its
// own, so that a failing one (a unique violation, a lost idempotency claim,
// a version conflict) is rolled back alone and gets its own error (a group
// is tried first without savepoints, see run), and each
// caller gets its answer only after the single COMMIT. Durability is
// unchanged. The committer does not wait for more work: what arrives while
// it commits forms the next group, so a lone request is not delayed.
//
// The work runs on the committer's goroutine with the caller's context
// values but without its cancellation: a statement interrupted by a client
// that hung up would make SQLite roll back the whole transaction, and with
// it the others' work. A caller whose context ended before its turn is
// skipped with the context's error.
//
// On PostgreSQL only work that appends to the audit chain is grouped
// (chained): the chain's single head row serialises it anyway, each
// transaction holding the row's lock until its commit has been flushed, so
// one at a time, one flush each. Grouped, the lock is taken and the WAL
// flushed once per group. Other writes (group) are transactions of their
// own there, run in parallel by the pool. A group's new cases are stored
// together there, in pipelined round trips (cases_pg_batch.go).

// maxGroup bounds the work committed together.
const maxGroup = 128

// groupWork is one caller's share of a group.
type groupWork struct {
	ctx    context.Context // the caller's values, never cancelled
	caller context.Context // the caller's own, checked before its turn
	fn     func(ctx context.Context, tx *sql.Tx) error
	// newCase, when set, is the case that fn stores (CreateCase): on
	// PostgreSQL the group stores such cases together, in a round trip
	// for all of them (cases_pg_batch.go), and fn is run only if that fails.
	newCase *pgNewCase
	// lazy work (answers stored after they were sent) waits up to
	// lazyWait for other work to share its commit, rather than commit
	// alone: under load some comes within microseconds.
	lazy bool
	err  error
	res  chan error
}

// lazyWait bounds how long a lazy work waits for company.
const lazyWait = time.Millisecond

// committer runs the group transactions, one at a time.
type committer struct {
	db    *sql.DB
	queue chan *groupWork
	quit  chan struct{}
	done  chan struct{}
	once  sync.Once
	batch []*groupWork
	lazy  *time.Timer // a lazy work's wait
	// joinStatements sends one caller's RELEASE with the next one's
	// SAVEPOINT (PostgreSQL: a round trip less per caller).
	joinStatements bool
	// lockHead: every group's transaction first locks and reads the
	// audit chain's head (PostgreSQL, see begin).
	lockHead bool
	// storeCases, when set, stores the new cases of a group together,
	// after its other works, and then the audit entries of all (PostgreSQL,
	// cases_pg_batch.go), on the group's connection.
	storeCases func(ctx context.Context, g *groupTx, ws []*groupWork, b *auditBatch) error
	// wrote, when set, is stamped with the start of every group
	// (SQLite: the readers avoid the map while the DB commits, readers.go).
	wrote *atomic.Int64
	// groups and grouped count commits and the work in them, busy the
	// time spent running groups (GroupStats); together the new cases
	// stored together (storeCases).
	groups, grouped, busy, together atomic.Int64
}

func newCommitter(db *sql.DB, joinStatements, lockHead bool,
	storeCases func(ctx context.Context, g *groupTx, ws []*groupWork, b *auditBatch) error) *committer {
	c := &committer{db: db, joinStatements: joinStatements, lockHead: lockHead, storeCases: storeCases,
		queue: make(chan *groupWork, maxGroup), quit: make(chan struct{}), done: make(chan struct{}), batch: make([]*groupWork, 0, maxGroup),
		lazy: time.NewTimer(time.Hour)}
	c.lazy.Stop()
	go c.loop()
	return c
}

// newWork is fn as the work of a caller with ctx.
func newWork(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) *groupWork {
	return &groupWork{ctx: context.WithoutCancel(ctx), caller: ctx, fn: fn, res: make(chan error, 1)}
}

// errClosed answers work handed in after Close.
var errClosed = errors.New("sqlstore: database closed")

// execer runs statements: a transaction, or the database itself.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// group runs fn, one write statement: on SQLite in a transaction shared
// with other concurrent callers (see above), on PostgreSQL on its own, as
// the pool gives it a connection. fn must use the ctx it is given, not its
// caller's, and must not wait for another write of this DB (it would wait
// for itself).
func (db *DB) group(ctx context.Context, fn func(ctx context.Context, q execer) error) error {
	if db.Engine != SQLite {
		return fn(ctx, db.write)
	}
	return db.commit.do(ctx, func(ctx context.Context, tx *sql.Tx) error { return fn(ctx, tx) })
}

// chained runs fn, work that appends to the audit chain, in a transaction
// shared with other concurrent callers, on every engine.
func (db *DB) chained(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return db.commit.do(ctx, fn)
}

// do hands fn to the committer and waits for the group's commit.
func (c *committer) do(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return c.doWork(newWork(ctx, fn))
}

// doWork hands w to the committer and waits for the group's commit.
func (c *committer) doWork(w *groupWork) error {
	if err := w.caller.Err(); err != nil {
		return err
	}
	select {
	case c.queue <- w:
	case <-c.quit:
		return errClosed
	}
	// Wait for the commit even if the caller gives up: the answer must
	// not come before the work is durable (or known not to be). The
	// committer answers every group it runs before it stops; work it
	// never took gets errClosed.
	select {
	case err := <-w.res:
		return err
	case <-c.done:
		select {
		case err := <-w.res:
			return err
		default:
			return errClosed
		}
	}
}

// close stops the committer after the group in progress.
func (c *committer) close() {
	c.once.Do(func() { close(c.quit) })
	<-c.done
}

func (c *committer) loop() {
	defer close(c.done)
	for {
		var first *groupWork
		select {
		case first = <-c.queue:
		case <-c.quit:
			for {
				select {
				case w := <-c.queue:
					w.res <- errClosed
				default:
					return
				}
			}
		}
		batch := c.drain(append(c.batch[:0], first))
		if len(batch) == 1 && first.lazy {
			c.lazy.Reset(lazyWait)
			select {
			case w := <-c.queue:
				c.lazy.Stop()
				batch = c.drain(append(batch, w))
			case <-c.lazy.C:
			case <-c.quit:
				c.lazy.Stop()
			}
		}
		t0 := time.Now()
		if c.wrote != nil {
			c.wrote.Store(t0.UnixNano())
		}
		c.run(batch)
		c.busy.Add(int64(time.Since(t0)))
		clear(batch)
	}
}

// drain adds the work waiting in the queue to batch, up to maxGroup.
func (c *committer) drain(batch []*groupWork) []*groupWork {
	for len(batch) < maxGroup {
		select {
		case w := <-c.queue:
			batch = append(batch, w)
		default:
			return batch
		}
	}
	return batch
}

// run commits one group and answers every caller in it. The group is run
// first without savepoints (optimistic: a savepoint per caller costs two
// statements and, on PostgreSQL, a subtransaction and a round trip); if
// any caller's work fails, that is rolled back and the group run again
// with one savepoint per caller, so that only the failing work is undone.
// Works must therefore leave nothing outside the transaction: they may run
// twice, the first time rolled back.
func (c *committer) run(batch []*groupWork) {
	if len(batch) > 1 && c.runOptimistic(batch) {
		return
	}
	c.runSavepoints(batch)
}

// runOptimistic runs the group in one transaction without savepoints and
// reports whether it answered the callers; false when a work failed and
// everything was rolled back, the callers not answered.
func (c *committer) runOptimistic(batch []*groupWork) bool {
	ctx := context.Background()
	cases := c.casesTogether(batch)
	// The head is locked first; where the group is only new cases stored
	// together, by their first round trip.
	g, err := c.begin(ctx, len(cases) < len(batch))
	if err != nil {
		return false // the savepoint run begins again, and answers
	}
	defer g.close()
	tx := g.Tx
	ran := 0
	var entries auditBatch // every work's: a failure drops them all
	undo := func() bool {
		_ = tx.Rollback()
		for _, w := range batch {
			w.err = nil
		}
		return false
	}
	// The cases (in batch's order) took their turn in casesTogether: they
	// are stored below whatever their callers do meanwhile.
	j := 0
	for _, w := range batch {
		if j < len(cases) && w == cases[j] {
			j++
			continue
		}
		if w.err = w.caller.Err(); w.err != nil {
			continue
		}
		if w.err = call(w, tx, &entries); w.err != nil {
			return undo()
		}
		ran++
	}
	flushed := false
	if cases != nil {
		if err := c.storeCasesSafely(ctx, &g, cases, &entries); err != nil {
			return undo()
		}
		ran += len(cases)
		flushed = true
		c.together.Add(int64(len(cases)))
	}
	if ran == 0 {
		err = tx.Rollback()
	} else {
		if !flushed {
			err = flushAudit(ctx, g, entries.entries)
		}
		if err == nil {
			err = tx.Commit()
		} else {
			_ = tx.Rollback()
		}
	}
	if err != nil {
		for _, w := range batch {
			if w.err == nil {
				w.err = fmt.Errorf("commit: %w", err)
			}
			w.res <- w.err
		}
		return true
	}
	c.groups.Add(1)
	c.grouped.Add(int64(len(batch)))
	for _, w := range batch {
		w.res <- w.err
	}
	return true
}

// storeCasesSafely is storeCases with a panic turned into its error: the
// group is then re-run work by work, where call turns it into the error of
// the work that panics.
func (c *committer) storeCasesSafely(ctx context.Context, g *groupTx, ws []*groupWork, b *auditBatch) (err error) {
	defer recoverInto(&err, "storing new cases together")
	return c.storeCases(ctx, g, ws, b)
}

// recoverInto, deferred, turns a panic into *err, logged with its stack:
// a panic on the committer's goroutine would take every caller's work, and
// the process, down with it.
func recoverInto(err *error, doing string) {
	if r := recover(); r != nil {
		slog.Error("panic "+doing, "panic", r, "stack", string(debug.Stack()))
		*err = fmt.Errorf("sqlstore: panic %s: %v", doing, r)
	}
}

// lockAuditHead locks the audit chain's head row and reads it (PostgreSQL).
const lockAuditHead = `SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE`

// groupTx is a group's transaction.
type groupTx struct {
	*sql.Tx
	// conn is the connection of the transaction, where the group stores
	// new cases together (storeCases); nil otherwise.
	conn *sql.Conn
	// head is the audit chain's head as the transaction locked it
	// (lockHead); nil otherwise, or until storeCases locks it.
	head *auditHead
}

// auditHead is the last entry of the audit chain: its sequence number and
// hash.
type auditHead struct {
	seq  int64
	hash string
}

// close gives the group's connection, if it has one of its own, back to
// the pool, once the transaction has ended.
func (g groupTx) close() {
	if g.conn != nil {
		_ = g.conn.Close()
	}
}

// begin starts a group's transaction. On PostgreSQL every group appends
// to the audit chain, and its head row is locked (and read) first: a work
// takes other rows (an idempotency key's, a case's) only after it, so two
// instances' groups never hold one row each and wait for the other's (a
// key's record is inserted by its change's transaction, which then needs
// the head).
//
// With lock false the head is left for the caller to lock (storeCases).
func (c *committer) begin(ctx context.Context, lock bool) (groupTx, error) {
	var g groupTx
	var err error
	if c.storeCases != nil {
		if g.conn, err = c.db.Conn(ctx); err != nil {
			return g, err
		}
		g.Tx, err = g.conn.BeginTx(ctx, nil)
	} else {
		g.Tx, err = c.db.BeginTx(ctx, nil)
	}
	if err == nil && c.lockHead && lock {
		g.head = &auditHead{}
		if err = g.QueryRowContext(ctx, lockAuditHead).Scan(&g.head.seq, &g.head.hash); err != nil {
			_ = g.Rollback()
		}
	}
	if err != nil {
		g.close()
		return groupTx{}, err
	}
	return g, nil
}

// casesTogether returns the works of batch that store new cases whose
// callers still wait, for storeCases to store together; nil where there is
// no storeCases or fewer than two.
func (c *committer) casesTogether(batch []*groupWork) []*groupWork {
	if c.storeCases == nil {
		return nil
	}
	var ws []*groupWork
	for _, w := range batch {
		if w.newCase != nil && w.caller.Err() == nil {
			ws = append(ws, w)
		}
	}
	if len(ws) < 2 {
		return nil
	}
	return ws
}

// runSavepoints runs the group with a savepoint per caller.
func (c *committer) runSavepoints(batch []*groupWork) {
	ctx := context.Background()
	fail := func(err error) {
		for _, w := range batch {
			if w.err == nil {
				w.err = err
			}
			w.res <- w.err
		}
	}
	g, err := c.begin(ctx, true)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	defer g.close()
	tx := g.Tx
	alone := len(batch) == 1
	ran := 0
	open := false             // a savepoint left for the next SAVEPOINT to release
	var entries []audit.Entry // the audit entries of the works that succeeded
	for _, w := range batch {
		if err := w.caller.Err(); err != nil {
			w.err = err
			continue
		}
		var mine auditBatch
		if alone { // no savepoint needed: a failure rolls the transaction back
			if w.err = call(w, tx, &mine); w.err != nil {
				_ = tx.Rollback()
				c.groups.Add(1) // counted as a group that ran, like one whose every work failed
				c.grouped.Add(1)
				w.res <- w.err
				return
			}
			ran++
			entries = append(entries, mine.entries...)
			continue
		}
		begin := `SAVEPOINT g`
		if open {
			begin = `RELEASE g; SAVEPOINT g` // the previous caller's, joined
		}
		if _, err := tx.ExecContext(ctx, begin); err != nil {
			_ = tx.Rollback()
			fail(fmt.Errorf("savepoint: %w", err))
			return
		}
		open = false
		if w.err = call(w, tx, &mine); w.err != nil {
			// A statement error leaves the transaction open and the
			// savepoint undoes the rest of this caller's work. If SQLite
			// rolled the whole transaction back (disk full, I/O error),
			// ROLLBACK TO fails and the whole group fails with it.
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO g`); err != nil {
				_ = tx.Rollback()
				fail(fmt.Errorf("rollback to savepoint after %v: %w", w.err, err))
				return
			}
		} else {
			ran++
			entries = append(entries, mine.entries...)
		}
		if c.joinStatements {
			open = true
		} else if _, err := tx.ExecContext(ctx, `RELEASE g`); err != nil {
			_ = tx.Rollback()
			fail(fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	if open {
		if _, err := tx.ExecContext(ctx, `RELEASE g`); err != nil {
			_ = tx.Rollback()
			fail(fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	if ran == 0 {
		err = tx.Rollback()
	} else if err = flushAudit(ctx, g, entries); err != nil {
		_ = tx.Rollback()
	} else {
		err = tx.Commit()
	}
	if err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	c.groups.Add(1)
	c.grouped.Add(int64(len(batch)))
	for _, w := range batch {
		w.res <- w.err
	}
}

// call runs one caller's work, turning a panic into its error (a panic in a
// request's handler must not take the committer, and every other caller's
// work, down with it).
// Its audit entries are collected into b (audit_batch.go).
func call(w *groupWork, tx *sql.Tx, b *auditBatch) (err error) {
	defer recoverInto(&err, "in a grouped write")
	return w.fn(withAuditBatch(w.ctx, b), tx)
}

// GroupStats says how the SQLite writes were grouped: how many commits,
// how many grouped writes they held, and how long the committer was busy.
type GroupStats struct {
	Commits, Writes int64
	Busy            time.Duration
}

// GroupCommitTotals returns GroupStats' figures, for the server's metrics.
func (db *DB) GroupCommitTotals() (commits, writes int64, busy time.Duration) {
	s := db.GroupStats()
	return s.Commits, s.Writes, s.Busy
}

// GroupStats returns the counts so far.
func (db *DB) GroupStats() GroupStats {
	return GroupStats{Commits: db.commit.groups.Load(), Writes: db.commit.grouped.Load(), Busy: time.Duration(db.commit.busy.Load())}
}
