-- +goose Up
-- 好差评: one row per rating. A case has at most its review and one
-- follow-up (一事一评), and for a case filed at a window or agent point one
-- review of that visit (一次一评, visit true). scores is a JSON object dimension → level (1 非常满意 … 5
-- 非常不满意); overall is copied out for the figures. excluded is set when
-- a supervisor upheld an appeal: the review stays, counting nowhere.
CREATE TABLE reviews (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    case_no     TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    entry_code  TEXT NOT NULL,
    item_name   TEXT NOT NULL,
    reviewer_id TEXT NOT NULL,
    is_window   BOOLEAN NOT NULL,
    visit       BOOLEAN NOT NULL,
    channel     TEXT NOT NULL,
    scores      TEXT NOT NULL,
    overall     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    follow_up   BOOLEAN NOT NULL,
    excluded    BOOLEAN NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (case_id, visit, follow_up)
);
CREATE INDEX reviews_org ON reviews (org_id, created_at);
CREATE INDEX reviews_entry ON reviews (entry_code);
CREATE INDEX reviews_created ON reviews (created_at);

-- The rectification a bad review opens for the org.
CREATE TABLE review_rectifications (
    id           TEXT PRIMARY KEY,
    review_id    TEXT NOT NULL UNIQUE REFERENCES reviews (id),
    org_id       TEXT NOT NULL,
    state        TEXT NOT NULL,
    revisit_due  TEXT NOT NULL,
    reply_due    TEXT NOT NULL,
    revisited_at TIMESTAMP,
    revisit_note TEXT NOT NULL,
    replied_at   TIMESTAMP,
    reply        TEXT NOT NULL,
    escalated_at TIMESTAMP,
    rev          INTEGER NOT NULL
);
CREATE INDEX review_rect_org ON review_rectifications (org_id, state);

-- Appeals against reviews, one per review, decided by a supervisor.
CREATE TABLE review_appeals (
    id         TEXT PRIMARY KEY,
    review_id  TEXT NOT NULL UNIQUE REFERENCES reviews (id),
    org_id     TEXT NOT NULL,
    by_name    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    state      TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMP,
    decision   TEXT NOT NULL,
    rev        INTEGER NOT NULL
);
CREATE INDEX review_appeals_state ON review_appeals (state, at);

-- +goose Down
DROP TABLE review_appeals;
DROP TABLE review_rectifications;
DROP TABLE reviews;
