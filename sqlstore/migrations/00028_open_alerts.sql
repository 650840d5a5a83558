-- +goose Up
-- The supervision page lists open alerts red first, then by due date, and
-- counts them by org and level. Both read every open alert: with the
-- benchmark's 335,524 open alerts the district supervisor's page took 1.8 s
-- (the counts 0.86 s, reading each alert's row for its level; the list
-- 0.27 s, sorting them all). These two hold the open alerts in the list's
-- order, the district's and each org's; the second also answers the counts
-- from the index alone. The expression is the list's first key (red first)
-- and must stay written as the queries write it (sqlstore/supervision.go).
CREATE INDEX supervision_alerts_list ON supervision_alerts ((CASE level WHEN 'red' THEN 0 ELSE 1 END), due, case_no, id)
	WHERE cleared_at IS NULL;
CREATE INDEX supervision_alerts_org_list ON supervision_alerts (org_id, (CASE level WHEN 'red' THEN 0 ELSE 1 END), due, case_no, id)
	WHERE cleared_at IS NULL;

-- +goose Down
DROP INDEX supervision_alerts_org_list;
DROP INDEX supervision_alerts_list;
