package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
)

const orgCols = `id, parent_id, kind, level, name, region_code, credit_code, demo, address, phone, hours,
	sort, disabled, version, created_at, updated_at`

func scanOrg(sc interface{ Scan(...any) error }) (org.Org, error) {
	var o org.Org
	var parent sql.NullString
	err := sc.Scan(&o.ID, &parent, &o.Kind, &o.Level, &o.Name, &o.RegionCode, &o.CreditCode, &o.Demo,
		&o.Address, &o.Phone, &o.Hours, &o.Sort, &o.Disabled, &o.Version, &o.CreatedAt, &o.UpdatedAt)
	o.ParentID = parent.String
	return o, err
}

// OrgLinks lists every org's ID and parent, as read at most keptTTL ago
// (kept.go): every check of who may see or act on what (org.Service.Subtree)
// asks for them, several times a request, and read afresh they took a
// sixth of an officer's action. Orgs are never deleted and never change
// their parent (UpdateOrg keeps it), so kept links can only miss an org
// created since: never on this DB, whose CreateOrg forgets them; on
// another instance for up to keptTTL, during which the new org's staff and
// those above it see less, never more. The slice is shared: never change it.
func (db *DB) OrgLinks(ctx context.Context) ([]org.Org, error) {
	now := time.Now()
	if links, ok := db.links.get(now); ok {
		return links, nil
	}
	epoch := db.links.begin()
	rows, err := db.read.QueryContext(ctx, `SELECT id, COALESCE(parent_id, '') FROM orgs`)
	if err != nil {
		return nil, fmt.Errorf("org links: %w", err)
	}
	defer rows.Close()
	var out []org.Org
	for rows.Next() {
		var o org.Org
		if err := rows.Scan(&o.ID, &o.ParentID); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	db.links.keep(out, epoch, now)
	return out, nil
}

// ListOrgs returns every org, as read at most keptTTL ago (kept.go): pages
// name the orgs they show from it (a case page its alerts', the dashboard,
// the supervision lists), and read afresh it was two thirds of a case
// page's CPU. This DB's CreateOrg and UpdateOrg forget it; another
// instance's change shows within keptTTL. Each caller gets its own copy.
func (db *DB) ListOrgs(ctx context.Context) ([]org.Org, error) {
	now := time.Now()
	if all, ok := db.orgs.get(now); ok {
		return slices.Clone(all), nil
	}
	epoch := db.orgs.begin()
	rows, err := db.read.QueryContext(ctx, `SELECT `+orgCols+` FROM orgs`)
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	defer rows.Close()
	var out []org.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, fmt.Errorf("scan org: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	db.orgs.keep(slices.Clone(out), epoch, now)
	return out, nil
}

// Org returns one org or ENOTFOUND.
func (db *DB) Org(ctx context.Context, id string) (org.Org, error) {
	o, err := scanOrg(db.read.QueryRowContext(ctx, `SELECT `+orgCols+` FROM orgs WHERE id = $1`, id))
	return o, notFound(err, "单位")
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateOrg stores a new org with its audit entry.
func (db *DB) CreateOrg(ctx context.Context, o org.Org, e audit.Entry) error {
	defer db.links.forget()
	defer db.orgs.forget()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := insertOrg(ctx, tx, o); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

func insertOrg(ctx context.Context, tx *sql.Tx, o org.Org) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO orgs (`+orgCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		o.ID, nullable(o.ParentID), o.Kind, o.Level, o.Name, o.RegionCode, o.CreditCode, o.Demo,
		o.Address, o.Phone, o.Hours, o.Sort, o.Disabled, o.Version, o.CreatedAt, o.UpdatedAt)
	if isUnique(err) {
		return &yiwang.Error{Code: yiwang.ECONFLICT, Message: "统一社会信用代码已被其他单位使用",
			Fields: map[string]string{"credit_code": "该统一社会信用代码已被其他单位使用"}}
	}
	if err != nil {
		return fmt.Errorf("insert org: %w", err)
	}
	return nil
}

// UpdateOrg stores o when the stored version is o.Version-1. It moves the
// catalog generation: the published catalog shows each entry's org by
// name, and its searches and open data are kept by generation.
func (db *DB) UpdateOrg(ctx context.Context, o org.Org, e audit.Entry) error {
	defer db.orgs.forget()
	return db.catalogTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE orgs SET name=$1, region_code=$2, credit_code=$3, address=$4,
			phone=$5, hours=$6, sort=$7, disabled=$8, version=$9, updated_at=$10 WHERE id=$11 AND version=$12`,
			o.Name, o.RegionCode, o.CreditCode, o.Address, o.Phone, o.Hours, o.Sort, o.Disabled,
			o.Version, o.UpdatedAt, o.ID, o.Version-1)
		if isUnique(err) {
			return &yiwang.Error{Code: yiwang.ECONFLICT, Message: "统一社会信用代码已被其他单位使用",
				Fields: map[string]string{"credit_code": "该统一社会信用代码已被其他单位使用"}}
		}
		if err != nil {
			return fmt.Errorf("update org: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ECONFLICT, "该单位已被他人修改，请刷新后重试")
		}
		if err := bumpGeneration(ctx, tx); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}
