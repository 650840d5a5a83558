-- +goose Up
-- The account a session is signed in as, beside its data, so that a
-- request reads its session and its account (with roles) in one query.
-- '' for a session signed in as nobody, and for rows written before.
ALTER TABLE sessions ADD COLUMN account_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN account_id;
