package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/notify"
)

var _ license.Store = (*DB)(nil)

const typeCols = `code, name, kind, issuer_org_id, fields, valid_years, template, note, rev, updated_at, updated_by`

func scanType(sc interface{ Scan(...any) error }) (license.Type, error) {
	var t license.Type
	var fields string
	if err := sc.Scan(&t.Code, &t.Name, &t.Kind, &t.IssuerOrgID, &fields, &t.ValidYears, &t.Template, &t.Note, &t.Rev,
		&t.UpdatedAt, &t.UpdatedBy); err != nil {
		return t, err
	}
	return t, json.Unmarshal([]byte(fields), &t.Fields)
}

// LicenseTypes lists the license types by name.
func (db *DB) LicenseTypes(ctx context.Context) ([]license.Type, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+typeCols+` FROM license_types ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list license types: %w", err)
	}
	defer rows.Close()
	var out []license.Type
	for rows.Next() {
		t, err := scanType(rows)
		if err != nil {
			return nil, fmt.Errorf("list license types: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// LicenseType returns a license type by code.
func (db *DB) LicenseType(ctx context.Context, code string) (license.Type, error) {
	t, err := scanType(db.read.QueryRowContext(ctx, `SELECT `+typeCols+` FROM license_types WHERE code = $1`, code))
	return t, notFound(err, "证照类型")
}

// LicenseTypeByName returns a license type by name.
func (db *DB) LicenseTypeByName(ctx context.Context, name string) (license.Type, error) {
	t, err := scanType(db.read.QueryRowContext(ctx, `SELECT `+typeCols+` FROM license_types WHERE name = $1`, name))
	return t, notFound(err, "证照类型")
}

// SaveLicenseType inserts a type (Rev 0) or updates it at its Rev.
func (db *DB) SaveLicenseType(ctx context.Context, t license.Type, e audit.Entry) error {
	fields, _ := json.Marshal(t.Fields)
	if t.Fields == nil {
		fields = []byte("[]")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if t.Rev == 0 {
			_, err = tx.ExecContext(ctx, `INSERT INTO license_types (`+typeCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,1,$9,$10)`,
				t.Code, t.Name, t.Kind, t.IssuerOrgID, string(fields), t.ValidYears, t.Template, t.Note, t.UpdatedAt.UTC(), t.UpdatedBy)
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE license_types SET name=$1, issuer_org_id=$2, fields=$3, valid_years=$4,
				template=$5, note=$6, rev=rev+1, updated_at=$7, updated_by=$8, kind=$11 WHERE code=$9 AND rev=$10`,
				t.Name, t.IssuerOrgID, string(fields), t.ValidYears, t.Template, t.Note, t.UpdatedAt.UTC(), t.UpdatedBy, t.Code, t.Rev, t.Kind)
			if err == nil {
				if n, _ := res.RowsAffected(); n != 1 {
					return yiwang.Errorf(yiwang.ECONFLICT, "该证照类型已被他人修改，请刷新后重试")
				}
			}
		}
		if isUnique(err) {
			return yiwang.Errorf(yiwang.ECONFLICT, "证照类型代码或名称已被使用")
		}
		if err != nil {
			return fmt.Errorf("save license type: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

const licenseCols = `id, serial, version, type_code, type_name, kind, issuer_org_id, case_id, case_no, account_id, file_sealed,
	key_id, status, status_note, issued_at, updated_at, reminded_at, rev`

func (db *DB) scanLicense(sc interface{ Scan(...any) error }) (license.License, error) {
	l, sealed, err := scanLicenseRow(sc)
	if err == nil {
		db.openLicenseFile(&l, sealed)
	}
	return l, err
}

// scanLicenseRow scans licenseCols, leaving the file, sealed, to open.
func scanLicenseRow(sc interface{ Scan(...any) error }) (license.License, string, error) {
	var l license.License
	var sealed string
	var reminded sql.NullTime
	if err := sc.Scan(&l.ID, &l.Serial, &l.Version, &l.TypeCode, &l.TypeName, &l.Kind, &l.IssuerOrgID, &l.CaseID, &l.CaseNo,
		&l.AccountID, &sealed, &l.KeyID, &l.Status, &l.StatusNote, &l.IssuedAt, &l.UpdatedAt, &reminded, &l.Rev); err != nil {
		return l, "", err
	}
	if reminded.Valid {
		l.RemindedAt = reminded.Time
	}
	return l, sealed, nil
}

// openLicenseFile fills in l's file and data from its sealed file.
func (db *DB) openLicenseFile(l *license.License, sealed string) {
	var err error
	if l.File, l.Data, err = db.licFiles.open(db, l.ID, sealed); err != nil {
		// A damaged file spoils this license only, not every list it is in.
		l.File, l.Damaged = nil, true
		l.Data = license.Data{ID: l.ID, TypeCode: l.TypeCode, TypeName: l.TypeName}
	}
}

func (db *DB) licenses(ctx context.Context, where string, args ...any) ([]license.License, error) {
	return db.readLicenses(ctx, `SELECT `+licenseCols+` FROM licenses WHERE `+where, args...)
}

// readLicenses runs query, which selects licenseCols.
func (db *DB) readLicenses(ctx context.Context, query string, args ...any) ([]license.License, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list licenses: %w", err)
	}
	defer rows.Close()
	var out []license.License
	for rows.Next() {
		l, err := db.scanLicense(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// License returns a license by identifier.
func (db *DB) License(ctx context.Context, id string) (license.License, error) {
	l, err := db.scanLicense(db.read.QueryRowContext(ctx, `SELECT `+licenseCols+` FROM licenses WHERE id = $1`, id))
	return l, notFound(err, "证照")
}

// Licenses lists licenses, newest first.
func (db *DB) Licenses(ctx context.Context, q license.ListQuery) ([]license.License, error) {
	query, args := licensesQuery(q)
	return db.readLicenses(ctx, query, args...)
}

// licensesQuery returns Licenses' statement and arguments. The licences of
// several issuers (a township's and its villages') are read issuer by
// issuer from licenses_issuer, newest first up to the end of the page, and
// merged by the database, rather than all read and sorted.
func licensesQuery(q license.ListQuery) (string, []any) {
	var args []any
	var where []string
	groups := ownerBranches(&args, q.OrgIDs)
	if s := strings.TrimSpace(q.Q); s != "" {
		args = append(args, "%"+strings.NewReplacer("%", "", "_", "").Replace(s)+"%")
		n := len(args)
		where = append(where, fmt.Sprintf("(id LIKE $%d OR holder_name LIKE $%d OR type_name LIKE $%d OR case_no LIKE $%d)", n, n, n, n))
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	page := func() string {
		args = append(args, q.Limit, max(q.Offset, 0))
		return fmt.Sprintf(` ORDER BY issued_at DESC, id LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	}
	if len(groups) < 2 {
		if len(groups) == 1 {
			where = append(where, "issuer_org_id IN ("+groups[0]+")")
		}
		return `SELECT ` + licenseCols + ` FROM licenses WHERE 1=1` + andAll(where) + page(), args
	}
	args = append(args, q.Limit+max(q.Offset, 0))
	end := len(args)
	var parts []string
	for i, g := range groups {
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT `+licenseCols+` FROM licenses WHERE issuer_org_id IN (`+g+`)`+andAll(where)+
			` ORDER BY issued_at DESC, id LIMIT $%d) l%d`, end, i))
	}
	return strings.Join(parts, " UNION ALL ") + page(), args
}

func (db *DB) holderHash(codeType, code string) string {
	return db.pii.Hash("license_holder", codeType+":"+code)
}

// LicensesHeldBy lists a holder's licenses, newest first.
func (db *DB) LicensesHeldBy(ctx context.Context, codeType, code string) ([]license.License, error) {
	return db.licenses(ctx, `holder_hash = $1 ORDER BY issued_at DESC, id`, db.holderHash(codeType, code))
}

// LicensesOfTypeHeld reports whether a license type is named typeName
// and lists the holder's licenses of that type name, newest first: one
// read (and one for each file not opened lately), for the materials an
// applicant need not hand in.
func (db *DB) LicensesOfTypeHeld(ctx context.Context, codeType, code, typeName string) (bool, []license.License, error) {
	// One row when the holder has none, its license columns NULL. The
	// files are not read: a sealed file is some kilobytes, on pages of
	// its own, read and copied on every application. A license's file
	// never changes once stored, so the one opened before is taken by
	// the license's ID, and only a file not opened lately is read, after.
	rows, err := db.point.QueryContext(lookup(ctx), `SELECT k.known, `+licenseColsNoFile+`
		FROM (SELECT EXISTS (SELECT 1 FROM license_types WHERE name = $2) AS known) k
		LEFT JOIN licenses l ON l.holder_hash = $1 AND l.type_name = $2`, db.holderHash(codeType, code), typeName)
	if err != nil {
		return false, nil, fmt.Errorf("licenses of type held: %w", err)
	}
	defer rows.Close()
	var known bool
	var out []license.License
	var unopened []int // indexes in out
	var id sql.NullString
	probe := []any{&known, &id}
	for range strings.Count(licenseCols, ",") {
		probe = append(probe, new(any)) // unread
	}
	for rows.Next() {
		if err := rows.Scan(probe...); err != nil {
			return false, nil, fmt.Errorf("licenses of type held: %w", err)
		}
		if !id.Valid { // no license
			continue
		}
		l, _, err := scanLicenseRow(afterFirst{rows})
		if err != nil {
			return false, nil, fmt.Errorf("licenses of type held: %w", err)
		}
		var ok bool
		if l.File, l.Data, ok = db.licFiles.opened(l.ID); !ok {
			unopened = append(unopened, len(out))
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return false, nil, fmt.Errorf("licenses of type held: %w", err)
	}
	rows.Close()
	for _, i := range unopened {
		var sealed string
		err := db.point.QueryRowContext(lookup(ctx), `SELECT file_sealed FROM licenses WHERE id = $1`, out[i].ID).Scan(&sealed)
		if err != nil && !errors.Is(err, sql.ErrNoRows) { // gone meanwhile: opens as damaged
			return false, nil, fmt.Errorf("license file: %w", err)
		}
		db.openLicenseFile(&out[i], sealed)
	}
	// Newest first, sorted here: in SQL the order took SQLite a temporary
	// b-tree on every submission.
	slices.SortFunc(out, func(a, b license.License) int {
		if c := b.IssuedAt.Compare(a.IssuedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return known, out, nil
}

// licenseColsNoFile is licenseCols of table alias l, the file left out
// (an empty string in its place).
var licenseColsNoFile = func() string {
	cols := strings.Split(licenseCols, ",")
	for i, c := range cols {
		if c = strings.TrimSpace(c); c == "file_sealed" {
			cols[i] = "''"
		} else {
			cols[i] = "l." + c
		}
	}
	return strings.Join(cols, ", ")
}()

// afterFirst scans a row's columns after its first (database/sql lets a
// row be scanned more than once).
type afterFirst struct{ rows *sql.Rows }

func (a afterFirst) Scan(dest ...any) error {
	var skip any
	return a.rows.Scan(append([]any{&skip}, dest...)...)
}

// LicensesOfCase lists the licenses a case issued.
func (db *DB) LicensesOfCase(ctx context.Context, caseID string) ([]license.License, error) {
	return db.licenses(ctx, `case_id = $1 ORDER BY issued_at, id`, caseID)
}

// ValidLicensesEnding lists valid licenses ending on or before day.
func (db *DB) ValidLicensesEnding(ctx context.Context, day string, withReminded bool, limit int) ([]license.License, error) {
	w := `status = 'valid' AND valid_until <> '' AND valid_until <= $1`
	if !withReminded {
		w += ` AND reminded_at IS NULL`
	}
	return db.licenses(ctx, w+` ORDER BY valid_until, id LIMIT $2`, day, limit)
}

// LicenseEvents returns a license's history, oldest first.
func (db *DB) LicenseEvents(ctx context.Context, id string) ([]license.Event, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, license_id, seq, at, kind, status, actor_id, actor_name, reason,
		statement, signature, key_id FROM license_events WHERE license_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("license events: %w", err)
	}
	defer rows.Close()
	var out []license.Event
	for rows.Next() {
		var ev license.Event
		var st, sig string
		if err := rows.Scan(&ev.ID, &ev.LicenseID, &ev.Seq, &ev.At, &ev.Kind, &ev.Status, &ev.ActorID, &ev.ActorName,
			&ev.Reason, &st, &sig, &ev.KeyID); err != nil {
			return nil, fmt.Errorf("license events: %w", err)
		}
		ev.Statement = []byte(st)
		if ev.Signature, err = base64.StdEncoding.DecodeString(sig); err != nil {
			return nil, fmt.Errorf("license event %s: damaged signature: %w", ev.ID, err)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// AddLicense stores a new license with its first event.
func (db *DB) AddLicense(ctx context.Context, l license.License, ev license.Event, e audit.Entry, msg *notify.Message) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.insertLicense(ctx, tx, l, ev); err != nil {
			return err
		}
		if msg != nil {
			if err := insertMessage(ctx, tx, db, *msg); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, e)
	})
}

func (db *DB) insertLicense(ctx context.Context, tx *sql.Tx, l license.License, ev license.Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO licenses (id, serial, version, type_code, type_name, kind, issuer_org_id, case_id,
		case_no, account_id, holder_hash, holder_name, file_sealed, key_id, status, status_note, valid_until, issued_at,
		updated_at, reminded_at, rev) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,NULL,1)`,
		l.ID, l.Serial, l.Version, l.TypeCode, l.TypeName, l.Kind, l.IssuerOrgID, l.CaseID, l.CaseNo, l.AccountID,
		db.holderHash(l.Data.HolderCodeType, l.Data.HolderCode), l.Data.HolderName, db.pii.Seal(string(l.File)), l.KeyID,
		l.Status, l.StatusNote, l.Data.ValidUntil, l.IssuedAt.UTC(), l.UpdatedAt.UTC())
	if isUnique(err) {
		return yiwang.Errorf(yiwang.ECONFLICT, "该证照已签发过")
	}
	if err != nil {
		return fmt.Errorf("insert license: %w", err)
	}
	return insertLicenseEvent(ctx, tx, ev)
}

