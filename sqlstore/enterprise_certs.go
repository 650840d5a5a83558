package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity/certlogin"
)

var _ certlogin.Store = (*DB)(nil)

const certCols = `id, enterprise_id, account_id, fingerprint, sm3, key_alg, subject, issuer, serial, credit_code,
	not_before, not_after, cert_der, created_at, revoked_at, revoked_by`

func scanCert(row interface{ Scan(...any) error }) (certlogin.Cert, error) {
	var c certlogin.Cert
	var der string
	var revoked sql.NullTime
	if err := row.Scan(&c.ID, &c.EnterpriseID, &c.AccountID, &c.Fingerprint, &c.SM3, &c.KeyAlg, &c.Subject, &c.Issuer,
		&c.Serial, &c.CreditCode, &c.NotBefore, &c.NotAfter, &der, &c.CreatedAt, &revoked, &c.RevokedBy); err != nil {
		return c, err
	}
	var err error
	if c.DER, err = base64.StdEncoding.DecodeString(der); err != nil {
		return c, fmt.Errorf("certificate %s: stored DER is damaged: %w", c.ID, err)
	}
	c.NotBefore, c.NotAfter, c.CreatedAt = c.NotBefore.UTC(), c.NotAfter.UTC(), c.CreatedAt.UTC()
	if revoked.Valid {
		c.RevokedAt = revoked.Time.UTC()
	}
	return c, nil
}

// AddEnterpriseCert stores a certificate with its audit entry; a fingerprint
// stored already gives ECONFLICT.
func (db *DB) AddEnterpriseCert(ctx context.Context, c certlogin.Cert, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO enterprise_certs (`+certCols+`)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,NULL,'')`,
			c.ID, c.EnterpriseID, c.AccountID, c.Fingerprint, c.SM3, c.KeyAlg, c.Subject, c.Issuer, c.Serial, c.CreditCode,
			c.NotBefore.UTC(), c.NotAfter.UTC(), base64.StdEncoding.EncodeToString(c.DER), c.CreatedAt.UTC())
		if isUnique(err) {
			return yiwang.Errorf(yiwang.ECONFLICT, "该证书已登记")
		}
		if err != nil {
			return fmt.Errorf("insert enterprise cert: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// EnterpriseCerts lists an enterprise's certificates, newest first.
func (db *DB) EnterpriseCerts(ctx context.Context, enterpriseID string) ([]certlogin.Cert, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+certCols+` FROM enterprise_certs WHERE enterprise_id = $1
		ORDER BY created_at DESC, id DESC`, enterpriseID)
	if err != nil {
		return nil, fmt.Errorf("list enterprise certs: %w", err)
	}
	defer rows.Close()
	var out []certlogin.Cert
	for rows.Next() {
		c, err := scanCert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// EnterpriseCertByFingerprint returns a certificate or ENOTFOUND. It reads
// the writer, so that a login right after a revocation sees it.
func (db *DB) EnterpriseCertByFingerprint(ctx context.Context, fingerprint string) (certlogin.Cert, error) {
	c, err := scanCert(db.write.QueryRowContext(ctx, `SELECT `+certCols+` FROM enterprise_certs WHERE fingerprint = $1`, fingerprint))
	if err != nil {
		return c, notFound(err, "证书")
	}
	return c, nil
}

// RevokeEnterpriseCert marks a certificate of the enterprise revoked with
// its audit entry: ENOTFOUND when it has no such certificate, ECONFLICT when
// it is revoked already.
func (db *DB) RevokeEnterpriseCert(ctx context.Context, enterpriseID, id string, at time.Time, by string, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE enterprise_certs SET revoked_at = $1, revoked_by = $2
			WHERE id = $3 AND enterprise_id = $4 AND revoked_at IS NULL`, at.UTC(), by, id, enterpriseID)
		if err != nil {
			return fmt.Errorf("revoke enterprise cert: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			var revoked sql.NullTime
			err := tx.QueryRowContext(ctx, `SELECT revoked_at FROM enterprise_certs WHERE id = $1 AND enterprise_id = $2`,
				id, enterpriseID).Scan(&revoked)
			if err != nil {
				return notFound(err, "证书")
			}
			return yiwang.Errorf(yiwang.ECONFLICT, "该证书已吊销")
		}
		return appendAudit(ctx, tx, e)
	})
}

// challengeKeep is how long used or expired challenges are kept before
// SaveCertChallenge drops them.
const challengeKeep = 24 * time.Hour

// SaveCertChallenge stores a new challenge and drops those that expired
// more than a day before it was made.
func (db *DB) SaveCertChallenge(ctx context.Context, ch certlogin.Challenge) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM cert_challenges WHERE expires_at < $1`,
			ch.CreatedAt.Add(-challengeKeep).UTC()); err != nil {
			return fmt.Errorf("drop old challenges: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO cert_challenges (id, challenge, created_at, expires_at)
			VALUES ($1,$2,$3,$4)`, ch.ID, ch.Text, ch.CreatedAt.UTC(), ch.ExpiresAt.UTC())
		if err != nil {
			return fmt.Errorf("insert challenge: %w", err)
		}
		return nil
	})
}

// CertChallenge returns a challenge or ENOTFOUND.
func (db *DB) CertChallenge(ctx context.Context, id string) (certlogin.Challenge, error) {
	ch := certlogin.Challenge{ID: id}
	var used sql.NullTime
	err := db.write.QueryRowContext(ctx, `SELECT challenge, created_at, expires_at, used_at FROM cert_challenges WHERE id = $1`,
		id).Scan(&ch.Text, &ch.CreatedAt, &ch.ExpiresAt, &used)
	if err != nil {
		return ch, notFound(err, "挑战码")
	}
	ch.CreatedAt, ch.ExpiresAt = ch.CreatedAt.UTC(), ch.ExpiresAt.UTC()
	if used.Valid {
		ch.UsedAt = used.Time.UTC()
	}
	return ch, nil
}

// UseCertChallenge marks a challenge used unless it was already, and
// reports whether it did. One conditional UPDATE: of concurrent uses, one wins.
func (db *DB) UseCertChallenge(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE cert_challenges SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, at.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("use challenge: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
