package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
)

// saveTasks stores a case's tasks: new ones are inserted, done ones updated.
// Tasks of other orgs than the case's are marked joint, so that an inbox
// finds them without reading the tasks an org has on its own cases.
func saveTasks(ctx context.Context, tx *sql.Tx, c casework.Case) error {
	for _, t := range c.Tasks {
		joint := 0
		if t.OrgID != c.OrgID {
			joint = 1
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO case_tasks (id, case_id, stage, name, kind, org_id, role, state,
			opened_at, due, done_at, done_by, done_by_name, opinion, note, joint) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)
			ON CONFLICT (id) DO UPDATE SET state = excluded.state, done_at = excluded.done_at, done_by = excluded.done_by,
			done_by_name = excluded.done_by_name, opinion = excluded.opinion, note = excluded.note`,
			t.ID, t.CaseID, t.Stage, t.Name, t.Kind, t.OrgID, string(t.Role), t.State, t.OpenedAt, t.Due, nullTime(t.DoneAt),
			t.DoneBy, t.DoneByName, t.Opinion, t.Note, joint)
		if err != nil {
			return fmt.Errorf("save task: %w", err)
		}
	}
	return nil
}

const taskCols = `t.id, t.case_id, t.stage, t.name, t.kind, t.org_id, t.role, t.state, t.opened_at, t.due,
	t.done_at, t.done_by, t.done_by_name, t.opinion, t.note`

func scanTask(sc interface{ Scan(...any) error }, extra ...any) (casework.Task, error) {
	var t casework.Task
	var role string
	var done sql.NullTime
	err := sc.Scan(append([]any{&t.ID, &t.CaseID, &t.Stage, &t.Name, &t.Kind, &t.OrgID, &role, &t.State, &t.OpenedAt, &t.Due,
		&done, &t.DoneBy, &t.DoneByName, &t.Opinion, &t.Note}, extra...)...)
	t.Role, t.DoneAt = yiwang.Role(role), done.Time
	return t, err
}

// OpenTasksFor lists the open tasks of some orgs for some roles, the
// earliest due first, with their case's number, item and state.
func (db *DB) OpenTasksFor(ctx context.Context, orgIDs, roles []string, limit, offset int) ([]casework.TaskItem, error) {
	if len(orgIDs) == 0 || len(roles) == 0 {
		return nil, nil
	}
	q, args := openTasksQuery(orgIDs, roles, limit, offset)
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("open tasks: %w", err)
	}
	defer rows.Close()
	var out []casework.TaskItem
	for rows.Next() {
		var it casework.TaskItem
		if it.Task, err = scanTask(rows, &it.CaseNo, &it.ItemName, &it.CaseState); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// openTasksQuery returns OpenTasksFor's statement and arguments. Each
// org's tasks are read from the index case_tasks_org_due in order up to the
// end of the page, and the database merges them, so a page reads its rows
// and no more, for one org or many.
func openTasksQuery(orgIDs, roles []string, limit, offset int) (string, []any) {
	var args []any
	groups := ownerBranches(&args, orgIDs)
	in := placeholders(&args, roles)
	args = append(args, limit+offset)
	n := len(args)
	var parts []string
	for i, g := range groups {
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT `+taskCols+`, c.no, c.item_name, c.state AS case_state
			FROM case_tasks t JOIN cases c ON c.id = t.case_id WHERE t.org_id IN (`+g+`) AND t.role IN (`+in+`) AND t.state = 'open'
			ORDER BY t.due, t.opened_at, t.id LIMIT $%d) org%d`, n, i))
	}
	args = append(args, limit, offset)
	return strings.Join(parts, " UNION ALL ") + fmt.Sprintf(` ORDER BY due, opened_at, id LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args
}

// tasks returns a case's tasks in stage order.
func (db *DB) tasks(ctx context.Context, caseID string) ([]casework.Task, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+taskCols+` FROM case_tasks t WHERE t.case_id = $1
		ORDER BY t.stage, t.opened_at, t.id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	defer rows.Close()
	var out []casework.Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
