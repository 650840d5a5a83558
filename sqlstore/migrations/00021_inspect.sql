-- +goose Up
-- 曝光纠错栏目: problems a supervisor publishes with the correction made.
-- A withdrawn item stays, with its reason. case_id/case_no are the case it
-- came from ('' when none); the public page masks the number.
CREATE TABLE exposures (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    org_id          TEXT NOT NULL REFERENCES orgs (id),
    problem         TEXT NOT NULL,
    correction      TEXT NOT NULL,
    case_id         TEXT NOT NULL,
    case_no         TEXT NOT NULL,
    state           TEXT NOT NULL,
    withdraw_reason TEXT NOT NULL,
    by_name         TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    published_at    TIMESTAMP,
    corrected_at    TIMESTAMP,
    withdrawn_at    TIMESTAMP,
    rev             INTEGER NOT NULL
);
CREATE INDEX exposures_state ON exposures (state, published_at);

-- 随机抽查 and 模拟办事: a check and the cases it covers, each with its
-- finding. The draw is stored (seed, pool size, the cases in the order
-- drawn), never drawn again.
CREATE TABLE spot_checks (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    requested   INTEGER NOT NULL,
    pool        INTEGER NOT NULL,
    seed        TEXT NOT NULL,
    state       TEXT NOT NULL,
    by_id       TEXT NOT NULL,
    by_name     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    closed_at   TIMESTAMP,
    rev         INTEGER NOT NULL
);
CREATE INDEX spot_checks_state ON spot_checks (state, created_at);

CREATE TABLE spot_check_items (
    check_id  TEXT NOT NULL REFERENCES spot_checks (id),
    seq       INTEGER NOT NULL,
    case_id   TEXT NOT NULL REFERENCES cases (id),
    case_no   TEXT NOT NULL,
    item_name TEXT NOT NULL,
    result    TEXT NOT NULL,
    note      TEXT NOT NULL,
    by_name   TEXT NOT NULL,
    at        TIMESTAMP,
    PRIMARY KEY (check_id, seq),
    UNIQUE (check_id, case_id)
);

-- Draws read an org's decided cases by decision time.
CREATE INDEX cases_org_decided ON cases (org_id, decided_at);

-- +goose Down
DROP INDEX cases_org_decided;
DROP TABLE spot_check_items;
DROP TABLE spot_checks;
DROP TABLE exposures;
