-- +goose Up
-- License types (证照类型), maintained by the system administrator. fields
-- is a JSON array of {name, from}.
CREATE TABLE license_types (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,              -- 'license' or 'document'
    issuer_org_id TEXT NOT NULL DEFAULT '',   -- '' = the org that decides the case
    fields        TEXT NOT NULL,
    valid_years   INTEGER NOT NULL,
    template      TEXT NOT NULL,
    note          TEXT NOT NULL,
    rev           INTEGER NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    updated_by    TEXT NOT NULL
);

-- Issued e-licenses. The signed file holds the holder's ID number, so it is
-- stored encrypted (file_sealed); holder_hash (keyed SM3 of code type and
-- code) finds a holder's wallet. valid_until is '' for 长期.
CREATE TABLE licenses (
    id            TEXT PRIMARY KEY,           -- 证照标识
    serial        TEXT NOT NULL,
    version       INTEGER NOT NULL,
    type_code     TEXT NOT NULL,
    type_name     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    issuer_org_id TEXT NOT NULL REFERENCES orgs (id),
    case_id       TEXT NOT NULL,
    case_no       TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    holder_hash   TEXT NOT NULL,
    holder_name   TEXT NOT NULL,
    file_sealed   TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    status        TEXT NOT NULL,
    status_note   TEXT NOT NULL,
    valid_until   TEXT NOT NULL,
    issued_at     TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    reminded_at   TIMESTAMP,
    rev           INTEGER NOT NULL
);
CREATE INDEX licenses_holder ON licenses (holder_hash, issued_at);
CREATE INDEX licenses_ending ON licenses (status, valid_until);
CREATE INDEX licenses_case ON licenses (case_id);
CREATE INDEX licenses_issuer ON licenses (issuer_org_id, issued_at);

-- Every status change of a license with its signed statement; append-only.
CREATE TABLE license_events (
    id          TEXT PRIMARY KEY,
    license_id  TEXT NOT NULL REFERENCES licenses (id),
    seq         INTEGER NOT NULL,
    at          TIMESTAMP NOT NULL,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    statement   TEXT NOT NULL,                -- the signed bytes ('' for reminders)
    signature   TEXT NOT NULL,                -- base64 DER
    key_id      TEXT NOT NULL,
    UNIQUE (license_id, seq)
);

-- Materials a clerk verified against the original (credibility B), kept
-- per holder so that later cases reuse them (材料复用).
CREATE TABLE holder_materials (
    holder_hash TEXT NOT NULL,
    name        TEXT NOT NULL,               -- the material's name in the guide
    file_id     TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    verified_by TEXT NOT NULL,
    verified_at TIMESTAMP NOT NULL,
    PRIMARY KEY (holder_hash, name)
);

-- +goose Down
DROP TABLE holder_materials;
DROP TABLE license_events;
DROP TABLE licenses;
DROP TABLE license_types;
