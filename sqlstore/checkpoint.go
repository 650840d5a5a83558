package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// On SQLite the write-ahead log is copied back into the database file (a
// checkpoint) mostly by a connection of its own, every checkpointEvery,
// rather than by the writer. SQLite's automatic checkpoint runs inside the commit that
// fills the log past its mark, on the group committer, which every write
// waits for: at 10,000 pages it copied up to 40 MB at a time while every
// submission, sign-in and decision waited behind it. A
// PASSIVE checkpoint from another connection runs beside the writer
// without blocking it: it copies what no reader still needs and leaves the
// rest for the next one. Durability does not depend on it: a commit is
// synced to the log (synchronous=FULL) before anyone is answered.
//
// A PASSIVE checkpoint from another connection never finishes the log
// while commits go on (what is committed while it copies is left over), and
// SQLite starts the log afresh only at a write that finds it all copied
// back. So the writer keeps its own automatic checkpoint at
// checkpointFallback pages: by then this connection has copied nearly all
// of it, the writer's checkpoint copies only the rest, between two commits,
// and the next write starts the log afresh. The log stays under about 40 MB
// (TestLogStaysBounded), and the checkpoint that every write waits for
// copies what the last half second left, not 40 MB.

// checkpointEvery is how often the checkpointer copies the log back: more
// often than the writer's mark fills at full load (40 MB, about 1.5 s of
// submissions here), so that the writer's own checkpoint finds little
// left. Measured alternately over 30,000 submissions each, against the
// writer checkpointing alone: submit p99 100–103 ms against 117–133 ms,
// throughput unchanged (docs/benchmarks.md).
const checkpointEvery = 500 * time.Millisecond

// checkpointFallback is the writer's own automatic checkpoint, in pages
// (4 KB): 40 MB of log.
const checkpointFallback = 10000

// checkpointer runs the PASSIVE checkpoints of one SQLite file.
type checkpointer struct {
	db   *sql.DB
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

// startCheckpointer opens a connection to the SQLite file at path and
// checkpoints it every checkpointEvery until close.
func startCheckpointer(path string) (*checkpointer, error) {
	db, err := openOneSQLiteConn("file:" + path + sqliteParams)
	if err != nil {
		return nil, fmt.Errorf("open sqlite checkpointer %s: %w", path, err)
	}
	c := &checkpointer{db: db, quit: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c, nil
}

func (c *checkpointer) loop() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-c.quit:
			return
		case <-t.C:
		}
		err := c.checkpoint()
		switch { // logged when it starts and stops failing, not every time
		case err != nil && !failing:
			slog.Warn("sqlite checkpoint failed; the writer checkpoints itself past its mark", "err", err)
		case err == nil && failing:
			slog.Info("sqlite checkpoint works again")
		}
		failing = err != nil
	}
}

// checkpoint copies the log back as far as no reader needs it. With
// nothing new in the log it reads two numbers and returns.
func (c *checkpointer) checkpoint() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var busy, logged, copied int
	return c.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logged, &copied)
}

// close stops the checkpoints and closes the connection; the last of the
// DB's connections to close checkpoints what is left. Closing again does
// nothing.
func (c *checkpointer) close() (err error) {
	c.once.Do(func() {
		close(c.quit)
		<-c.done
		err = c.db.Close()
	})
	return err
}
