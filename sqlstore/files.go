package sqlstore

import (
	"context"
	"fmt"

	"github.com/yushan-gov/yiwang/files"
)

// SaveFile records a file's metadata. The same content uploaded again keeps
// its first name (public and private copies have different IDs).
func (db *DB) SaveFile(ctx context.Context, f files.File) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO files (id, name, mime, size, public, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO NOTHING`,
		f.ID, f.Name, f.Type, f.Size, f.Public, f.CreatedBy, f.CreatedAt)
	if err != nil {
		return fmt.Errorf("save file: %w", err)
	}
	return nil
}

// File returns a file's metadata.
func (db *DB) File(ctx context.Context, id string) (files.File, error) {
	var f files.File
	err := db.read.QueryRowContext(ctx, `SELECT id, name, mime, size, public, created_by, created_at FROM files WHERE id = $1`, id).
		Scan(&f.ID, &f.Name, &f.Type, &f.Size, &f.Public, &f.CreatedBy, &f.CreatedAt)
	return f, notFound(err, "文件")
}
