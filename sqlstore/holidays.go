package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
)

// HolidayYears returns the holiday years administrators added, oldest first.
func (db *DB) HolidayYears(ctx context.Context) ([]calendar.HolidayYear, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT year, data, added_by, added_at FROM holiday_years ORDER BY year`)
	if err != nil {
		return nil, fmt.Errorf("holiday years: %w", err)
	}
	defer rows.Close()
	var out []calendar.HolidayYear
	for rows.Next() {
		var y calendar.HolidayYear
		var data string
		if err := rows.Scan(&y.Year, &data, &y.AddedBy, &y.AddedAt); err != nil {
			return nil, err
		}
		y.Data = []byte(data)
		out = append(out, y)
	}
	return out, rows.Err()
}

// SaveHolidayYear adds or replaces a year with its audit entry.
func (db *DB) SaveHolidayYear(ctx context.Context, y calendar.HolidayYear, e audit.Entry) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO holiday_years (year, data, added_by, added_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (year) DO UPDATE SET data = excluded.data, added_by = excluded.added_by, added_at = excluded.added_at`,
			y.Year, string(y.Data), y.AddedBy, y.AddedAt); err != nil {
			return fmt.Errorf("save holidays: %w", err)
		}
		return appendAudit(ctx, tx, e)
	})
}
