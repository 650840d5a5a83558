-- +goose Up
CREATE TABLE cases (
    id           TEXT PRIMARY KEY,
    no           TEXT NOT NULL UNIQUE,
    entry_id     TEXT NOT NULL REFERENCES catalog_entries (id),
    entry_code   TEXT NOT NULL,
    item_name    TEXT NOT NULL,
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    applicant_id TEXT NOT NULL,
    applicant    TEXT NOT NULL,
    mobile_enc   TEXT NOT NULL,
    idcard_enc   TEXT NOT NULL,
    enterprise   TEXT NOT NULL DEFAULT '',
    channel      TEXT NOT NULL,
    filed_by     TEXT NOT NULL DEFAULT '',
    filed_at     TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    decision     TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL, -- JSON: materials, corrections, form
    submitted_at TIMESTAMP NOT NULL,
    accepted_at  TIMESTAMP,
    deadline     TEXT NOT NULL DEFAULT '',
    due          TEXT NOT NULL DEFAULT '9999-12-31', -- the next date something is due, for the inbox order
    decided_at   TIMESTAMP,
    version      BIGINT NOT NULL
);
CREATE INDEX cases_applicant ON cases (applicant_id, submitted_at);
CREATE INDEX cases_org_state ON cases (org_id, state, submitted_at);
CREATE INDEX cases_org_due ON cases (org_id, due);

CREATE TABLE case_events (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id),
    seq        BIGINT NOT NULL,
    at         TIMESTAMP NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    kind       TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    note       TEXT NOT NULL,
    channel    TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE TABLE case_serials (
    code TEXT NOT NULL,
    day  TEXT NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (code, day)
);

-- +goose Down
DROP TABLE case_serials;
DROP TABLE case_events;
DROP TABLE cases;
