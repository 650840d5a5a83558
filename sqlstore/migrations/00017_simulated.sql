-- +goose Up
-- 模拟办事: a supervisor's test application is processed like any other,
-- but no figure counts it. kind is '' for an application for a service,
-- else complaint, consultation or suggestion (worked on the same engine,
-- left out of the service figures). Both are also in the body, for
-- reading back.
ALTER TABLE cases ADD COLUMN simulated BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN kind TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE cases DROP COLUMN kind;
ALTER TABLE cases DROP COLUMN simulated;
