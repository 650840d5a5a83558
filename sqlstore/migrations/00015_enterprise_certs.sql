-- +goose Up
-- Enterprise digital certificates (市“一证通”) registered by the legal
-- representative for certificate login. fingerprint is the SHA-256 of the
-- DER (lowercase hex): a certificate is registered once, for one
-- enterprise, and a revoked one stays (revoked_at set) so that it cannot be
-- registered again. account_id is the legal representative who registered
-- it: certificate logins act as them.
CREATE TABLE enterprise_certs (
    id            TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    fingerprint   TEXT NOT NULL UNIQUE,
    sm3           TEXT NOT NULL,
    key_alg       TEXT NOT NULL,              -- 'SM2', 'RSA-2048', 'ECDSA-P256', 'ECDSA-P384'
    subject       TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    serial        TEXT NOT NULL,              -- upper-case hex
    credit_code   TEXT NOT NULL,              -- the credit code the subject carries, '' if none
    not_before    TIMESTAMP NOT NULL,
    not_after     TIMESTAMP NOT NULL,
    cert_der      TEXT NOT NULL,              -- base64
    created_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP,
    revoked_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enterprise_certs_enterprise ON enterprise_certs (enterprise_id, created_at);

-- Login challenges: random text a browser session is given to sign. A
-- login attempt uses one up (used_at), whatever its outcome.
CREATE TABLE cert_challenges (
    id         TEXT PRIMARY KEY,
    challenge  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX cert_challenges_expiry ON cert_challenges (expires_at);

-- +goose Down
DROP TABLE cert_challenges;
DROP TABLE enterprise_certs;
