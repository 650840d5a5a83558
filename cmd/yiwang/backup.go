package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/pii"
	"github.com/yushan-gov/yiwang/sqlstore"
)

const backupUsage = `用法:
  yiwang backup DIR [--data DIR] [--db URL]    在线备份：数据库（SQLite）、材料文件和数据加密密钥写入空目录 DIR
  yiwang restore DIR --data NEWDIR             把备份 DIR 恢复到新的数据目录 NEWDIR（须为空），并校验审计哈希链
PostgreSQL 的数据库请用 pg_dump / pg_restore 或时间点恢复（见 README）；backup 仍会备份文件和密钥。`

// backupManifest describes a backup: when, from what, and what it holds.
type backupManifest struct {
	Taken    time.Time        `json:"taken"`
	Engine   string           `json:"engine"`
	Database string           `json:"database"` // file in the backup, "" for PostgreSQL
	Files    int              `json:"files"`
	Counts   map[string]int64 `json:"counts"`
	Key      bool             `json:"key"` // the data key file is in the backup
}

// backupTables are counted into the manifest and checked after a restore.
var backupTables = []string{"cases", "case_events", "files", "licenses", "audit_log"}

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("backup", "backup DIR [--data DIR] [--db URL]", stderr, &cfg)
	dir, ok, err := parseArg(fs, args, backupUsage)
	if !ok {
		return err
	}
	if dir == "" {
		return exitError{2, backupUsage}
	}
	if err := emptyDir(dir); err != nil {
		return exitError{2, err.Error()}
	}
	a, err := open(ctx, cfg, quietLog(stderr), false, false)
	if err != nil {
		return err
	}
	defer a.Close()
	m := backupManifest{Taken: time.Now().UTC(), Engine: a.db.Engine, Counts: map[string]int64{}}
	if a.db.Engine == sqlstore.SQLite {
		m.Database = "yiwang.db"
		if err := a.db.BackupTo(ctx, filepath.Join(dir, m.Database)); err != nil {
			return exitError{1, "备份数据库失败：" + err.Error()}
		}
		// Count what the snapshot holds, not the live database.
		snap, err := sql.Open("sqlite", "file:"+filepath.Join(dir, m.Database)+"?mode=ro")
		if err != nil {
			return exitError{1, "读取备份失败：" + err.Error()}
		}
		err = countTables(snap, m.Counts)
		snap.Close()
		if err != nil {
			return exitError{1, "读取备份失败：" + err.Error()}
		}
	}
	// Files are written before any row names them, so copying them after
	// the snapshot copies every file it refers to (and perhaps a few newer).
	if m.Files, err = copyTree(filepath.Join(cfg.Data, "files"), filepath.Join(dir, "files")); err != nil {
		return exitError{1, "备份材料文件失败：" + err.Error()}
	}
	if os.Getenv("YIWANG_KEY") == "" {
		n, err := copyTree(filepath.Join(cfg.Data, filepath.Dir(pii.KeyFile)), filepath.Join(dir, filepath.Dir(pii.KeyFile)))
		if err != nil {
			return exitError{1, "备份密钥失败：" + err.Error()}
		}
		m.Key = n > 0
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "backup.json"), b, 0o600); err != nil {
		return exitError{1, err.Error()}
	}
	fmt.Fprintf(stdout, "已备份到 %s：数据库 %s，文件 %d 个，办件 %d 件\n", dir, orDash(m.Database), m.Files, m.Counts["cases"])
	if m.Engine != sqlstore.SQLite {
		fmt.Fprintln(stdout, "PostgreSQL 数据库未包含在内：请用 pg_dump --format=custom 备份（见 README）")
	}
	if m.Key {
		fmt.Fprintln(stdout, "备份中含有数据加密密钥：请像保管数据库本身一样保管此目录")
	} else {
		fmt.Fprintln(stdout, "密钥在 YIWANG_KEY 中，未写入备份：恢复时须提供同一密钥")
	}
	return nil
}

func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("restore", "restore DIR --data NEWDIR", stderr, &cfg)
	dir, ok, err := parseArg(fs, args, backupUsage)
	if !ok {
		return err
	}
	if dir == "" {
		return exitError{2, backupUsage}
	}
	var m backupManifest
	b, err := os.ReadFile(filepath.Join(dir, "backup.json"))
	if err != nil || json.Unmarshal(b, &m) != nil {
		return exitError{2, dir + " 不是 yiwang backup 写出的备份目录（缺少或无法读取 backup.json）"}
	}
	if m.Database == "" || cfg.DB != "" {
		return exitError{2, "这是 PostgreSQL 的备份或目标是 PostgreSQL：数据库请用 pg_restore 恢复（见 README）"}
	}
	if _, err := os.Stat(filepath.Join(cfg.Data, "yiwang.db")); err == nil {
		return exitError{2, "目标数据目录 " + cfg.Data + " 已有数据库：请恢复到一个新的空目录，确认无误后再替换"}
	}
	if err := os.MkdirAll(cfg.Data, 0o700); err != nil {
		return exitError{1, err.Error()}
	}
	if _, err := copyFile(filepath.Join(dir, m.Database), filepath.Join(cfg.Data, "yiwang.db")); err != nil {
		return exitError{1, "恢复数据库失败：" + err.Error()}
	}
	if _, err := copyTree(filepath.Join(dir, "files"), filepath.Join(cfg.Data, "files")); err != nil {
		return exitError{1, "恢复材料文件失败：" + err.Error()}
	}
	if _, err := copyTree(filepath.Join(dir, filepath.Dir(pii.KeyFile)), filepath.Join(cfg.Data, filepath.Dir(pii.KeyFile))); err != nil {
		return exitError{1, "恢复密钥失败：" + err.Error()}
	}
	a, err := open(ctx, cfg, quietLog(stderr), false, false)
	if err != nil {
		return exitError{1, "恢复后无法打开数据库：" + err.Error()}
	}
	defer a.Close()
	got := map[string]int64{}
	if err := countTables(a.db.SQL(), got); err != nil {
		return exitError{1, err.Error()}
	}
	for _, t := range backupTables {
		if got[t] != m.Counts[t] {
			return exitError{1, fmt.Sprintf("恢复后的 %s 有 %d 行，备份时为 %d 行", t, got[t], m.Counts[t])}
		}
	}
	r, err := audit.Verify(ctx, a.db)
	if err != nil || !r.OK() {
		return exitError{1, fmt.Sprintf("恢复后的审计哈希链校验未通过：%v %v", r, err)}
	}
	fmt.Fprintf(stdout, "已恢复到 %s：办件 %d 件，审计记录 %d 条，哈希链完整\n", cfg.Data, got["cases"], r.Entries)
	return nil
}

func countTables(db *sql.DB, out map[string]int64) error {
	for _, t := range backupTables {
		var n int64
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + t).Scan(&n); err != nil {
			return fmt.Errorf("count %s: %w", t, err)
		}
		out[t] = n
	}
	return nil
}

func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("备份目录 %s 不是空目录", dir)
	}
	return nil
}

// copyTree copies every regular file under src to the same place under
// dst (a missing src copies nothing) and returns how many it copied.
func copyTree(src, dst string) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == src {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if _, err := copyFile(p, filepath.Join(dst, rel)); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

// copyFile copies src to dst through a temporary file and fsyncs it.
func copyFile(src, dst string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return 0, err
	}
	tmp := dst + ".part"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return n, os.Rename(tmp, dst)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
