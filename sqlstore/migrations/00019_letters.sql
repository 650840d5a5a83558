-- +goose Up
-- Letters (投诉、咨询、建议) are cases of their own kind (00017); a 12345
-- operator lists the ones they typed in, newest first.
CREATE INDEX cases_filed_by ON cases (filed_by, submitted_at) WHERE filed_by <> '';

-- +goose Down
DROP INDEX cases_filed_by;
