// Package supervision is electronic supervision (电子监察): rules that watch
// every open case against its time limits and raise yellow (预警) and red
// (报警) alerts, the messages that bring them to the org and the
// supervisors, and the supervisors' notices (督办) an org must answer in
// time. The scan is a singleton job: a lease row in the database decides
// which instance runs it.
package supervision

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/notify"
)

// Levels of an alert. Stored: never change a value.
const (
	Yellow = "yellow" // 预警: little committed time left
	Red    = "red"    // 报警: overdue, or a rule broken
)

// Rules. Stored: never change a value.
const (
	RuleDeadline = "deadline" // 办结时限: an accepted case against its committed limit
	RuleArt32    = "art32"    // 行政许可法第32条: pre-review within 5 working days
	RuleDelivery = "delivery" // 送达时限: the result handed over within 10 working days
	RuleTask     = "task"     // 环节时限: one org's step over its own limit
	RuleRefusal  = "refusal"  // 不予受理/不予许可 without reasons
)

var ruleNames = map[string]string{
	RuleDeadline: "办结时限", RuleArt32: "预审时限（5个工作日）", RuleDelivery: "送达时限",
	RuleTask: "环节时限", RuleRefusal: "不予受理/不予许可未说明理由", RuleFee: "收费不符合办事指南",
}

// RuleName returns a rule in words.
func RuleName(r string) string { return ruleNames[r] }

// Rules lists the rules in the order pages show them.
var Rules = []string{RuleDeadline, RuleArt32, RuleDelivery, RuleTask, RuleRefusal, RuleFee}

// LevelName returns a level in words.
func LevelName(l string) string {
	switch l {
	case Yellow:
		return "黄色预警"
	case Red:
		return "红色报警"
	}
	return ""
}

// Alert is one rule's alert on a case (for the task rule: on one org's
// step of it). It stays open until the case moves on, and is kept after.
type Alert struct {
	ID        string
	CaseID    string
	CaseNo    string
	ItemName  string
	OrgID     string // the org that must act
	Rule      string
	Level     string
	Detail    string // what the rule saw, in words
	Due       string // the date the rule measures against; "" when none
	RaisedAt  time.Time
	RedAt     time.Time // when it turned red
	ClearedAt time.Time // zero while open
}

// Open reports whether the alert is still open.
func (a Alert) Open() bool { return a.ClearedAt.IsZero() }

// Candidate is an open case the candidate query found within its yellow
// window, with the open alert of its rule if it has one.
type Candidate struct {
	CaseID, CaseNo, ItemName, OrgID, State, Due, Kind string
	PromiseDays                                       int // the entry's committed limit (承诺时限), working days
	// The case's open alert under its rule; AlertID "" when none.
	AlertID, AlertLevel, AlertDue, AlertOrg string
}

// Cutoffs are the last due dates at which a case is in its yellow window
// today, by state and, for accepted cases, by the entry's committed limit.
type Cutoffs struct {
	Today     string         // a due date before it is overdue (red)
	Submitted string         // pre-review: one working day
	Decided   string         // delivery: two working days
	Accepted  map[int]string // committed limit → last due date
	Default   string         // accepted under a limit not in the map: one working day
}

// TaskCandidate is an open task past its own due date, with the open
// step alert of its case and org if it has one.
type TaskCandidate struct {
	CaseID, CaseNo, ItemName, OrgID, TaskName, Due string
	Joint                                          bool // another org's task on the case (会办)
	AlertID, AlertDue                              string
}

// RefusalEvent is a refusal (不予受理) or a denial (不予许可) the events
// record, with its words.
type RefusalEvent struct {
	CaseID, CaseNo, ItemName, OrgID, Kind, Note string
	At                                          time.Time
}

// OpenAlert is the key and level of an open alert, as the scan compares them.
type OpenAlert struct {
	ID, CaseID, Rule, OrgID, Level, Due string
}

