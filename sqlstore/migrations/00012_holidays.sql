-- +goose Up
-- Holiday schedules added by administrators after the build (the embedded
-- holiday-cn files cover the years known then).
CREATE TABLE holiday_years (
    year     INTEGER PRIMARY KEY,
    data     TEXT NOT NULL, -- holiday-cn JSON as given
    added_by TEXT NOT NULL,
    added_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE holiday_years;
