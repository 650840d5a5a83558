package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"

	"github.com/yushan-gov/yiwang/identity"
)

// SessionStore keeps web sessions in the database (scs.Store), so that any
// instance behind a load balancer can serve any request.
type SessionStore struct{ DB *DB }

// Find returns the session data for token, if it exists and has not expired.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	var data string
	var expiry time.Time
	err := s.DB.read.mapped.QueryRow(`SELECT data, expiry FROM sessions WHERE token = $1`, token).Scan(&data, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if time.Now().After(expiry) {
		return nil, false, nil
	}
	b, err := base64.StdEncoding.DecodeString(data)
	return b, err == nil, err
}

// FindWithAccount is Find, and, in the same query, the account the session
// is signed in as (CommitAccount), with its roles; a nil account for a
// session signed in as nobody. Every signed-in request needs both: one
// query instead of two (on PostgreSQL a round trip fewer).
func (s SessionStore) FindWithAccount(ctx context.Context, token string) ([]byte, bool, *identity.Account, error) {
	var data string
	var expiry time.Time
	var roles sql.NullString
	a, err := s.DB.scanAccount(around{row: s.DB.point.QueryRowContext(lookup(ctx), `SELECT s.data, s.expiry, `+accountCols+`, `+
		s.DB.rolesOf("accounts.id")+` FROM sessions s JOIN accounts ON accounts.id = s.account_id WHERE s.token = $1`, token),
		first: []any{&data, &expiry}, last: []any{&roles}})
	if errors.Is(err, sql.ErrNoRows) { // none, or signed in as nobody
		b, found, err := s.Find(token)
		return b, found, nil, err
	}
	if err != nil {
		return nil, false, nil, err
	}
	if time.Now().After(expiry) {
		return nil, false, nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, false, nil, err
	}
	setRoles(&a, roles)
	return b, true, &a, nil
}

// Commit stores session data, signed in as nobody.
func (s SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitAccount(token, b, expiry, "")
}

// CommitAccount stores session data signed in as account accountID ("":
// nobody), for FindWithAccount.
func (s SessionStore) CommitAccount(token string, b []byte, expiry time.Time, accountID string) error {
	_, err := s.DB.write.Exec(`INSERT INTO sessions (token, data, expiry, account_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, account_id = excluded.account_id`,
		token, base64.StdEncoding.EncodeToString(b), expiry.UTC(), accountID)
	return err
}

// Delete removes a session.
func (s SessionStore) Delete(token string) error {
	_, err := s.DB.write.Exec(`DELETE FROM sessions WHERE token = $1`, token)
	return err
}

// DeleteExpired removes sessions that expired before now.
func (s SessionStore) DeleteExpired(ctx context.Context, now time.Time) error {
	_, err := s.DB.write.ExecContext(ctx, `DELETE FROM sessions WHERE expiry < $1`, now.UTC())
	return err
}
