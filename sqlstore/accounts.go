package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
)

const accountCols = `id, kind, username, name, mobile_enc, idcard_enc, password_hash, totp_secret_enc,
	totp_last_step, realname_level, org_id, status, failed_logins, locked_until, demo, version, created_at, updated_at, last_login_at`

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func (db *DB) scanAccount(sc interface{ Scan(...any) error }) (identity.Account, error) {
	var a identity.Account
	var username, org sql.NullString
	var locked, last sql.NullTime
	var mobile, idcard, totp string
	err := sc.Scan(&a.ID, &a.Kind, &username, &a.Name, &mobile, &idcard, &a.PasswordHash, &totp,
		&a.TOTPLastStep, &a.RealNameLevel, &org, &a.Status, &a.FailedLogins, &locked, &a.Demo, &a.Version,
		&a.CreatedAt, &a.UpdatedAt, &last)
	if err != nil {
		return a, err
	}
	a.Username, a.OrgID, a.LockedUntil, a.LastLoginAt = username.String, org.String, locked.Time, last.Time
	if a.Mobile, err = db.pii.Open(mobile); err != nil {
		return a, fmt.Errorf("decrypt mobile of %s: %w", a.ID, err)
	}
	if a.IDCard, err = db.pii.Open(idcard); err != nil {
		return a, fmt.Errorf("decrypt idcard of %s: %w", a.ID, err)
	}
	if a.TOTPSecret, err = db.pii.Open(totp); err != nil {
		return a, fmt.Errorf("decrypt totp of %s: %w", a.ID, err)
	}
	return a, nil
}

func (db *DB) hashOrEmpty(kind, v string) string {
	if v == "" {
		return ""
	}
	return db.pii.Hash(kind, v)
}

// CreateAccount stores a new account, its roles and the audit entry.
func (db *DB) CreateAccount(ctx context.Context, a identity.Account, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, kind, username, name, mobile_enc, mobile_hash,
			idcard_enc, idcard_hash, password_hash, totp_secret_enc, totp_last_step, realname_level, org_id, status,
			failed_logins, locked_until, demo, created_at, updated_at, last_login_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)`,
			a.ID, a.Kind, nullable(a.Username), a.Name, db.pii.Seal(a.Mobile), db.hashOrEmpty("mobile", a.Mobile),
			db.pii.Seal(a.IDCard), db.hashOrEmpty("idcard", a.IDCard), a.PasswordHash, db.pii.Seal(a.TOTPSecret),
			a.TOTPLastStep, a.RealNameLevel, nullable(a.OrgID), a.Status, a.FailedLogins, nullTime(a.LockedUntil),
			a.Demo, a.CreatedAt, a.UpdatedAt, nullTime(a.LastLoginAt))
		if isUnique(err) {
			return accountConflict(err)
		}
		if err != nil {
			return fmt.Errorf("insert account: %w", err)
		}
		if err := insertRoles(ctx, tx, a.ID, a.Roles, e.ActorID, a.CreatedAt); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

func accountConflict(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "username"):
		return &yiwang.Error{Code: yiwang.ECONFLICT, Message: "用户名已被使用",
			Fields: map[string]string{"username": "该用户名已被使用，请换一个"}}
	case strings.Contains(msg, "idcard"):
		return &yiwang.Error{Code: yiwang.ECONFLICT, Message: "该身份证号已注册账号",
			Fields: map[string]string{"idcard": "该身份证号已注册账号"}}
	default:
		return &yiwang.Error{Code: yiwang.ECONFLICT, Message: "该手机号已注册",
			Fields: map[string]string{"mobile": "该手机号已注册，请直接登录"}}
	}
}

func insertRoles(ctx context.Context, tx *sql.Tx, id string, roles []yiwang.Role, by string, at time.Time) error {
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, `INSERT INTO account_roles (account_id, role, granted_by, granted_at)
			VALUES ($1,$2,$3,$4)`, id, r, by, at); err != nil {
			return fmt.Errorf("insert role: %w", err)
		}
	}
	return nil
}

// UpdateAccount stores every mutable field of a and the audit entry, if the
// stored version is still a.Version (else ECONFLICT: someone changed the
// account meanwhile, e.g. a login moved its TOTP step).
func (db *DB) UpdateAccount(ctx context.Context, a identity.Account, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET name=$1, mobile_enc=$2, mobile_hash=$3, idcard_enc=$4,
			idcard_hash=$5, password_hash=$6, totp_secret_enc=$7, totp_last_step=$8, realname_level=$9, org_id=$10,
			status=$11, failed_logins=$12, locked_until=$13, updated_at=$14, last_login_at=$15, version = version + 1
			WHERE id=$16 AND version=$17`,
			a.Name, db.pii.Seal(a.Mobile), db.hashOrEmpty("mobile", a.Mobile), db.pii.Seal(a.IDCard),
			db.hashOrEmpty("idcard", a.IDCard), a.PasswordHash, db.pii.Seal(a.TOTPSecret), a.TOTPLastStep,
			a.RealNameLevel, nullable(a.OrgID), a.Status, a.FailedLogins, nullTime(a.LockedUntil), a.UpdatedAt,
			nullTime(a.LastLoginAt), a.ID, a.Version)
		if isUnique(err) {
			return accountConflict(err)
		}
		if err != nil {
			return fmt.Errorf("update account: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE id = $1`, a.ID).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return yiwang.Errorf(yiwang.ENOTFOUND, "账号不存在")
			}
			return yiwang.Errorf(yiwang.ECONFLICT, "账号信息已被他人修改，请刷新后重试")
		}
		return appendAudit(ctx, tx, e)
	})
}

