package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/catalog"
)

type baseBody struct {
	Aliases []string        `json:"aliases,omitempty"`
	Basis   []catalog.Basis `json:"basis"`
	Objects []string        `json:"objects"`
	Themes  []string        `json:"themes,omitempty"`
}

func baseJSON(b catalog.Base) string {
	j, _ := json.Marshal(baseBody{Aliases: b.Aliases, Basis: b.Basis, Objects: b.Objects, Themes: b.Themes})
	return string(j)
}

func scanBase(sc interface{ Scan(...any) error }) (catalog.Base, error) {
	var b catalog.Base
	var body string
	if err := sc.Scan(&b.ID, &b.Code, &b.Name, &b.Type, &body); err != nil {
		return b, err
	}
	var bb baseBody
	if err := json.Unmarshal([]byte(body), &bb); err != nil {
		return b, fmt.Errorf("base %s: %w", b.Code, err)
	}
	b.Aliases, b.Basis, b.Objects, b.Themes = bb.Aliases, bb.Basis, bb.Objects, bb.Themes
	return b, nil
}

// CreateBase stores a new base item.
func (db *DB) CreateBase(ctx context.Context, b catalog.Base, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_bases (id, code, name, item_type, body) VALUES ($1,$2,$3,$4,$5)`,
			b.ID, b.Code, b.Name, b.Type, baseJSON(b))
		if isUnique(err) {
			return &yiwang.Error{Code: yiwang.ECONFLICT, Message: "基本编码已存在", Fields: map[string]string{"base_code": "基本编码“" + b.Code + "”已存在"}}
		}
		if err != nil {
			return fmt.Errorf("insert base: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// UpdateBase replaces a base item's elements. Published entry versions keep
// the snapshot they were drafted with.
func (db *DB) UpdateBase(ctx context.Context, b catalog.Base, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE catalog_bases SET name=$1, item_type=$2, body=$3 WHERE id=$4`,
			b.Name, b.Type, baseJSON(b), b.ID); err != nil {
			return fmt.Errorf("update base: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

const baseCols = `id, code, name, item_type, body`

// Base returns a base item by ID.
func (db *DB) Base(ctx context.Context, id string) (catalog.Base, error) {
	b, err := scanBase(db.read.QueryRowContext(ctx, `SELECT `+baseCols+` FROM catalog_bases WHERE id = $1`, id))
	return b, notFound(err, "基本目录事项")
}

// BaseByCode returns a base item by its 12-character code.
func (db *DB) BaseByCode(ctx context.Context, code string) (catalog.Base, error) {
	b, err := scanBase(db.read.QueryRowContext(ctx, `SELECT `+baseCols+` FROM catalog_bases WHERE code = $1`, code))
	return b, notFound(err, "基本目录事项")
}

// ListBases returns every base item by code.
func (db *DB) ListBases(ctx context.Context) ([]catalog.Base, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+baseCols+` FROM catalog_bases ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.Base
	for rows.Next() {
		b, err := scanBase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func ints(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func parseInts(s string) []int {
	var out []int
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

const entryCols = `id, code, version, status, base_code, name, item_type, base, org_id, level, kind, legal_days,
	promise_days, depth, forms, visits, guide, created_by, created_at, submitted_by, submitted_at, approved_by,
	published_at, retired_at, review_note`

func scanEntry(sc interface{ Scan(...any) error }) (catalog.Entry, error) {
	var en catalog.Entry
	var base, guide, depth, forms string
	var sub, pub, ret sql.NullTime
	err := sc.Scan(&en.ID, &en.Code, &en.Version, &en.Status, &en.Base.Code, &en.Base.Name, &en.Base.Type, &base,
		&en.OrgID, &en.Level, &en.Kind, &en.LegalDays, &en.PromiseDays, &depth, &forms, &en.Visits, &guide,
		&en.CreatedBy, &en.CreatedAt, &en.SubmittedBy, &sub, &en.ApprovedBy, &pub, &ret, &en.ReviewNote)
	if err != nil {
		return en, err
	}
	var bb baseBody
	if err := json.Unmarshal([]byte(base), &bb); err != nil {
		return en, fmt.Errorf("entry %s base: %w", en.ID, err)
	}
	en.Base.Aliases, en.Base.Basis, en.Base.Objects, en.Base.Themes = bb.Aliases, bb.Basis, bb.Objects, bb.Themes
	if err := json.Unmarshal([]byte(guide), &en.Guide); err != nil {
		return en, fmt.Errorf("entry %s guide: %w", en.ID, err)
	}
	en.Depth, en.Forms = parseInts(depth), parseInts(forms)
	en.SubmittedAt, en.PublishedAt, en.RetiredAt = sub.Time, pub.Time, ret.Time
	return en, nil
}

func guideJSON(g catalog.Guide) string {
	j, _ := json.Marshal(g)
	return string(j)
}

// CreateEntry stores a new entry version.
func (db *DB) CreateEntry(ctx context.Context, en catalog.Entry, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := insertEntry(ctx, tx, en); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

// Import stores bases and entry versions in one transaction.
func (db *DB) Import(ctx context.Context, bases []catalog.Base, entries []catalog.Entry, e audit.Entry) error {
	return db.catalogTx(ctx, func(tx *sql.Tx) error {
		for _, b := range bases {
			_, err := tx.ExecContext(ctx, `INSERT INTO catalog_bases (id, code, name, item_type, body) VALUES ($1,$2,$3,$4,$5)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, item_type = excluded.item_type, body = excluded.body`,
				b.ID, b.Code, b.Name, b.Type, baseJSON(b))
			if err != nil {
				return fmt.Errorf("import base %s: %w", b.Code, err)
			}
		}
		for _, en := range entries {
			if en.Status == catalog.StatusPublished {
				if _, err := tx.ExecContext(ctx, `UPDATE catalog_entries SET status = 'superseded' WHERE code = $1
					AND status = 'published'`, en.Code); err != nil {
					return fmt.Errorf("supersede: %w", err)
				}
			}
			if err := insertEntry(ctx, tx, en); err != nil {
				return fmt.Errorf("import %s: %w", en.Code, err)
			}
		}
		if err := bumpGeneration(ctx, tx); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

func insertEntry(ctx context.Context, tx *sql.Tx, en catalog.Entry) error {
	{
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_entries (`+entryCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,
			$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)`,
			en.ID, en.Code, en.Version, en.Status, en.Base.Code, en.Base.Name, en.Base.Type, baseJSON(en.Base), en.OrgID,
			en.Level, en.Kind, en.LegalDays, en.PromiseDays, ints(en.Depth), ints(en.Forms), en.Visits, guideJSON(en.Guide),
			en.CreatedBy, en.CreatedAt, en.SubmittedBy, nullTime(en.SubmittedAt), en.ApprovedBy, nullTime(en.PublishedAt),
			nullTime(en.RetiredAt), en.ReviewNote)
		if isUnique(err) {
			return yiwang.Errorf(yiwang.ECONFLICT, "事项%s已有未发布的新版本，请在其上修改", en.Code)
		}
		if err != nil {
			return fmt.Errorf("insert entry: %w", err)
		}
		return nil
	}
}

func updateEntry(ctx context.Context, tx *sql.Tx, en catalog.Entry, from string) error {
	res, err := tx.ExecContext(ctx, `UPDATE catalog_entries SET status=$1, kind=$2, legal_days=$3, promise_days=$4,
		depth=$5, forms=$6, visits=$7, guide=$8, submitted_by=$9, submitted_at=$10, approved_by=$11, published_at=$12,
		retired_at=$13, review_note=$14 WHERE id=$15 AND status=$16`,
		en.Status, en.Kind, en.LegalDays, en.PromiseDays, ints(en.Depth), ints(en.Forms), en.Visits, guideJSON(en.Guide),
		en.SubmittedBy, nullTime(en.SubmittedAt), en.ApprovedBy, nullTime(en.PublishedAt), nullTime(en.RetiredAt),
		en.ReviewNote, en.ID, from)
	if err != nil {
		return fmt.Errorf("update entry: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return yiwang.Errorf(yiwang.ECONFLICT, "该版本的状态已被他人改变，请刷新后重试")
	}
	return nil
}

// UpdateEntry stores en if its stored status is still from.
func (db *DB) UpdateEntry(ctx context.Context, en catalog.Entry, from string, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := updateEntry(ctx, tx, en, from); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

func bumpGeneration(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE catalog_generation SET gen = gen + 1 WHERE id = 1`)
	return err
}

