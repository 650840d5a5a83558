-- +goose Up
CREATE TABLE articles (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    doc_number   TEXT NOT NULL DEFAULT '',
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    status       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX articles_status ON articles (status, kind, published_at);

-- +goose Down
DROP TABLE articles;
