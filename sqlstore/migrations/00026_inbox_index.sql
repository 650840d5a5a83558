-- +goose Up
-- The inbox lists a department's cases in the states it still has to act
-- on, the earliest due first and, among those due the same day, the
-- earliest submitted. The index on (org_id, due) gave only the first
-- order: all the cases due on one day were read and sorted for every
-- page, some thousands on a busy day, and a department with fewer than a
-- page of cases with a due date read every closed case it ever had, all
-- sorted last (due 9999-12-31), to find the paused ones among them.
-- This index holds only the inbox's cases (casework.InboxStates), in the
-- inbox's order.
DROP INDEX cases_org_due;
CREATE INDEX cases_inbox ON cases (org_id, due, submitted_at)
	WHERE state IN ('submitted', 'accepted', 'needs_correction', 'special', 'decided');
-- A department's open tasks, in the task inbox's order: due, then opened,
-- then id.
DROP INDEX case_tasks_org_due;
CREATE INDEX case_tasks_org_due ON case_tasks (org_id, state, due, opened_at, id);

-- +goose Down
DROP INDEX case_tasks_org_due;
CREATE INDEX case_tasks_org_due ON case_tasks (org_id, state, due);
DROP INDEX cases_inbox;
CREATE INDEX cases_org_due ON cases (org_id, due);
