-- +goose Up
-- The OpenID Connect provider (统一身份认证): registered government systems,
-- authorization requests, tokens, consents and the ID token signing key.
-- Lists (URIs, scopes, kinds of user, amr) are space-separated: none of
-- their values may contain a space.
CREATE TABLE oidc_clients (
    id                        TEXT PRIMARY KEY,   -- client_id
    name                      TEXT NOT NULL,
    secret_hash               TEXT NOT NULL,      -- HMAC-SM3 of the secret; '' for a public client
    public                    BOOLEAN NOT NULL,
    redirect_uris             TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    frontchannel_logout_uri   TEXT NOT NULL,
    scopes                    TEXT NOT NULL,
    kinds                     TEXT NOT NULL,      -- citizen enterprise staff
    pairwise                  BOOLEAN NOT NULL,
    sector                    TEXT NOT NULL,      -- host the pairwise subjects are made for
    enabled                   BOOLEAN NOT NULL,
    created_by                TEXT NOT NULL,
    created_at                TIMESTAMP NOT NULL,
    updated_at                TIMESTAMP NOT NULL
);

-- An authorization request, and once the person logged in and agreed, the
-- grant it became. An exchanged request stays until purged, so that its
-- code presented again revokes what it gave.
CREATE TABLE oidc_auth_requests (
    id                    TEXT PRIMARY KEY,
    client_id             TEXT NOT NULL REFERENCES oidc_clients (id),
    redirect_uri          TEXT NOT NULL,
    state                 TEXT NOT NULL,
    nonce                 TEXT NOT NULL,
    scopes                TEXT NOT NULL,
    response_type         TEXT NOT NULL,
    response_mode         TEXT NOT NULL,
    code_challenge        TEXT NOT NULL,
    code_challenge_method TEXT NOT NULL,
    prompt                TEXT NOT NULL,
    max_age               BIGINT NOT NULL,    -- seconds; -1 when not asked
    created_at            TIMESTAMP NOT NULL,
    account_id            TEXT REFERENCES accounts (id),
    enterprise_id         TEXT NOT NULL DEFAULT '',
    subject               TEXT NOT NULL DEFAULT '',
    sid                   TEXT NOT NULL DEFAULT '',
    amr                   TEXT NOT NULL DEFAULT '',
    acr                   TEXT NOT NULL DEFAULT '',
    auth_time             TIMESTAMP,
    done_at               TIMESTAMP,
    code_hash             TEXT UNIQUE,        -- keyed hash of the code; NULL until handed out
    code_used_at          TIMESTAMP
);
CREATE INDEX oidc_auth_requests_created ON oidc_auth_requests (created_at);

-- Refresh tokens: only a keyed hash of each. A token is rotated when used;
-- a rotated one used again revokes its whole grant.
CREATE TABLE oidc_refresh_tokens (
    id            TEXT PRIMARY KEY,
    hash          TEXT NOT NULL UNIQUE,
    grant_id      TEXT NOT NULL,
    client_id     TEXT NOT NULL REFERENCES oidc_clients (id),
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    enterprise_id TEXT NOT NULL,
    subject       TEXT NOT NULL,
    sid           TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    amr           TEXT NOT NULL,
    acr           TEXT NOT NULL,
    auth_time     TIMESTAMP NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    rotated_at    TIMESTAMP,
    revoked_at    TIMESTAMP
);
CREATE INDEX oidc_refresh_tokens_grant ON oidc_refresh_tokens (grant_id);
CREATE INDEX oidc_refresh_tokens_sid ON oidc_refresh_tokens (sid);
CREATE INDEX oidc_refresh_tokens_expires ON oidc_refresh_tokens (expires_at);

-- Access tokens. The client holds the ID and subject encrypted with a key
-- derived from the master key; the row says whether it still works.
CREATE TABLE oidc_access_tokens (
    id            TEXT PRIMARY KEY,
    refresh_id    TEXT NOT NULL,              -- '' when issued without a refresh token
    grant_id      TEXT NOT NULL,
    client_id     TEXT NOT NULL REFERENCES oidc_clients (id),
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    enterprise_id TEXT NOT NULL,
    subject       TEXT NOT NULL,
    sid           TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    amr           TEXT NOT NULL,
    acr           TEXT NOT NULL,
    auth_time     TIMESTAMP NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP
);
CREATE INDEX oidc_access_tokens_grant ON oidc_access_tokens (grant_id);
CREATE INDEX oidc_access_tokens_refresh ON oidc_access_tokens (refresh_id);
CREATE INDEX oidc_access_tokens_sid ON oidc_access_tokens (sid);
CREATE INDEX oidc_access_tokens_expires ON oidc_access_tokens (expires_at);

-- What a person agreed to give a client: asked once per client and set of scopes.
CREATE TABLE oidc_consents (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    client_id  TEXT NOT NULL REFERENCES oidc_clients (id),
    scopes     TEXT NOT NULL,
    given_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, client_id)
);

-- The ID token signing key(s). The private key is PKCS#8 DER sealed with
-- the data key (base64). current = 1 marks the signing key; the unique
-- constraint lets instances racing to make the first key store only one.
CREATE TABLE oidc_signing_keys (
    id             TEXT PRIMARY KEY,
    alg            TEXT NOT NULL,
    public_der     TEXT NOT NULL,             -- base64 PKIX
    private_sealed TEXT NOT NULL,
    current_key    BIGINT UNIQUE,
    created_at     TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE oidc_signing_keys;
DROP TABLE oidc_consents;
DROP TABLE oidc_access_tokens;
DROP TABLE oidc_refresh_tokens;
DROP TABLE oidc_auth_requests;
DROP TABLE oidc_clients;
