package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity/oidc"
)

const grantCols = `grant_id, client_id, account_id, enterprise_id, subject, sid, scopes, amr, acr, auth_time`

func grantArgs(g oidc.Grant) []any {
	return []any{g.GrantID, g.ClientID, g.AccountID, g.EnterpriseID, g.Subject, g.SID, joinList(g.Scopes),
		joinList(g.AMR), g.ACR, g.AuthTime.UTC()}
}

func grantDest(g *oidc.Grant, scopes, amr *string) []any {
	return []any{&g.GrantID, &g.ClientID, &g.AccountID, &g.EnterpriseID, &g.Subject, &g.SID, scopes, amr, &g.ACR, &g.AuthTime}
}

func insertAccessToken(ctx context.Context, tx *sql.Tx, t oidc.AccessToken) error {
	args := append([]any{t.ID, t.RefreshID}, grantArgs(t.Grant)...)
	args = append(args, t.CreatedAt.UTC(), t.ExpiresAt.UTC())
	_, err := tx.ExecContext(ctx, `INSERT INTO oidc_access_tokens (id, refresh_id, `+grantCols+`, created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`, args...)
	if err != nil {
		return fmt.Errorf("insert access token: %w", err)
	}
	return nil
}

func insertRefreshToken(ctx context.Context, tx *sql.Tx, t oidc.RefreshToken) error {
	args := append([]any{t.ID, t.Hash}, grantArgs(t.Grant)...)
	args = append(args, t.CreatedAt.UTC(), t.ExpiresAt.UTC())
	_, err := tx.ExecContext(ctx, `INSERT INTO oidc_refresh_tokens (id, hash, `+grantCols+`, created_at, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`, args...)
	if err != nil {
		return fmt.Errorf("insert refresh token: %w", err)
	}
	return nil
}

// CreateTokens stores an access token and, when not nil, a refresh token.
func (db *DB) CreateTokens(ctx context.Context, at oidc.AccessToken, rt *oidc.RefreshToken) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if rt != nil {
			if err := insertRefreshToken(ctx, tx, *rt); err != nil {
				return err
			}
		}
		return insertAccessToken(ctx, tx, at)
	})
}

// RotateRefreshToken marks old rotated, revokes the access tokens issued
// with it and stores the new pair; ECONFLICT when old was rotated or
// revoked meanwhile.
func (db *DB) RotateRefreshToken(ctx context.Context, oldID string, at time.Time, access oidc.AccessToken, next oidc.RefreshToken) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE oidc_refresh_tokens SET rotated_at = $1
			WHERE id = $2 AND rotated_at IS NULL AND revoked_at IS NULL`, at.UTC(), oldID)
		if err != nil {
			return fmt.Errorf("rotate refresh token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return yiwang.Errorf(yiwang.ECONFLICT, "刷新令牌已使用")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE oidc_access_tokens SET revoked_at = $1
			WHERE refresh_id = $2 AND revoked_at IS NULL`, at.UTC(), oldID); err != nil {
			return fmt.Errorf("rotate refresh token: %w", err)
		}
		if err := insertRefreshToken(ctx, tx, next); err != nil {
			return err
		}
		return insertAccessToken(ctx, tx, access)
	})
}

// AccessToken returns an access token, or ENOTFOUND.
func (db *DB) AccessToken(ctx context.Context, id string) (oidc.AccessToken, error) {
	var t oidc.AccessToken
	var scopes, amr string
	var revoked sql.NullTime
	dest := append([]any{&t.ID, &t.RefreshID}, grantDest(&t.Grant, &scopes, &amr)...)
	dest = append(dest, &t.CreatedAt, &t.ExpiresAt, &revoked)
	err := db.read.QueryRowContext(ctx, `SELECT id, refresh_id, `+grantCols+`, created_at, expires_at, revoked_at
		FROM oidc_access_tokens WHERE id = $1`, id).Scan(dest...)
	if err != nil {
		return oidc.AccessToken{}, notFound(err, "访问令牌")
	}
	t.Grant.Scopes, t.Grant.AMR, t.Grant.AuthTime = splitList(scopes), splitList(amr), t.Grant.AuthTime.UTC()
	t.CreatedAt, t.ExpiresAt, t.RevokedAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC(), fromNull(revoked)
	return t, nil
}

// RefreshTokenByHash returns a refresh token, or ENOTFOUND.
func (db *DB) RefreshTokenByHash(ctx context.Context, hash string) (oidc.RefreshToken, error) {
	var t oidc.RefreshToken
	var scopes, amr string
	var rotated, revoked sql.NullTime
	dest := append([]any{&t.ID, &t.Hash}, grantDest(&t.Grant, &scopes, &amr)...)
	dest = append(dest, &t.CreatedAt, &t.ExpiresAt, &rotated, &revoked)
	err := db.read.QueryRowContext(ctx, `SELECT id, hash, `+grantCols+`, created_at, expires_at, rotated_at, revoked_at
		FROM oidc_refresh_tokens WHERE hash = $1`, hash).Scan(dest...)
	if err != nil {
		return oidc.RefreshToken{}, notFound(err, "刷新令牌")
	}
	t.Grant.Scopes, t.Grant.AMR, t.Grant.AuthTime = splitList(scopes), splitList(amr), t.Grant.AuthTime.UTC()
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	t.RotatedAt, t.RevokedAt = fromNull(rotated), fromNull(revoked)
	return t, nil
}

