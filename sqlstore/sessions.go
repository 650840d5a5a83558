package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"time"
)

// SessionStore keeps web sessions in the database (scs.Store), so that any
// instance behind a load balancer can serve any request.
type SessionStore struct{ DB *DB }

// Find returns the session data for token, if it exists and has not expired.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	var data string
	var expiry time.Time
	err := s.DB.read.QueryRow(`SELECT data, expiry FROM sessions WHERE token = $1`, token).Scan(&data, &expiry)
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

// Commit stores session data.
func (s SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	_, err := s.DB.write.Exec(`INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, base64.StdEncoding.EncodeToString(b), expiry.UTC())
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
