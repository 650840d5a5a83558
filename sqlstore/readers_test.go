package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestBusyReadsUnmapped: on SQLite reads run on readers that map the file,
// but for a second after a commit (grouped or not) on readers that do not;
// wide reads (counts, scans) always on the mapped ones.
func TestBusyReadsUnmapped(t *testing.T) {
	db := yiwangtest.NewDB(t, sqlstore.SQLite)
	ctx := context.Background()
	mmap := func(want string) {
		t.Helper()
		if n, err := db.ReadMmap(ctx, true); err != nil || n == 0 {
			t.Fatalf("a wide read ran on a reader with mmap_size %d (%v), want the map", n, err)
		}
		n, err := db.ReadMmap(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := map[bool]string{true: "mapped", false: "unmapped"}[n > 0]; got != want {
			t.Fatalf("a read ran on a %s reader (mmap_size %d), want %s", got, n, want)
		}
	}
	time.Sleep(1100 * time.Millisecond) // past the migrations' commits
	mmap("mapped")
	e := audit.New(yiwang.System("t"), time.Now(), "test.write", "test:1", audit.ResultOK, "")
	if err := db.AppendAudit(ctx, e); err != nil { // a grouped write
		t.Fatal(err)
	}
	mmap("unmapped")
	time.Sleep(1100 * time.Millisecond)
	mmap("mapped")
	now := time.Now().UTC()
	o := org.Org{ID: yiwang.NewID(), Kind: org.KindDepartment, Level: org.LevelCounty, Name: "乙局", Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateOrg(ctx, o, audit.New(yiwang.System("t"), now, "org.create", "org:"+o.ID, audit.ResultOK, "")); err != nil {
		t.Fatal(err) // a write in a transaction of its own
	}
	mmap("unmapped")
}
