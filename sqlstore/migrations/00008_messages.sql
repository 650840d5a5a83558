-- +goose Up
-- The message box (站内信): every notice meant for an applicant's account,
-- written in the same transaction as the change it tells of.
CREATE TABLE messages (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    body_enc   TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX messages_account ON messages (account_id, created_at);
CREATE INDEX messages_unread ON messages (account_id) WHERE read_at IS NULL;

-- A failed SMS waits (backoff) before the next attempt instead of being
-- retried at every tick.
ALTER TABLE notifications ADD COLUMN next_attempt_at TIMESTAMP;

-- Signed webhooks: other government systems subscribe to case events.
CREATE TABLE webhook_subscriptions (
    id         TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    secret_enc TEXT NOT NULL,             -- needed to sign, so sealed rather than hashed
    events     TEXT NOT NULL,             -- event kinds, space-separated
    org_id     TEXT REFERENCES orgs (id), -- NULL: every org; else this org and those below it
    enabled    BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    event           TEXT NOT NULL,
    case_id         TEXT NOT NULL,
    payload         TEXT NOT NULL, -- the JSON body, exactly as signed and sent; no personal data
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_status     BIGINT NOT NULL DEFAULT 0, -- HTTP status of the last answer, 0 if none
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until   TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    delivered_at    TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
ALTER TABLE notifications DROP COLUMN next_attempt_at;
DROP TABLE messages;
