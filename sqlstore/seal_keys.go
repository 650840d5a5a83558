package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/seal"
)

var _ seal.Store = (*DB)(nil)

// CurrentSealKey returns the org's current signing key, or ENOTFOUND.
func (db *DB) CurrentSealKey(ctx context.Context, orgID string) (seal.Key, error) {
	k := seal.Key{OrgID: orgID}
	var sealed string
	err := db.read.QueryRowContext(ctx, `SELECT id, alg, public_key_pem, private_sealed, created_at
		FROM seal_keys WHERE current_org = $1`, orgID).Scan(&k.ID, &k.Alg, &k.PublicKeyPEM, &sealed, &k.CreatedAt)
	if err != nil {
		return seal.Key{}, notFound(err, "单位签章密钥")
	}
	k.PrivateSealed, err = base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return seal.Key{}, fmt.Errorf("seal key %s: stored private key is damaged: %w", k.ID, err)
	}
	return k, nil
}

// AddSealKey stores k as its org's current key with its audit entry; with retire it first retires
// the org's current key, in one transaction. Without retire, an org that
// already has a current key gives ECONFLICT.
func (db *DB) AddSealKey(ctx context.Context, k seal.Key, retire bool, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if retire {
			if _, err := tx.ExecContext(ctx, `UPDATE seal_keys SET current_org = NULL, retired_at = $1
				WHERE current_org = $2`, k.CreatedAt.UTC(), k.OrgID); err != nil {
				return fmt.Errorf("retire seal key: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO seal_keys (id, org_id, current_org, alg, public_key_pem, private_sealed,
			created_at) VALUES ($1,$2,$2,$3,$4,$5,$6)`, k.ID, k.OrgID, k.Alg, k.PublicKeyPEM,
			base64.StdEncoding.EncodeToString(k.PrivateSealed), k.CreatedAt.UTC())
		if isUnique(err) {
			return yiwang.Errorf(yiwang.ECONFLICT, "该单位已有签章密钥")
		}
		if err != nil {
			return fmt.Errorf("insert seal key: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// SealKeys returns every org's keys with the org's name, oldest first.
func (db *DB) SealKeys(ctx context.Context) ([]seal.Published, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT k.id, k.org_id, o.name, o.credit_code, k.alg, k.public_key_pem, k.created_at, k.retired_at
		FROM seal_keys k JOIN orgs o ON o.id = k.org_id ORDER BY k.created_at, k.id`)
	if err != nil {
		return nil, fmt.Errorf("list seal keys: %w", err)
	}
	defer rows.Close()
	var out []seal.Published
	for rows.Next() {
		var p seal.Published
		var retired sql.NullTime
		if err := rows.Scan(&p.KeyID, &p.OrgID, &p.OrgName, &p.OrgCode, &p.Alg, &p.PublicKeyPEM, &p.CreatedAt, &retired); err != nil {
			return nil, fmt.Errorf("list seal keys: %w", err)
		}
		p.CreatedAt = p.CreatedAt.UTC()
		if retired.Valid {
			t := retired.Time.UTC()
			p.RetiredAt = &t
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
