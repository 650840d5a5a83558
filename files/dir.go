package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/yushan-gov/yiwang"
)

// Dir keeps blobs as files under a directory, two hex characters of fan-out.
type Dir struct{ Root string }

func (d Dir) path(key string) (string, error) {
	if len(key) < 8 {
		return "", fmt.Errorf("bad blob key %q", key)
	}
	for _, c := range key {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", fmt.Errorf("bad blob key %q", key)
		}
	}
	return filepath.Join(d.Root, key[:2], key), nil
}

// Put writes b under key durably: a temp file, fsync, rename, fsync of the
// directory. Writing the same key again replaces it (same content).
func (d Dir) Put(_ context.Context, key string, b []byte) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return err
	}
	df, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer df.Close()
	return df.Sync()
}

// Get reads the blob under key, or ENOTFOUND.
func (d Dir) Get(_ context.Context, key string) ([]byte, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, yiwang.Errorf(yiwang.ENOTFOUND, "文件不存在")
	}
	return b, err
}
