package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity/oidc"
)

var _ oidc.Store = (*DB)(nil)

func joinList(xs []string) string { return strings.Join(xs, " ") }
func splitList(s string) []string { return strings.Fields(s) }

func fromNull(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

const oidcClientCols = `id, name, secret_hash, public, redirect_uris, post_logout_redirect_uris, frontchannel_logout_uri,
	scopes, kinds, pairwise, sector, enabled, created_by, created_at, updated_at`

func scanOIDCClient(sc interface{ Scan(...any) error }) (oidc.Client, error) {
	var c oidc.Client
	var redirects, logouts, scopes, kinds string
	err := sc.Scan(&c.ID, &c.Name, &c.SecretHash, &c.Public, &redirects, &logouts, &c.FrontChannelLogoutURI,
		&scopes, &kinds, &c.Pairwise, &c.Sector, &c.Enabled, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	c.RedirectURIs, c.PostLogoutRedirectURIs, c.Scopes = splitList(redirects), splitList(logouts), splitList(scopes)
	for _, k := range splitList(kinds) {
		c.Kinds = append(c.Kinds, yiwang.AccountKind(k))
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

func kindList(ks []yiwang.AccountKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return joinList(s)
}

// CreateOIDCClient stores a new client with its audit entry.
func (db *DB) CreateOIDCClient(ctx context.Context, c oidc.Client, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_clients (`+oidcClientCols+`)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
			c.ID, c.Name, c.SecretHash, c.Public, joinList(c.RedirectURIs), joinList(c.PostLogoutRedirectURIs),
			c.FrontChannelLogoutURI, joinList(c.Scopes), kindList(c.Kinds), c.Pairwise, c.Sector, c.Enabled,
			c.CreatedBy, c.CreatedAt.UTC(), c.UpdatedAt.UTC())
		if isUnique(err) {
			return yiwang.Errorf(yiwang.ECONFLICT, "接入系统编号重复，请重试")
		}
		if err != nil {
			return fmt.Errorf("insert oidc client: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// UpdateOIDCClient stores a client's changeable fields with the audit entry.
func (db *DB) UpdateOIDCClient(ctx context.Context, c oidc.Client, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE oidc_clients SET name = $1, redirect_uris = $2,
			post_logout_redirect_uris = $3, frontchannel_logout_uri = $4, scopes = $5, kinds = $6, pairwise = $7,
			enabled = $8, updated_at = $9 WHERE id = $10`,
			c.Name, joinList(c.RedirectURIs), joinList(c.PostLogoutRedirectURIs), c.FrontChannelLogoutURI,
			joinList(c.Scopes), kindList(c.Kinds), c.Pairwise, c.Enabled, c.UpdatedAt.UTC(), c.ID)
		if err != nil {
			return fmt.Errorf("update oidc client: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return yiwang.Errorf(yiwang.ENOTFOUND, "接入系统不存在")
		}
		return appendAudit(ctx, tx, e)
	})
}

// OIDCClient returns a client, or ENOTFOUND.
func (db *DB) OIDCClient(ctx context.Context, id string) (oidc.Client, error) {
	c, err := scanOIDCClient(db.read.QueryRowContext(ctx, `SELECT `+oidcClientCols+` FROM oidc_clients WHERE id = $1`, id))
	if err != nil {
		return oidc.Client{}, notFound(err, "接入系统")
	}
	return c, nil
}

// OIDCClients lists every client, oldest first.
func (db *DB) OIDCClients(ctx context.Context) ([]oidc.Client, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+oidcClientCols+` FROM oidc_clients ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list oidc clients: %w", err)
	}
	defer rows.Close()
	var out []oidc.Client
	for rows.Next() {
		c, err := scanOIDCClient(rows)
		if err != nil {
			return nil, fmt.Errorf("list oidc clients: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const authRequestCols = `id, client_id, redirect_uri, state, nonce, scopes, response_type, response_mode, code_challenge,
	code_challenge_method, prompt, max_age, created_at, COALESCE(account_id, ''), enterprise_id, subject, sid, amr, acr,
	auth_time, done_at, COALESCE(code_hash, ''), code_used_at`

func scanAuthRequest(sc interface{ Scan(...any) error }) (oidc.AuthRequest, error) {
	var a oidc.AuthRequest
	var scopes, prompt, amr string
	var maxAge int64
	var authTime, done, used sql.NullTime
	err := sc.Scan(&a.ID, &a.ClientID, &a.RedirectURI, &a.State, &a.Nonce, &scopes, &a.ResponseType, &a.ResponseMode,
		&a.CodeChallenge, &a.CodeChallengeMethod, &prompt, &maxAge, &a.CreatedAt, &a.Grant.AccountID, &a.Grant.EnterpriseID,
		&a.Grant.Subject, &a.Grant.SID, &amr, &a.Grant.ACR, &authTime, &done, &a.CodeHash, &used)
	if err != nil {
		return oidc.AuthRequest{}, err
	}
	a.Scopes, a.Prompt = splitList(scopes), splitList(prompt)
	a.MaxAge = -1
	if maxAge >= 0 {
		a.MaxAge = time.Duration(maxAge) * time.Second
	}
	a.CreatedAt = a.CreatedAt.UTC()
	a.DoneAt, a.CodeUsedAt = fromNull(done), fromNull(used)
	if a.Grant.AccountID != "" {
		a.Grant.GrantID, a.Grant.ClientID, a.Grant.Scopes = a.ID, a.ClientID, a.Scopes
		a.Grant.AMR, a.Grant.AuthTime = splitList(amr), fromNull(authTime)
	}
	return a, nil
}

// CreateAuthRequest stores a new authorization request.
func (db *DB) CreateAuthRequest(ctx context.Context, a oidc.AuthRequest) error {
	maxAge := int64(-1)
	if a.MaxAge >= 0 {
		maxAge = int64(a.MaxAge / time.Second)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_auth_requests (id, client_id, redirect_uri, state, nonce, scopes,
			response_type, response_mode, code_challenge, code_challenge_method, prompt, max_age, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
			a.ID, a.ClientID, a.RedirectURI, a.State, a.Nonce, joinList(a.Scopes), a.ResponseType, a.ResponseMode,
			a.CodeChallenge, a.CodeChallengeMethod, joinList(a.Prompt), maxAge, a.CreatedAt.UTC())
		if err != nil {
			return fmt.Errorf("insert auth request: %w", err)
		}
		return nil
	})
}

// AuthRequest returns an auth request, or ENOTFOUND.
func (db *DB) AuthRequest(ctx context.Context, id string) (oidc.AuthRequest, error) {
	a, err := scanAuthRequest(db.read.QueryRowContext(ctx, `SELECT `+authRequestCols+` FROM oidc_auth_requests WHERE id = $1`, id))
	if err != nil {
		return oidc.AuthRequest{}, notFound(err, "登录请求")
	}
	return a, nil
}

// CompleteAuthRequest records the grant on a request that is not done yet,
// stores the consent (when not nil) and the audit entry, in one transaction.
func (db *DB) CompleteAuthRequest(ctx context.Context, a oidc.AuthRequest, consent *oidc.Consent, e audit.Entry) error {
	g := a.Grant
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE oidc_auth_requests SET account_id = $1, enterprise_id = $2, subject = $3,
			sid = $4, amr = $5, acr = $6, auth_time = $7, done_at = $8 WHERE id = $9 AND done_at IS NULL`,
			g.AccountID, g.EnterpriseID, g.Subject, g.SID, joinList(g.AMR), g.ACR, g.AuthTime.UTC(), a.DoneAt.UTC(), a.ID)
		if err != nil {
			return fmt.Errorf("complete auth request: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return yiwang.Errorf(yiwang.ECONFLICT, "登录请求已完成或不存在")
		}
		if consent != nil {
			_, err := tx.ExecContext(ctx, `INSERT INTO oidc_consents (account_id, client_id, scopes, given_at)
				VALUES ($1,$2,$3,$4) ON CONFLICT (account_id, client_id) DO UPDATE SET scopes = $3, given_at = $4`,
				consent.AccountID, consent.ClientID, joinList(consent.Scopes), consent.GivenAt.UTC())
			if err != nil {
				return fmt.Errorf("save consent: %w", err)
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

// SetAuthCode binds a code hash to a done request whose code was not exchanged.
func (db *DB) SetAuthCode(ctx context.Context, id, codeHash string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE oidc_auth_requests SET code_hash = $1
			WHERE id = $2 AND done_at IS NOT NULL AND code_used_at IS NULL`, codeHash, id)
		if err != nil {
			return fmt.Errorf("save auth code: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return yiwang.Errorf(yiwang.ENOTFOUND, "登录请求不存在或已使用")
		}
		return nil
	})
}

// AuthRequestByCode returns the request a code hash belongs to, or ENOTFOUND.
func (db *DB) AuthRequestByCode(ctx context.Context, codeHash string) (oidc.AuthRequest, error) {
	a, err := scanAuthRequest(db.read.QueryRowContext(ctx, `SELECT `+authRequestCols+` FROM oidc_auth_requests
		WHERE code_hash = $1`, codeHash))
	if err != nil {
		return oidc.AuthRequest{}, notFound(err, "授权码")
	}
	return a, nil
}

// UseAuthCode marks a request's code exchanged, once.
func (db *DB) UseAuthCode(ctx context.Context, id string, at time.Time) (bool, error) {
	var ok bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE oidc_auth_requests SET code_used_at = $1
			WHERE id = $2 AND code_used_at IS NULL AND code_hash IS NOT NULL`, at.UTC(), id)
		if err != nil {
			return fmt.Errorf("use auth code: %w", err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}

// DeleteAuthRequest deletes a request whose code was never exchanged.
func (db *DB) DeleteAuthRequest(ctx context.Context, id string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM oidc_auth_requests WHERE id = $1 AND code_used_at IS NULL`, id)
		if err != nil {
			return fmt.Errorf("delete auth request: %w", err)
		}
		return nil
	})
}
