-- +goose Up
-- 模拟办事: a supervisor's test application is processed like any other,
-- but no figure counts it. The flag is also in the body, for reading back.
ALTER TABLE cases ADD COLUMN simulated BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE cases DROP COLUMN simulated;
