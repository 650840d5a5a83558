package sqlstore

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/yushan-gov/yiwang"
)

// isUnique reports whether err is a unique-constraint violation, on either engine.
func isUnique(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// notFound turns sql.ErrNoRows into an ENOTFOUND error with a Chinese message.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return yiwang.Errorf(yiwang.ENOTFOUND, "%s不存在", what)
	}
	return err
}