// SaveLoginState stores a successful login of a and the audit entry. It
// leaves the TOTP step to AcceptTOTPStep, which never moves it back.
func (db *DB) SaveLoginState(ctx context.Context, a identity.Account, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET failed_logins=$1, locked_until=$2, last_login_at=$3,
			updated_at=$4, version = version + 1 WHERE id=$5`,
			a.FailedLogins, nullTime(a.LockedUntil), nullTime(a.LastLoginAt), a.UpdatedAt, a.ID)
		if err != nil {
			return fmt.Errorf("save login state: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// RecordLoginFailure counts a failed login with one UPDATE (a row lock on
// PostgreSQL, the one writer on SQLite), so concurrent failures all count,
// and locks the account when the count reaches max.
func (db *DB) RecordLoginFailure(ctx context.Context, id string, at time.Time, max int, lockUntil time.Time,
	entry func(failures int, locked bool) audit.Entry) (int, bool, error) {
	var n int
	var locked bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE accounts SET failed_logins = failed_logins + 1, updated_at = $1, version = version + 1
			WHERE id = $2 RETURNING failed_logins`, at, id).Scan(&n)
		if err != nil {
			return fmt.Errorf("count login failure: %w", notFound(err, "账号"))
		}
		locked = n >= max
		if locked {
			if _, err := tx.ExecContext(ctx, `UPDATE accounts SET failed_logins = 0, locked_until = $1 WHERE id = $2`,
				lockUntil, id); err != nil {
				return fmt.Errorf("lock account: %w", err)
			}
		}
		return appendAudit(ctx, tx, entry(n, locked))
	})
	return n, locked, err
}