func insertLicenseEvent(ctx context.Context, tx *sql.Tx, ev license.Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO license_events (id, license_id, seq, at, kind, status, actor_id, actor_name,
		reason, statement, signature, key_id) SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11
		FROM license_events WHERE license_id = $2`,
		ev.ID, ev.LicenseID, ev.At.UTC(), ev.Kind, ev.Status, ev.ActorID, ev.ActorName, ev.Reason, string(ev.Statement),
		base64.StdEncoding.EncodeToString(ev.Signature), ev.KeyID)
	if err != nil {
		return fmt.Errorf("insert license event: %w", err)
	}
	return nil
}

// ChangeLicense stores a license's new status at its Rev with its event.
func (db *DB) ChangeLicense(ctx context.Context, l license.License, ev license.Event, e audit.Entry, msg *notify.Message) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.changeLicense(ctx, tx, l, ev, e, msg) })
}

// RenewLicense supersedes the old version and stores the new one in one
// transaction, so that a failure leaves the old version as it was.
func (db *DB) RenewLicense(ctx context.Context, old, renewed license.Issuing, msg *notify.Message) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.changeLicense(ctx, tx, old.License, old.Event, old.Audit, nil); err != nil {
			return err
		}
		if err := db.insertLicense(ctx, tx, renewed.License, renewed.Event); err != nil {
			return err
		}
		if msg != nil {
			if err := insertMessage(ctx, tx, db, *msg); err != nil {
				return err
			}
		}
		return appendAudit(ctx, tx, renewed.Audit)
	})
}

func (db *DB) changeLicense(ctx context.Context, tx *sql.Tx, l license.License, ev license.Event, e audit.Entry, msg *notify.Message) error {
	res, err := tx.ExecContext(ctx, `UPDATE licenses SET status=$1, status_note=$2, updated_at=$3, reminded_at=$4,
		rev=rev+1 WHERE id=$5 AND rev=$6`, l.Status, l.StatusNote, l.UpdatedAt.UTC(), nullTime(l.RemindedAt), l.ID, l.Rev)
	if err != nil {
		return fmt.Errorf("update license: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return yiwang.Errorf(yiwang.ECONFLICT, "该证照已被他人处理，请刷新后重试")
	}
	if err := insertLicenseEvent(ctx, tx, ev); err != nil {
		return err
	}
	if msg != nil {
		if err := insertMessage(ctx, tx, db, *msg); err != nil {
			return err
		}
	}
	return appendAudit(ctx, tx, e)
}
