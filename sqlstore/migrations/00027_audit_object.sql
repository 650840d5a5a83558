-- +goose Up
-- An auditor asks what happened to one object: a case, an account, a
-- person's data ("case:…", "account:…"). Without an index the log was read
-- from its newest entry to its oldest to find them, and counted whole:
-- 1.6 s a page on a copy with 3,000,000 entries, and the log grows by
-- several entries for every application.
CREATE INDEX audit_log_object ON audit_log (object, seq);

-- +goose Down
DROP INDEX audit_log_object;
