package sqlstore

import (
	"fmt"
	_ "unsafe" // go:linkname

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Each SQLite connection gets a page cache of its own, with no lock.
//
// modernc's SQLite is built with SQLITE_ENABLE_MEMORY_MANAGEMENT, and with
// it every connection's page cache is one shared group (pcache1's "mode
// 2"), behind one global mutex: every page fetched, unpinned or dropped
// takes it. A reader that begins a read transaction after a commit drops
// its whole cache under that mutex, page by page, and the committer, which
// fetches pages all through its group, waits for it: measured on 2026-11-27
// (docs/benchmarks.md, "thirteenth session") the committer spent more than a
// fifth of its time runnable but not running, woken by readers leaving that
// mutex. Plain SQLite builds use a private group per cache with no mutex
// ("mode 1"): that is what separateCache selects, and pcache1Create reads
// it every time it makes a cache. The memory-management feature it trades
// away is sqlite3_release_memory / the soft heap limit, which we do not use.
//
// pcache1Init (run by sqlite3_initialize) clears the flag, so it is set
// once SQLite is initialised, at package init (after the configuration,
// lookaside.go), before any connection exists. The name is pinned with
// modernc.org/sqlite in go.mod; a version that renames it fails to link,
// loudly. TestPrivatePageCaches checks that it takes effect.

//go:linkname pcache1 modernc.org/sqlite/lib._pcache1_g
var pcache1 sqlite3.TPCacheGlobal

// usePrivatePageCaches initialises SQLite and makes the connections opened
// after it take page caches of their own (see above). SQLite accepts no
// configuration after it.
func usePrivatePageCaches() error {
	tls := libc.NewTLS()
	defer tls.Close()
	if rc := sqlite3.Xsqlite3_initialize(tls); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite3_initialize: result code %d", rc)
	}
	pcache1.FseparateCache = 1
	return nil
}
