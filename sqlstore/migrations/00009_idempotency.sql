-- +goose Up
-- One row per Idempotency-Key of an account: reserved by a unique insert
-- before the request runs, bound to the case it changes in the change's own
-- transaction (case_id), completed with the answer (status, response).
CREATE TABLE idempotency_keys (
    account_id   TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    request_hash TEXT NOT NULL,             -- hex SHA-256 of the request body
    owner_token  TEXT NOT NULL,             -- the attempt holding the reservation
    case_id      TEXT NOT NULL DEFAULT '',  -- the case the request changed
    status       BIGINT NOT NULL DEFAULT 0, -- the answer's HTTP status; 0 while in flight
    response     TEXT NOT NULL DEFAULT '',  -- the answer's JSON body
    created_at   TIMESTAMP NOT NULL,
    reserved_at  TIMESTAMP NOT NULL,        -- when the current attempt took it
    completed_at TIMESTAMP,
    PRIMARY KEY (account_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Who uploaded each private file. Files are content-addressed, so the first
-- uploader is not the only one; the API lets an applicant name only files
-- they uploaded themselves as materials.
CREATE TABLE file_owners (
    file_id    TEXT NOT NULL REFERENCES files (id),
    account_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (file_id, account_id)
);
INSERT INTO file_owners (file_id, account_id, created_at)
    SELECT id, created_by, created_at FROM files WHERE created_by <> '';

-- +goose Down
DROP TABLE file_owners;
DROP TABLE idempotency_keys;
