-- +goose Up
-- The dashboard counts cases decided in a period: this index holds every
-- column those counts read, so they come from the index alone.
CREATE INDEX cases_kpi ON cases (decided_at, org_id, deadline, channel, simulated, kind);

-- 绩效考核: the weight of each figure in the monthly score (sum 100). No
-- rows means the defaults of kpi.DefaultWeights.
CREATE TABLE kpi_weights (
    figure     TEXT PRIMARY KEY,
    weight     BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE kpi_weights;
DROP INDEX cases_kpi;
