package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestBackupRestore: a backup taken while clients keep submitting restores
// to a new data directory whose counts equal the backup's, whose every
// material file is there, and whose audit chain verifies; bad targets are
// refused and change nothing.
func TestBackupRestore(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	c := ts.client()
	c.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	entry, mats := crashFixture(t, c.hc, ts.URL)

	var stop atomic.Bool
	var acked atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				body := fmt.Sprintf(`{"entry_code":%q,"fields":{"operator":"雨山区张三小吃店","premises":"雨山区湖东路1号","format":"餐饮服务经营者","items":"热食类食品制售","online":"否"},"materials":[%s]}`,
					entry, strings.Join(mats, ","))
				if p := c.keyed(http.MethodPost, "/api/v1/cases", body, "", fmt.Sprintf("bk-%d-%d", w, i)); p.Status == http.StatusCreated {
					acked.Add(1)
				}
			}
		}(w)
	}
	for acked.Load() < 20 { // the backup is taken under load
		time.Sleep(10 * time.Millisecond)
	}
	dir := filepath.Join(t.TempDir(), "backup")
	out, err := cli(t, "backup", dir, "--data", ts.cfg.Data)
	stop.Store(true)
	wg.Wait()
	if err != nil || !strings.Contains(out, "已备份到") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if _, err := cli(t, "backup", dir, "--data", ts.cfg.Data); exitCode(err) != 2 {
		t.Fatalf("backup into a non-empty dir: %v", err)
	}

	// Restore into a new data directory and check it.
	target := filepath.Join(t.TempDir(), "restored")
	out, err = cli(t, "restore", dir, "--data", target)
	if err != nil || !strings.Contains(out, "哈希链完整") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if _, err := cli(t, "restore", dir, "--data", target); exitCode(err) != 2 {
		t.Fatalf("restore over a database: %v", err)
	}
	if _, err := cli(t, "restore", t.TempDir(), "--data", filepath.Join(t.TempDir(), "x")); exitCode(err) != 2 {
		t.Fatalf("restore from a non-backup: %v", err)
	}
	a, err := open(context.Background(), config{Data: target}, quietLog(os.Stderr), false, false)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var restored, live int64
	a.db.SQL().QueryRow(`SELECT COUNT(*) FROM cases`).Scan(&restored)
	ts.app.db.SQL().QueryRow(`SELECT COUNT(*) FROM cases`).Scan(&live)
	if restored < 20 || restored > live {
		t.Fatalf("restored %d cases, live %d", restored, live)
	}
	// Every file a restored row names is in the restored files.
	rows, err := a.db.SQL().Query(`SELECT id FROM files`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var id string
		rows.Scan(&id)
		if _, err := os.Stat(filepath.Join(target, "files", id[:2], id)); err != nil {
			t.Errorf("file %s missing after restore: %v", id, err)
		}
		n++
	}
	rows.Close()
	if n == 0 {
		t.Fatal("no files restored")
	}
	if r, err := audit.Verify(context.Background(), a.db); err != nil || !r.OK() {
		t.Fatalf("restored audit chain: %v %v", r, err)
	}
	// The restored platform serves the restored cases.
	var id string
	a.db.SQL().QueryRow(`SELECT id FROM cases ORDER BY submitted_at DESC LIMIT 1`).Scan(&id)
	if cs, err := a.db.Case(context.Background(), id); err != nil || len(cs.Materials) == 0 {
		t.Fatalf("restored case %s: %v", id, err)
	}
}
