-- +goose Up
-- The orgs' pieces of work on accepted cases: reviews (several orgs in
-- parallel), the decision, 制证 and 送达.
CREATE TABLE case_tasks (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    stage        INTEGER NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    role         TEXT NOT NULL,
    state        TEXT NOT NULL,
    opened_at    TIMESTAMP NOT NULL,
    due          TEXT NOT NULL,
    done_at      TIMESTAMP,
    done_by      TEXT NOT NULL DEFAULT '',
    done_by_name TEXT NOT NULL DEFAULT '',
    opinion      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    joint        INTEGER NOT NULL DEFAULT 0 -- 1: the org is not the case's own (会办), so its inbox must look here
);
CREATE INDEX case_tasks_case ON case_tasks (case_id, stage);
CREATE INDEX case_tasks_joint ON case_tasks (org_id, joint, state);
CREATE INDEX case_tasks_org_due ON case_tasks (org_id, state, due);

-- +goose Down
DROP TABLE case_tasks;
