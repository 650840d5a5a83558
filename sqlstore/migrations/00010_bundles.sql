-- +goose Up
-- 一件事: items applied for together with one form and one set of materials.
CREATE TABLE bundles (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    summary    TEXT NOT NULL,
    members    TEXT NOT NULL, -- JSON: implementation codes, in order
    sort       INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE bundles;
