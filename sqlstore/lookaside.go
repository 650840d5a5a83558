package sqlstore

import (
	"errors"
	"fmt"
	"log/slog"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite serves a connection's small allocations (a statement's cursors and
// registers, a row's record) from a buffer of its own, the lookaside; what
// does not fit goes to the C allocator, which in modernc's pure-Go libc is
// one allocator behind one lock for the whole process. Every submission's
// committer then met the reader connections at that lock, and each time it
// had to wait, it waited again for a processor: the execution trace of
// 10,000 submissions showed the committer runnable but not running 30 % of
// its time, two thirds of it after that lock (docs/benchmarks.md). A
// larger lookaside, lookasideSlots of lookasideSlot bytes a connection (1
// MB; SQLite splits it into 431 large and 1,296 small slots; the default
// is 48 KB), keeps most of those allocations off the lock. Measured
// alternately: about 4 % more submissions a second; the idle server's
// resident set 3 MB larger.
const (
	lookasideSlot  = 2048
	lookasideSlots = 512
)

func init() {
	if err := configureLookaside(lookasideSlot, lookasideSlots); err != nil {
		slog.Warn("SQLite lookaside left at its default", "error", err)
	}
	// Initialising ends SQLite's configuration: it comes last.
	if err := usePrivatePageCaches(); err != nil {
		slog.Warn("SQLite connections share one page cache group", "error", err)
	}
}

// configureLookaside sets every SQLite connection's lookaside to n slots of
// size bytes. It must run before the first connection is opened (SQLite
// accepts configuration only before it initialises): hence init.
func configureLookaside(size, n int) error {
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.NewVaList(int32(size), int32(n))
	if va == 0 {
		return errors.New("sqlite3_config(SQLITE_CONFIG_LOOKASIDE): out of memory")
	}
	defer libc.Xfree(tls, va)
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_LOOKASIDE, va); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite3_config(SQLITE_CONFIG_LOOKASIDE): result code %d", rc)
	}
	return nil
}
