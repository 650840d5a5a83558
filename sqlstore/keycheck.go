package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrWrongKey means the master key is not the one the database was made with.
var ErrWrongKey = errors.New("数据加密密钥与数据库不匹配：请使用创建该数据库时的密钥（YIWANG_KEY 或数据目录下的 keys/master.key）；用错误的密钥将无法读取任何个人信息")

// CheckKey proves the master key is the database's: the first start stores a
// keyed hash of a constant, and every later start must reproduce it.
// Without it a wrong key would run silently, every lookup by phone or ID
// number would miss, and the same people could register again.
func (db *DB) CheckKey(ctx context.Context, create bool) error {
	want := db.pii.Hash("keycheck", "yiwang")
	var got string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = 'pii_key_check'`).Scan(&got)
	switch {
	case errors.Is(err, sql.ErrNoRows) && create:
		if _, err := db.write.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ('pii_key_check', $1)
			ON CONFLICT (name) DO NOTHING`, want); err != nil {
			return fmt.Errorf("store key check: %w", err)
		}
		return db.CheckKey(ctx, false)
	case errors.Is(err, sql.ErrNoRows):
		return nil // made before key checks, or never started: nothing to compare
	case err != nil:
		return fmt.Errorf("read key check: %w", err)
	case got != want:
		return ErrWrongKey
	}
	return nil
}