// RevokeAccessToken revokes one access token.
func (db *DB) RevokeAccessToken(ctx context.Context, id string, at time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE oidc_access_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at.UTC(), id)
		if err != nil {
			return fmt.Errorf("revoke access token: %w", err)
		}
		return nil
	})
}

// RevokeRefreshToken revokes a refresh token and the access tokens issued with it.
func (db *DB) RevokeRefreshToken(ctx context.Context, id string, at time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE oidc_refresh_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`,
			at.UTC(), id); err != nil {
			return fmt.Errorf("revoke refresh token: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE oidc_access_tokens SET revoked_at = $1 WHERE refresh_id = $2 AND revoked_at IS NULL`,
			at.UTC(), id); err != nil {
			return fmt.Errorf("revoke refresh token: %w", err)
		}
		return nil
	})
}

// revokeWhere revokes the tokens of both tables matching cond ($2).
func (db *DB) revokeWhere(ctx context.Context, cond string, value string, at time.Time) (int, error) {
	total := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"oidc_refresh_tokens", "oidc_access_tokens"} {
			res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET revoked_at = $1 WHERE `+cond+` = $2 AND revoked_at IS NULL`,
				at.UTC(), value)
			if err != nil {
				return fmt.Errorf("revoke tokens: %w", err)
			}
			n, _ := res.RowsAffected()
			total += int(n)
		}
		return nil
	})
	return total, err
}

// RevokeGrant revokes every token of a grant.
func (db *DB) RevokeGrant(ctx context.Context, grantID string, at time.Time) error {
	_, err := db.revokeWhere(ctx, "grant_id", grantID, at)
	return err
}

// RevokeSession revokes every token issued in a platform session.
func (db *DB) RevokeSession(ctx context.Context, sid string, at time.Time) (int, error) {
	return db.revokeWhere(ctx, "sid", sid, at)
}

// OIDCConsent returns what a person agreed to give a client, or ENOTFOUND.
func (db *DB) OIDCConsent(ctx context.Context, accountID, clientID string) (oidc.Consent, error) {
	c := oidc.Consent{AccountID: accountID, ClientID: clientID}
	var scopes string
	err := db.read.QueryRowContext(ctx, `SELECT scopes, given_at FROM oidc_consents WHERE account_id = $1 AND client_id = $2`,
		accountID, clientID).Scan(&scopes, &c.GivenAt)
	if err != nil {
		return oidc.Consent{}, notFound(err, "授权记录")
	}
	c.Scopes, c.GivenAt = splitList(scopes), c.GivenAt.UTC()
	return c, nil
}

// OIDCSigningKeys lists the signing keys, newest first.
func (db *DB) OIDCSigningKeys(ctx context.Context) ([]oidc.SigningKey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, alg, public_der, private_sealed, created_at FROM oidc_signing_keys
		ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("list oidc signing keys: %w", err)
	}
	defer rows.Close()
	var out []oidc.SigningKey
	for rows.Next() {
		var k oidc.SigningKey
		var pub, priv string
		if err := rows.Scan(&k.ID, &k.Alg, &pub, &priv, &k.CreatedAt); err != nil {
			return nil, fmt.Errorf("list oidc signing keys: %w", err)
		}
		if k.PublicDER, err = base64.StdEncoding.DecodeString(pub); err != nil {
			return nil, fmt.Errorf("oidc signing key %s is damaged: %w", k.ID, err)
		}
		if k.PrivateSealed, err = base64.StdEncoding.DecodeString(priv); err != nil {
			return nil, fmt.Errorf("oidc signing key %s is damaged: %w", k.ID, err)
		}
		k.CreatedAt = k.CreatedAt.UTC()
		out = append(out, k)
	}
	return out, rows.Err()
}

// AddOIDCSigningKey stores the first signing key with its audit entry;
// ECONFLICT when there is one already.
func (db *DB) AddOIDCSigningKey(ctx context.Context, k oidc.SigningKey, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oidc_signing_keys (id, alg, public_der, private_sealed, current_key, created_at)
			VALUES ($1,$2,$3,$4,$5,$6)`, k.ID, k.Alg, base64.StdEncoding.EncodeToString(k.PublicDER),
			base64.StdEncoding.EncodeToString(k.PrivateSealed), 1, k.CreatedAt.UTC())
		if isUnique(err) {
			return yiwang.Errorf(yiwang.ECONFLICT, "已有签名密钥")
		}
		if err != nil {
			return fmt.Errorf("insert oidc signing key: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// PurgeOIDC deletes auth requests created, and tokens expired, before.
func (db *DB) PurgeOIDC(ctx context.Context, before time.Time) (int, error) {
	total := 0
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM oidc_access_tokens WHERE expires_at < $1`,
			`DELETE FROM oidc_refresh_tokens WHERE expires_at < $1`,
			`DELETE FROM oidc_auth_requests WHERE created_at < $1`,
		} {
			res, err := tx.ExecContext(ctx, q, before.UTC())
			if err != nil {
				return fmt.Errorf("purge oidc: %w", err)
			}
			n, _ := res.RowsAffected()
			total += int(n)
		}
		return nil
	})
	return total, err
}
