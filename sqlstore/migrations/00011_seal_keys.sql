-- +goose Up
-- Each issuing org's signing keys. current_org holds the org's ID while the
-- key is its current one and NULL once retired: the unique constraint lets an
-- org have at most one current key (NULLs never collide) on every engine,
-- without a partial index. The private key is PKCS#8 DER encrypted with the
-- data key (SM4-GCM, base64): the database never holds it in plaintext.
CREATE TABLE seal_keys (
    id             TEXT PRIMARY KEY,          -- first 16 hex characters of SM3(public key DER)
    org_id         TEXT NOT NULL REFERENCES orgs (id),
    current_org    TEXT UNIQUE,
    alg            TEXT NOT NULL,             -- 'SM2-SM3'
    public_key_pem TEXT NOT NULL,
    private_sealed TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    retired_at     TIMESTAMP
);
CREATE INDEX seal_keys_org ON seal_keys (org_id, created_at);

-- +goose Down
DROP TABLE seal_keys;
