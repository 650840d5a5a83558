-- +goose Up
-- 电子监察. One row per alert a rule raised on a case (or on one org's task
-- of it). At most one open alert per (case, rule, org): a yellow one turning
-- red is updated in place (red_at); cleared_at is set when the case moved on.
-- Rows are never deleted: they are the history of the supervision.
-- case_id has no foreign key: only the scan writes alerts, each for a case
-- it has just read, and cases are never deleted; on PostgreSQL the key's
-- check (a locking lookup of the case per row) took three of the four
-- seconds of storing a scan's 190,000 new alerts.
CREATE TABLE supervision_alerts (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    case_no    TEXT NOT NULL,
    item_name  TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    rule       TEXT NOT NULL,
    level      TEXT NOT NULL, -- yellow (预警) or red (报警)
    detail     TEXT NOT NULL,
    due        TEXT NOT NULL, -- the date the rule measures against, "" when none
    raised_at  TIMESTAMP NOT NULL,
    red_at     TIMESTAMP,
    cleared_at TIMESTAMP
);
CREATE UNIQUE INDEX supervision_alerts_open ON supervision_alerts (case_id, rule, org_id) WHERE cleared_at IS NULL;
-- The scan compares open alerts with their cases through this index alone.
CREATE INDEX supervision_alerts_watch ON supervision_alerts (case_id, rule, org_id, due, level, id, cleared_at) WHERE cleared_at IS NULL;
CREATE INDEX supervision_alerts_org ON supervision_alerts (org_id, cleared_at);
CREATE INDEX supervision_alerts_case ON supervision_alerts (case_id);

-- 督办: a supervisor's notice to an org about an alert or a case, with the
-- working day by which the org must answer, and the answer.
CREATE TABLE supervision_notices (
    id          TEXT PRIMARY KEY,
    alert_id    TEXT NOT NULL DEFAULT '',
    case_id     TEXT NOT NULL REFERENCES cases (id),
    case_no     TEXT NOT NULL,
    item_name   TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    body        TEXT NOT NULL,
    issued_by   TEXT NOT NULL,
    issuer_name TEXT NOT NULL,
    issued_at   TIMESTAMP NOT NULL,
    answer_due  TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    answerer    TEXT NOT NULL DEFAULT '',
    answered_at TIMESTAMP,
    rev         BIGINT NOT NULL
);
CREATE INDEX supervision_notices_org ON supervision_notices (org_id, issued_at);
CREATE INDEX supervision_notices_case ON supervision_notices (case_id);

-- Leases of singleton jobs (any job, by name): the holder runs it until
-- "until"; another instance takes the lease over only after it passed, so
-- a holder that died loses it by itself.
CREATE TABLE job_leases (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  TIMESTAMP NOT NULL
);

-- The scan's queries: open cases by their due date, covering what the
-- rules compare (the state, the entry whose committed limit sets the yellow
-- window, the org), so that cases whose alert is up to date are never read
-- from the table; whether an alert's case still stands (due, state, id);
-- open tasks past their own due date; refusal events.
CREATE INDEX cases_watch ON cases (due, state, id, org_id, entry_id);
-- Each candidate's committed limit, without reading the entry's big row.
CREATE INDEX catalog_entries_promise ON catalog_entries (id, promise_days);
CREATE INDEX case_tasks_state_due ON case_tasks (state, due);
CREATE INDEX case_events_kind ON case_events (kind, at);

-- +goose Down
DROP INDEX case_events_kind;
DROP INDEX case_tasks_state_due;
DROP INDEX catalog_entries_promise;
DROP INDEX cases_watch;
DROP TABLE job_leases;
DROP TABLE supervision_notices;
DROP TABLE supervision_alerts;