// Changes are what one scan stores: new alerts, alerts turned red, alerts
// cleared, and the messages that tell people.
type Changes struct {
	Raise     []Alert
	Escalate  []Alert // ID, Level, Detail, RedAt
	Clear     []string
	ClearedAt time.Time
}

// Empty reports whether there is nothing to store.
func (c Changes) Empty() bool { return len(c.Raise)+len(c.Escalate)+len(c.Clear) == 0 }

// Fence is the lease a write must still hold: the store checks it in the
// write's transaction, so that an instance that lost its lease in the
// middle of a scan stores nothing.
type Fence struct{ Name, Holder string }

// AlertFilter selects alerts.
type AlertFilter struct {
	OrgIDs []string // nil: every org
	Level  string   // "" for both
	Rule   string   // "" for all
	Open   bool     // only open ones
	Limit  int
}

// AlertCount is how many open alerts of a level an org has.
type AlertCount struct {
	OrgID, Level string
	N            int
}

// NoticeFilter selects notices.
type NoticeFilter struct {
	OrgIDs []string // nil: every org
	CaseID string
	Limit  int
}

// Store is what supervision needs from storage.
type Store interface {
	FeeStore // the fee rule's queries: fees.go
	// TryLease takes or renews the lease of job name for holder until
	// until, unless another holder's lease runs past now.
	TryLease(ctx context.Context, name, holder string, now, until time.Time) (bool, error)
	// ReleaseLease gives the lease up if holder has it.
	ReleaseLease(ctx context.Context, name, holder string) error

	// PromiseLimits lists the distinct committed limits of the catalog.
	PromiseLimits(ctx context.Context) ([]int, error)
	// DueCases lists the open cases (submitted, accepted, decided) within
	// their yellow window (due on or before their cutoff) whose alert is
	// missing or out of date: none open under the case's rule, one for
	// another due date or org, or a yellow one now overdue. In the steady
	// state it returns nothing: the work stays in the database.
	DueCases(ctx context.Context, cut Cutoffs) ([]Candidate, error)
	// StaleAlerts lists the open alerts whose case moved on: for the case
	// rules (deadline, art32, delivery) another state, due date or org; for
	// the step rule no open task of the org at the alert's due date.
	StaleAlerts(ctx context.Context) ([]string, error)
	// OverdueTasks lists the open review and decision tasks due before
	// day whose step alert is missing or for another due date, leaving out
	// a task of the case's own org due on the date of the case's open
	// deadline alert (the same lateness, told once).
	OverdueTasks(ctx context.Context, day string) ([]TaskCandidate, error)
	// Refusals lists the refusal events since a time whose reasons may be
	// empty.
	Refusals(ctx context.Context, since time.Time) ([]RefusalEvent, error)
	// OpenAlerts lists the open alerts of some rules.
	OpenAlerts(ctx context.Context, rules []string) ([]OpenAlert, error)
	// Recipients returns, for each org, its case officers and heads, and
	// every supervisor; accounts that are disabled left out.
	Recipients(ctx context.Context, orgIDs []string) (map[string][]string, []string, error)
	// ApplyScan stores a scan's changes, its messages and its audit entry
	// in one transaction, if f still holds the lease.
	ApplyScan(ctx context.Context, f Fence, ch Changes, msgs []notify.Message, e audit.Entry) error

	Alerts(ctx context.Context, f AlertFilter) ([]Alert, error)
	// AlertCounts counts the open alerts of some orgs (nil: all) by org
	// and level.
	AlertCounts(ctx context.Context, orgIDs []string) ([]AlertCount, error)
	AlertsOfCase(ctx context.Context, caseID string) ([]Alert, error)
	Alert(ctx context.Context, id string) (Alert, error)

	AddNotice(ctx context.Context, n Notice, msgs []notify.Message, e audit.Entry) error
	// AnswerNotice stores the answer at n.Rev; ECONFLICT when it moved.
	AnswerNotice(ctx context.Context, n Notice, msgs []notify.Message, e audit.Entry) error
	Notice(ctx context.Context, id string) (Notice, error)
	Notices(ctx context.Context, f NoticeFilter) ([]Notice, error)
}
