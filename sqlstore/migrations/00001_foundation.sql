-- +goose Up
CREATE TABLE orgs (
    id          TEXT PRIMARY KEY,
    parent_id   TEXT REFERENCES orgs (id),
    kind        TEXT NOT NULL,
    level       BIGINT NOT NULL,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    credit_code TEXT NOT NULL DEFAULT '',
    demo        BOOLEAN NOT NULL DEFAULT FALSE,
    address     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '',
    sort        BIGINT NOT NULL DEFAULT 0,
    disabled    BOOLEAN NOT NULL DEFAULT FALSE,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX orgs_parent ON orgs (parent_id, sort);
CREATE UNIQUE INDEX orgs_credit_code ON orgs (credit_code) WHERE credit_code <> '';

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    username        TEXT,
    name            TEXT NOT NULL DEFAULT '',
    mobile_enc      TEXT NOT NULL DEFAULT '',
    mobile_hash     TEXT NOT NULL DEFAULT '',
    idcard_enc      TEXT NOT NULL DEFAULT '',
    idcard_hash     TEXT NOT NULL DEFAULT '',
    password_hash   TEXT NOT NULL DEFAULT '',
    totp_secret_enc TEXT NOT NULL DEFAULT '',
    totp_last_step  BIGINT NOT NULL DEFAULT 0,
    realname_level  BIGINT NOT NULL DEFAULT 0,
    org_id          TEXT REFERENCES orgs (id),
    status          TEXT NOT NULL,
    failed_logins   BIGINT NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,
    demo            BOOLEAN NOT NULL DEFAULT FALSE,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    last_login_at   TIMESTAMP
);
CREATE UNIQUE INDEX accounts_username ON accounts (username) WHERE username IS NOT NULL;
CREATE UNIQUE INDEX accounts_person_mobile ON accounts (mobile_hash) WHERE kind = 'citizen' AND mobile_hash <> '';
CREATE UNIQUE INDEX accounts_person_idcard ON accounts (idcard_hash) WHERE kind = 'citizen' AND idcard_hash <> '';
CREATE INDEX accounts_org ON accounts (org_id);

CREATE TABLE account_roles (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    role       TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, role)
);

CREATE TABLE enterprises (
    id                    TEXT PRIMARY KEY,
    credit_code           TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    legal_rep_name        TEXT NOT NULL,
    legal_rep_idcard_enc  TEXT NOT NULL,
    legal_rep_idcard_hash TEXT NOT NULL,
    demo                  BOOLEAN NOT NULL DEFAULT FALSE,
    created_by            TEXT NOT NULL,
    created_at            TIMESTAMP NOT NULL
);

CREATE TABLE enterprise_members (
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    role          TEXT NOT NULL,
    granted_by    TEXT NOT NULL,
    granted_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (enterprise_id, account_id)
);
CREATE INDEX enterprise_members_account ON enterprise_members (account_id);

CREATE TABLE otp_codes (
    id          TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    target_hash TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX otp_codes_target ON otp_codes (target_hash, purpose, created_at);

CREATE TABLE notifications (
    id               TEXT PRIMARY KEY,
    channel          TEXT NOT NULL,
    recipient_enc    TEXT NOT NULL,
    recipient_masked TEXT NOT NULL,
    body_enc         TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    claimed_until    TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP
);
CREATE INDEX notifications_status ON notifications (status, created_at);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   TEXT NOT NULL,
    expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE population_base (
    idcard_hash TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    demo        BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    id         TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,
    object     TEXT NOT NULL,
    result     TEXT NOT NULL,
    ip         TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE population_base;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE notifications;
DROP TABLE otp_codes;
DROP TABLE enterprise_members;
DROP TABLE enterprises;
DROP TABLE account_roles;
DROP TABLE accounts;
DROP TABLE orgs;
