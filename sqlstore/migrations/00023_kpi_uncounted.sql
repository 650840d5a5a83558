-- +goose Up
-- The few cases no figure counts (simulated applications, letters): the
-- review figures leave their reviews out through this list instead of
-- reading every review's case row.
CREATE INDEX cases_uncounted ON cases (id) WHERE simulated OR kind <> '';

-- +goose Down
DROP INDEX cases_uncounted;
