-- +goose Up
-- 收费: the fees an officer recorded as charged when deciding a case, one
-- row per line, also kept in the case body. The supervision scan's fee rule
-- looks back over the recent decisions by "at" (the decision's time), and
-- reads only cases that charged something.
CREATE TABLE case_fees (
    case_id TEXT NOT NULL REFERENCES cases (id),
    line    BIGINT NOT NULL,
    name    TEXT NOT NULL,
    fen     BIGINT NOT NULL,
    at      TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, line)
);
CREATE INDEX case_fees_at ON case_fees (at);

-- +goose Down
DROP INDEX case_fees_at;
DROP TABLE case_fees;