// AcceptTOTPStep stores step as the last accepted TOTP step if it is later
// than the stored one, and reports whether it was.
func (db *DB) AcceptTOTPStep(ctx context.Context, id string, step int64) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE accounts SET totp_last_step = $1, version = version + 1 WHERE id = $2 AND totp_last_step < $1`,
		step, id)
	if err != nil {
		return false, fmt.Errorf("accept totp step: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetRoles replaces the roles of an account.
func (db *DB) SetRoles(ctx context.Context, id string, roles []yiwang.Role, by string, at time.Time, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM account_roles WHERE account_id = $1`, id); err != nil {
			return fmt.Errorf("clear roles: %w", err)
		}
		if err := insertRoles(ctx, tx, id, roles, by, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET updated_at = $1, version = version + 1 WHERE id = $2`, at, id); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

func (db *DB) accountWhere(ctx context.Context, cond string, args ...any) (identity.Account, error) {
	// The roles come in the same read: every request reads its account.
	var roles sql.NullString
	a, err := db.scanAccount(around{row: db.read.QueryRowContext(ctx, `SELECT `+accountCols+`, `+db.rolesOf("accounts.id")+`
		FROM accounts WHERE `+cond, args...), last: []any{&roles}})
	if err != nil {
		return a, notFound(err, "账号")
	}
	setRoles(&a, roles)
	return a, nil
}

// rolesOf is a subquery of the roles of the account whose ID is the
// column id, comma-separated, in no order (setRoles sorts them: an ordered
// aggregate made SQLite sort them in a temporary b-tree every time).
func (db *DB) rolesOf(id string) string {
	agg := `string_agg(r.role, ',')`
	if db.Engine == SQLite {
		agg = `group_concat(r.role, ',')`
	}
	return `(SELECT ` + agg + ` FROM account_roles r WHERE r.account_id = ` + id + `)`
}

// setRoles gives a the roles rolesOf read, sorted as db.roles lists them.
func setRoles(a *identity.Account, roles sql.NullString) {
	if roles.String == "" {
		return
	}
	for _, r := range strings.Split(roles.String, ",") {
		a.Roles = append(a.Roles, yiwang.Role(r))
	}
	slices.Sort(a.Roles)
}

// around scans a row with more columns than its caller asks for: first
// before them, last after.
type around struct {
	row         *sql.Row
	first, last []any
}

func (w around) Scan(dest ...any) error {
	return w.row.Scan(append(append(append(make([]any, 0, len(w.first)+len(dest)+len(w.last)), w.first...), dest...), w.last...)...)
}

func (db *DB) roles(ctx context.Context, id string) ([]yiwang.Role, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT role FROM account_roles WHERE account_id = $1 ORDER BY role`, id)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	defer rows.Close()
	var out []yiwang.Role
	for rows.Next() {
		var r yiwang.Role
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Account returns an account with its roles.
func (db *DB) Account(ctx context.Context, id string) (identity.Account, error) {
	return db.accountWhere(ctx, `id = $1`, id)
}

// AccountByUsername returns a staff account by username.
func (db *DB) AccountByUsername(ctx context.Context, username string) (identity.Account, error) {
	return db.accountWhere(ctx, `username = $1`, username)
}

// CitizenByMobile finds a citizen by the keyed hash of their mobile number.
func (db *DB) CitizenByMobile(ctx context.Context, mobile string) (identity.Account, error) {
	return db.accountWhere(ctx, `kind = 'citizen' AND mobile_hash = $1`, db.pii.Hash("mobile", mobile))
}

// CitizenByIDCard finds a citizen by the keyed hash of their ID number.
func (db *DB) CitizenByIDCard(ctx context.Context, idcard string) (identity.Account, error) {
	return db.accountWhere(ctx, `kind = 'citizen' AND idcard_hash = $1`, db.pii.Hash("idcard", idcard))
}

// staffQuery returns ListStaff's statement and arguments. Every staff
// account has a username, and saying so lets the database read the staff
// in username order from accounts_username (which holds only accounts with
// one) instead of reading every citizen's account too and sorting.
func staffQuery(f identity.StaffFilter) (string, []any) {
	q := `SELECT ` + accountCols + ` FROM accounts WHERE kind = 'staff' AND username IS NOT NULL`
	var args []any
	if f.OrgID != "" {
		args = append(args, f.OrgID)
		q += fmt.Sprintf(` AND org_id = $%d`, len(args))
	}
	// '_' stays (see likePrefix): usernames may hold one.
	if s := strings.ReplaceAll(strings.TrimSpace(f.Query), "%", ""); s != "" {
		args = append(args, "%"+strings.ToLower(s)+"%", "%"+s+"%")
		q += fmt.Sprintf(` AND (username LIKE $%d OR name LIKE $%d)`, len(args)-1, len(args))
	}
	return q + ` ORDER BY username LIMIT 500`, args
}

// ListStaff lists staff accounts with their roles.
func (db *DB) ListStaff(ctx context.Context, f identity.StaffFilter) ([]identity.Account, error) {
	q, args := staffQuery(f)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	var out []identity.Account
	for rows.Next() {
		a, err := db.scanAccount(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Roles, err = db.roles(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// InPopulation reports whether name and ID number match the population base.
func (db *DB) InPopulation(ctx context.Context, name, idcard string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM population_base WHERE idcard_hash = $1 AND name = $2`,
		db.pii.Hash("idcard", idcard), name).Scan(&n)
	return n > 0, err
}

// AddPopulation adds a person to the population base (demo data and imports).
func (db *DB) AddPopulation(ctx context.Context, name, idcard string, demo bool) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO population_base (idcard_hash, name, demo) VALUES ($1,$2,$3)
		ON CONFLICT (idcard_hash) DO UPDATE SET name = excluded.name`, db.pii.Hash("idcard", idcard), name, demo)
	return err
}
