package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/yushan-gov/yiwang/files"
)

// SaveFile records a file's metadata and its uploader. The same content
// uploaded again keeps its first name (public and private copies have
// different IDs) and gains an uploader.
func (db *DB) SaveFile(ctx context.Context, f files.File) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO files (id, name, mime, size, public, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (id) DO NOTHING`,
			f.ID, f.Name, f.Type, f.Size, f.Public, f.CreatedBy, f.CreatedAt); err != nil {
			return err
		}
		if f.CreatedBy == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO file_owners (file_id, account_id, created_at) VALUES ($1,$2,$3)
			ON CONFLICT (file_id, account_id) DO NOTHING`, f.ID, f.CreatedBy, f.CreatedAt)
		return err
	})
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

// OwnedFiles returns those of ids that are private files account uploaded,
// in one read (files.Service.OwnAll).
func (db *DB) OwnedFiles(ctx context.Context, accountID string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{accountID}
	rows, err := db.point.QueryContext(lookup(ctx), `SELECT f.id FROM files f JOIN file_owners o ON o.file_id = f.id
		WHERE o.account_id = $1 AND NOT f.public AND f.id IN (`+placeholders(&args, ids)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("owned files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("owned files: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// FileUploadedBy reports whether account uploaded file id.
func (db *DB) FileUploadedBy(ctx context.Context, id, accountID string) (bool, error) {
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM file_owners WHERE file_id = $1 AND account_id = $2`, id, accountID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
