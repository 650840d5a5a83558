package pii

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is where the master key lives inside a data directory when
// YIWANG_KEY is not set. It is never stored in the database.
const KeyFile = "keys/master.key"

// LoadKey returns the master key: from envHex (64 hex characters, e.g. the
// YIWANG_KEY variable) when it is set, else from the key file in dataDir,
// which is created with a fresh random key when create is true and it is missing.
func LoadKey(envHex, dataDir string, create bool) ([]byte, error) {
	if envHex != "" {
		k, err := hex.DecodeString(strings.TrimSpace(envHex))
		if err != nil || len(k) != KeySize {
			return nil, fmt.Errorf("YIWANG_KEY must be %d hex characters", 2*KeySize)
		}
		return k, nil
	}
	path := filepath.Join(dataDir, KeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != KeySize {
			return nil, fmt.Errorf("key file %s is damaged: it must hold %d hex characters", path, 2*KeySize)
		}
		return k, nil
	}
	if !errors.Is(err, fs.ErrNotExist) || !create {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key dir: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(k) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return k, f.Close()
}
