-- +goose Up
CREATE TABLE catalog_bases (
    id        TEXT PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    item_type TEXT NOT NULL,
    body      TEXT NOT NULL -- JSON: aliases, basis, objects, themes
);

CREATE TABLE catalog_entries (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL,
    version      BIGINT NOT NULL,
    status       TEXT NOT NULL,
    base_code    TEXT NOT NULL,
    name         TEXT NOT NULL,
    item_type    TEXT NOT NULL,
    base         TEXT NOT NULL, -- JSON snapshot of the base elements
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    level        BIGINT NOT NULL,
    kind         BIGINT NOT NULL,
    legal_days   BIGINT NOT NULL,
    promise_days BIGINT NOT NULL,
    depth        TEXT NOT NULL, -- e.g. "1,2,3,4"
    forms        TEXT NOT NULL,
    visits       BIGINT NOT NULL,
    guide        TEXT NOT NULL, -- JSON
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    submitted_by TEXT NOT NULL DEFAULT '',
    submitted_at TIMESTAMP,
    approved_by  TEXT NOT NULL DEFAULT '',
    review_note  TEXT NOT NULL DEFAULT '', -- the head's reason when sent back
    published_at TIMESTAMP,
    retired_at   TIMESTAMP,
    UNIQUE (code, version)
);
CREATE INDEX catalog_entries_status ON catalog_entries (status, code);
CREATE INDEX catalog_entries_org ON catalog_entries (org_id, status);
-- at most one open (draft or submitted) and one published version per code
CREATE UNIQUE INDEX catalog_entries_open ON catalog_entries (code) WHERE status IN ('draft', 'submitted');
CREATE UNIQUE INDEX catalog_entries_published ON catalog_entries (code) WHERE status = 'published';

CREATE TABLE catalog_generation (
    id  BIGINT PRIMARY KEY,
    gen BIGINT NOT NULL
);
INSERT INTO catalog_generation (id, gen) VALUES (1, 0);

-- +goose Down
DROP TABLE catalog_generation;
DROP TABLE catalog_entries;
DROP TABLE catalog_bases;
