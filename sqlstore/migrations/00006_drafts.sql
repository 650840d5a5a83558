-- +goose Up
CREATE TABLE case_drafts (
    applicant_id TEXT NOT NULL,
    entry_code   TEXT NOT NULL,
    body         TEXT NOT NULL, -- JSON: materials, note
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (applicant_id, entry_code)
);

-- +goose Down
DROP TABLE case_drafts;
