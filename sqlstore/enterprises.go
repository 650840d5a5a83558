package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
)

const entCols = `id, credit_code, name, legal_rep_name, legal_rep_idcard_enc, demo, created_by, created_at`

func (db *DB) enterpriseWhere(ctx context.Context, cond string, arg any) (identity.Enterprise, error) {
	var e identity.Enterprise
	var idc string
	err := db.read.QueryRowContext(ctx, `SELECT `+entCols+` FROM enterprises WHERE `+cond, arg).Scan(
		&e.ID, &e.CreditCode, &e.Name, &e.LegalRepName, &idc, &e.Demo, &e.CreatedBy, &e.CreatedAt)
	if err != nil {
		return e, notFound(err, "企业")
	}
	e.LegalRepID, err = db.pii.Open(idc)
	return e, err
}

// Enterprise returns an enterprise or ENOTFOUND.
func (db *DB) Enterprise(ctx context.Context, id string) (identity.Enterprise, error) {
	return db.enterpriseWhere(ctx, `id = $1`, id)
}

// EnterpriseByCreditCode returns an enterprise or ENOTFOUND.
func (db *DB) EnterpriseByCreditCode(ctx context.Context, code string) (identity.Enterprise, error) {
	return db.enterpriseWhere(ctx, `credit_code = $1`, code)
}

// CreateEnterprise stores an enterprise with its first member.
func (db *DB) CreateEnterprise(ctx context.Context, ent identity.Enterprise, m identity.Member, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO enterprises (id, credit_code, name, legal_rep_name,
			legal_rep_idcard_enc, legal_rep_idcard_hash, demo, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
			ent.ID, ent.CreditCode, ent.Name, ent.LegalRepName, db.pii.Seal(ent.LegalRepID),
			db.pii.Hash("idcard", ent.LegalRepID), ent.Demo, ent.CreatedBy, ent.CreatedAt)
		if isUnique(err) {
			return &yiwang.Error{Code: yiwang.ECONFLICT, Message: "该企业已注册",
				Fields: map[string]string{"credit_code": "该统一社会信用代码已注册"}}
		}
		if err != nil {
			return fmt.Errorf("insert enterprise: %w", err)
		}
		if err := insertMember(ctx, tx, m); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

func insertMember(ctx context.Context, tx *sql.Tx, m identity.Member) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO enterprise_members (enterprise_id, account_id, role, granted_by, granted_at)
		VALUES ($1,$2,$3,$4,$5)`, m.EnterpriseID, m.AccountID, m.Role, m.GrantedBy, m.GrantedAt)
	if isUnique(err) {
		return &yiwang.Error{Code: yiwang.ECONFLICT, Message: "此人已获该企业授权",
			Fields: map[string]string{"mobile": "此人已是该企业的经办人"}}
	}
	if err != nil {
		return fmt.Errorf("insert member: %w", err)
	}
	return nil
}

// AddMember authorises a person for an enterprise.
func (db *DB) AddMember(ctx context.Context, m identity.Member, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := insertMember(ctx, tx, m); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

// RemoveMember withdraws an authorisation.
func (db *DB) RemoveMember(ctx context.Context, enterpriseID, accountID string, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM enterprise_members WHERE enterprise_id = $1 AND account_id = $2
			AND role <> 'legal_rep'`, enterpriseID, accountID)
		if err != nil {
			return fmt.Errorf("remove member: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return yiwang.Errorf(yiwang.ENOTFOUND, "该经办人不存在")
		}
		return appendAudit(ctx, tx, e)
	})
}

func (db *DB) members(ctx context.Context, cond string, arg any) ([]identity.Member, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.enterprise_id, e.name, e.credit_code, m.account_id, a.name,
		a.mobile_enc, m.role, m.granted_by, m.granted_at
		FROM enterprise_members m JOIN enterprises e ON e.id = m.enterprise_id JOIN accounts a ON a.id = m.account_id
		WHERE `+cond+` ORDER BY m.granted_at`, arg)
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	defer rows.Close()
	var out []identity.Member
	for rows.Next() {
		var m identity.Member
		var mob string
		if err := rows.Scan(&m.EnterpriseID, &m.EnterpriseName, &m.CreditCode, &m.AccountID, &m.AccountName,
			&mob, &m.Role, &m.GrantedBy, &m.GrantedAt); err != nil {
			return nil, err
		}
		if m.Mobile, err = db.pii.Open(mob); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Members lists the people who may act for an enterprise.
func (db *DB) Members(ctx context.Context, enterpriseID string) ([]identity.Member, error) {
	return db.members(ctx, `m.enterprise_id = $1`, enterpriseID)
}

// MembershipsOf lists the enterprises a person may act for.
func (db *DB) MembershipsOf(ctx context.Context, accountID string) ([]identity.Member, error) {
	return db.members(ctx, `m.account_id = $1`, accountID)
}
