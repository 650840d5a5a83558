-- +goose Up
-- The two indexes of decided cases hold decided cases only. Every query
-- that reads them names a range of decision times, which excludes an
-- undecided case. As whole indexes, each new case went into them too, its
-- empty decision time sorted by org: with cases spread over the orgs,
-- a page of each index written anew for nearly every application.
DROP INDEX cases_kpi;
CREATE INDEX cases_kpi ON cases (decided_at, org_id, deadline, channel, simulated, kind) WHERE decided_at IS NOT NULL;
DROP INDEX cases_org_decided;
CREATE INDEX cases_org_decided ON cases (org_id, decided_at) WHERE decided_at IS NOT NULL;

-- +goose Down
DROP INDEX cases_org_decided;
CREATE INDEX cases_org_decided ON cases (org_id, decided_at);
DROP INDEX cases_kpi;
CREATE INDEX cases_kpi ON cases (decided_at, org_id, deadline, channel, simulated, kind);