// PublishEntry publishes a submitted version and supersedes the old one.
func (db *DB) PublishEntry(ctx context.Context, en catalog.Entry, e audit.Entry) error {
	return db.catalogTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE catalog_entries SET status = 'superseded' WHERE code = $1
			AND status = 'published'`, en.Code); err != nil {
			return fmt.Errorf("supersede: %w", err)
		}
		if err := updateEntry(ctx, tx, en, catalog.StatusSubmitted); err != nil {
			return err
		}
		if err := bumpGeneration(ctx, tx); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

// RetireEntry withdraws a published version.
func (db *DB) RetireEntry(ctx context.Context, en catalog.Entry, e audit.Entry) error {
	return db.catalogTx(ctx, func(tx *sql.Tx) error {
		if err := updateEntry(ctx, tx, en, catalog.StatusPublished); err != nil {
			return err
		}
		if err := bumpGeneration(ctx, tx); err != nil {
			return err
		}
		return appendAudit(ctx, tx, e)
	})
}

// Entry returns one version.
func (db *DB) Entry(ctx context.Context, id string) (catalog.Entry, error) {
	en, err := scanEntry(db.read.QueryRowContext(ctx, `SELECT `+entryCols+` FROM catalog_entries WHERE id = $1`, id))
	return en, notFound(err, "事项版本")
}

func (db *DB) entries(ctx context.Context, q string, args ...any) ([]catalog.Entry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+entryCols+` FROM catalog_entries `+q, args...)
	if err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	defer rows.Close()
	var out []catalog.Entry
	for rows.Next() {
		en, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, en)
	}
	return out, rows.Err()
}

// EntryVersions returns every version of a code, newest first.
func (db *DB) EntryVersions(ctx context.Context, code string) ([]catalog.Entry, error) {
	return db.entries(ctx, `WHERE code = $1 ORDER BY version DESC`, code)
}

// ListEntries returns entry versions matching f, by code and version.
func (db *DB) ListEntries(ctx context.Context, f catalog.Filter) ([]catalog.Entry, error) {
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			args = append(args, s)
			ph[i] = fmt.Sprintf("$%d", len(args))
		}
		where = append(where, "status IN ("+strings.Join(ph, ",")+")")
	}
	// The hidden entries letters are filed under are no part of the catalog,
	// whatever status is asked for (?status=letter on the staff list and export).
	where = append(where, "status <> 'letter'")
	if f.OrgID != "" {
		args = append(args, f.OrgID)
		where = append(where, fmt.Sprintf("org_id = $%d", len(args)))
	}
	if f.Code != "" {
		args = append(args, f.Code)
		where = append(where, fmt.Sprintf("code = $%d", len(args)))
	}
	q := ""
	if len(where) > 0 {
		q = "WHERE " + strings.Join(where, " AND ")
	}
	return db.entries(ctx, q+` ORDER BY code, version`, args...)
}
