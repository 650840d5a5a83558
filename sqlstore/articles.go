package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/publicinfo"
)

const articleCols = `a.id, a.kind, a.title, a.body, a.doc_number, a.org_id, o.name, a.status, a.created_by, a.created_at,
	a.published_at, a.updated_at`

func scanArticle(sc interface{ Scan(...any) error }) (publicinfo.Article, error) {
	var a publicinfo.Article
	var pub sql.NullTime
	err := sc.Scan(&a.ID, &a.Kind, &a.Title, &a.Body, &a.DocNumber, &a.OrgID, &a.OrgName, &a.Status, &a.CreatedBy,
		&a.CreatedAt, &pub, &a.UpdatedAt)
	a.PublishedAt = pub.Time
	return a, err
}

// SaveArticle inserts or replaces an article.
func (db *DB) SaveArticle(ctx context.Context, a publicinfo.Article, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO articles (id, kind, title, body, doc_number, org_id, status, created_by,
			created_at, published_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
			ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, body = excluded.body,
			doc_number = excluded.doc_number, status = excluded.status, published_at = excluded.published_at,
			updated_at = excluded.updated_at`,
			a.ID, a.Kind, a.Title, a.Body, a.DocNumber, a.OrgID, a.Status, a.CreatedBy, a.CreatedAt, nullTime(a.PublishedAt), a.UpdatedAt)
		if err != nil {
			return fmt.Errorf("save article: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}

// Article returns one article.
func (db *DB) Article(ctx context.Context, id string) (publicinfo.Article, error) {
	a, err := scanArticle(db.read.QueryRowContext(ctx, `SELECT `+articleCols+` FROM articles a JOIN orgs o ON o.id = a.org_id
		WHERE a.id = $1`, id))
	return a, notFound(err, "信息")
}

// ListArticles returns articles of a kind ("" all) and status ("" all), newest first.
func (db *DB) ListArticles(ctx context.Context, kind, status string, limit int) ([]publicinfo.Article, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+articleCols+` FROM articles a JOIN orgs o ON o.id = a.org_id
		WHERE ($1 = '' OR a.kind = $1) AND ($2 = '' OR a.status = $2)
		ORDER BY COALESCE(a.published_at, a.updated_at) DESC LIMIT $3`, kind, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	defer rows.Close()
	var out []publicinfo.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
