package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// BackupTo writes a consistent copy of the SQLite database to path, a file
// that must not exist, while the server goes on writing: VACUUM INTO reads
// one snapshot on its own connection, so writers are never blocked.
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if db.Engine != SQLite {
		return errors.New("sqlstore: BackupTo is for SQLite; back PostgreSQL up with pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup target %s exists", path)
	}
	c, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("open %s for backup: %w", db.path, err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
