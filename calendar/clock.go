package calendar

import "time"

// Pause is an interval in which a time limit does not run: waiting for the
// applicant's corrections (补齐补正) or a special procedure (特别程序: hearing,
// inspection, expert review). Open pauses have a zero To.
type Pause struct {
	From, To time.Time
}

// paused reports whether working day d falls in a pause: from the date the
// pause began up to, not including, the date it ended (the clock runs again
// on the day of resumption).
func paused(d Date, pauses []Pause) bool {
	for _, p := range pauses {
		from := DateOf(p.From)
		if d.Before(from) {
			continue
		}
		if p.To.IsZero() || d.Before(DateOf(p.To)) {
			return true
		}
	}
	return false
}

// Deadline returns the last working day of a limit of n working days that
// starts the working day after start, with the days in pauses not counted.
// With an open pause the deadline is not known yet: ok is false.
func (c *Calendar) Deadline(start time.Time, n int, pauses []Pause) (day Date, ok bool) {
	for _, p := range pauses {
		if p.To.IsZero() {
			return Date{}, false
		}
	}
	d := DateOf(start)
	for n > 0 {
		d = d.AddDays(1)
		if c.IsWorkday(d) && !paused(d, pauses) {
			n--
		}
	}
	return d, true
}

// Used counts the working days of a limit that have run by now: working days
// after start up to and including today, less the days in pauses.
func (c *Calendar) Used(start, now time.Time, pauses []Pause) int {
	n := 0
	end := DateOf(now)
	for d := DateOf(start).AddDays(1); !end.Before(d); d = d.AddDays(1) {
		if c.IsWorkday(d) && !paused(d, pauses) {
			n++
		}
	}
	return n
}
