package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/yushan-gov/yiwang/pii"
	"github.com/yushan-gov/yiwang/sqlstore"
)

func TestCheckKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func(b byte) *sqlstore.DB {
		p, _ := pii.New(bytes.Repeat([]byte{b}, pii.KeySize))
		db, err := sqlstore.Open(ctx, "", dir, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open(1)
	if err := db.CheckKey(ctx, true); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = open(1)
	if err := db.CheckKey(ctx, true); err != nil {
		t.Fatalf("same key refused: %v", err)
	}
	db.Close()
	db = open(2)
	defer db.Close()
	if err := db.CheckKey(ctx, true); !errors.Is(err, sqlstore.ErrWrongKey) {
		t.Fatalf("wrong key: %v", err)
	}
}
