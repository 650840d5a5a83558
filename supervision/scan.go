package supervision

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/notify"
)

// Orgs tells which orgs a staff member's org covers and names orgs.
type Orgs interface {
	Subtree(ctx context.Context, id string) (map[string]bool, error)
}

// Cases finds the case a notice is about.
type Cases interface {
	Case(ctx context.Context, id string) (casework.Case, error)
}

// Service runs the scan and the notices.
type Service struct {
	Store    Store
	Cases    Cases
	Orgs     Orgs
	Calendar *calendar.Calendar
	Clock    yiwang.Clock
	// Holder names this instance in the lease; "" makes a random one.
	Holder string
	// LeaseTTL is how long a lease lasts without renewal (0: 3 minutes):
	// longer than the time between scans, so the holder keeps it, and
	// short, so another instance takes over soon after it died.
	LeaseTTL time.Duration
}

// ScanJob is the name of the scan's lease.
const ScanJob = "supervision.scan"

// Delivery and pre-review limits, working days (行政许可法 Art. 44 and 32).
const (
	deliveryDays = 10
	art32Days    = 5
)

// RefusalLookback is how many days back each scan looks for refusals
// without reasons.
const RefusalLookback = 7

// Result says what one scan did.
type Result struct {
	Skipped    bool // another instance holds the lease
	Candidates int  // cases and tasks the queries returned
	Raised     int
	Escalated  int
	Cleared    int
	Messages   int
}

func (s *Service) holder() string {
	if s.Holder == "" {
		s.Holder = "instance-" + yiwang.NewID()
	}
	return s.Holder
}

// Scan runs the rules over every open case, if this instance holds (or
// can take) the scan's lease: it raises new alerts, turns yellow ones red,
// clears those whose case moved on, and tells the org and the supervisors
// of each raise once. Another instance's running lease makes it skip.
func (s *Service) Scan(ctx context.Context) (Result, error) {
	now := s.Clock.Now()
	ttl := s.LeaseTTL
	if ttl <= 0 {
		ttl = 3 * time.Minute
	}
	ok, err := s.Store.TryLease(ctx, ScanJob, s.holder(), now, now.Add(ttl))
	if err != nil || !ok {
		return Result{Skipped: !ok}, err
	}
	return s.scan(ctx, now)
}

// Release gives the scan's lease up (at shutdown), so that another
// instance need not wait for it to expire.
func (s *Service) Release(ctx context.Context) error {
	return s.Store.ReleaseLease(ctx, ScanJob, s.holder())
}

type key struct{ caseID, rule, org string }

// Evaluate applies the time rules to one candidate on day today: the rule
// it falls under, the level ("" when none), the detail in words.
func (s *Service) Evaluate(c Candidate, today calendar.Date) (rule, level, detail string) {
	due, err := calendar.ParseDate(c.Due)
	if err != nil {
		return "", "", ""
	}
	left := s.Calendar.WorkdaysBetween(today, due)
	var limit int
	var what string
	switch c.State {
	case "submitted":
		rule, limit, what = RuleArt32, art32Days, "预审"
	case "accepted":
		rule, limit, what = RuleDeadline, c.PromiseDays, "办结"
		if c.Kind != "" {
			what = "答复"
		}
	case "decided":
		rule, limit, what = RuleDelivery, deliveryDays, "送达"
	default:
		return "", "", ""
	}
	// The detail stays as raised: how much time is left is worded when
	// shown (Words), from the due date and that day.
	level = ""
	switch {
	case left < 0:
		level, detail = Red, fmt.Sprintf("%s期限 %s 已过（时限 %d 个工作日）", what, c.Due, limit)
	case left <= 1 || (limit > 0 && left*5 <= limit):
		level, detail = Yellow, fmt.Sprintf("%s期限 %s，所余不足时限的 20%% 或 1 个工作日（时限 %d 个工作日）", what, c.Due, limit)
	default:
		return rule, "", ""
	}
	if limit == 0 {
		detail = fmt.Sprintf("即办件，应于 %s 当日办结", c.Due)
	}
	return rule, level, detail
}

// Words says how much time an alert's case has left on the current day:
// "还剩 2 个工作日", "今日到期", "已超期 3 个工作日"; "" for a rule without a
// due date.
func (s *Service) Words(a Alert) string {
	due, err := calendar.ParseDate(a.Due)
	if err != nil {
		return ""
	}
	switch left := s.Calendar.WorkdaysBetween(s.Today(), due); {
	case left < 0:
		return fmt.Sprintf("已超期 %d 个工作日", -left)
	case left == 0:
		return "今日到期"
	default:
		return fmt.Sprintf("还剩 %d 个工作日", left)
	}
}

// window is the working days before the due date in which a case with a
// committed limit of limit days turns yellow: at most 20% left, or 1 day.
func window(limit int) int { return max(1, limit/5) }

// cutoff is the last due date that leaves at most w working days from
// today: the day before the (w+1)-th working day.
func (s *Service) cutoff(today calendar.Date, w int) string {
	return s.Calendar.AddWorkdays(today, w+1).AddDays(-1).String()
}

// scan is one pass; the caller holds the lease. The case rules run in the
// database: one query returns only the cases whose alert is missing or out
// of date, another the alerts whose case moved on, so that a steady scan
// moves no rows into Go. The step and refusal rules, whose candidates are
// few, compare in Go.
func (s *Service) scan(ctx context.Context, now time.Time) (Result, error) {
	today := calendar.DateOf(now)
	limits, err := s.Store.PromiseLimits(ctx)
	if err != nil {
		return Result{}, err
	}
	cut := Cutoffs{Today: today.String(), Submitted: s.cutoff(today, window(art32Days)),
		Decided: s.cutoff(today, window(deliveryDays)), Default: s.cutoff(today, 1), Accepted: map[int]string{}}
	for _, p := range limits {
		cut.Accepted[p] = s.cutoff(today, window(p))
	}
	cands, err := s.Store.DueCases(ctx, cut)
	if err != nil {
		return Result{}, err
	}
	stale, err := s.Store.StaleAlerts(ctx)
	if err != nil {
		return Result{}, err
	}
	tasks, err := s.Store.OverdueTasks(ctx, today.String())
	if err != nil {
		return Result{}, err
	}
	// Refusals are events, not states: each scan looks at the last week's
	// (an index range), and their alerts stay raised once raised.
	refusals, err := s.Store.Refusals(ctx, now.AddDate(0, 0, -RefusalLookback))
	if err != nil {
		return Result{}, err
	}
	// Fees recorded with decisions, the same way (fees.go).
	feeWant, feeLines, err := s.feeAlerts(ctx, now)
	if err != nil {
		return Result{}, err
	}
	open, err := s.Store.OpenAlerts(ctx, []string{RuleRefusal, RuleFee})
	if err != nil {
		return Result{}, err
	}
	res := Result{Candidates: len(cands) + len(tasks) + len(refusals) + feeLines}

	ch := Changes{ClearedAt: now, Raise: make([]Alert, 0, len(cands)+len(tasks))}
	cleared := map[string]bool{}
	clear := func(id string) {
		if !cleared[id] {
			cleared[id] = true
			ch.Clear = append(ch.Clear, id)
		}
	}
	raise := func(a Alert) {
		a.RaisedAt = now
		if a.Level == Red {
			a.RedAt = now
		}
		ch.Raise = append(ch.Raise, a)
	}
	for _, id := range stale {
		clear(id)
	}
	for _, c := range cands {
		rule, level, detail := s.Evaluate(c, today)
		a := Alert{CaseID: c.CaseID, CaseNo: c.CaseNo, ItemName: c.ItemName, OrgID: c.OrgID, Rule: rule, Level: level,
			Detail: detail, Due: c.Due}
		switch {
		case level == "":
			if c.AlertID != "" {
				clear(c.AlertID)
			}
		case c.AlertID == "":
			raise(a)
		case c.AlertDue != c.Due || c.AlertOrg != c.OrgID || (c.AlertLevel == Red && level == Yellow):
			// The case moved on (a new due date, another org) or back in time.
			clear(c.AlertID)
			raise(a)
		case c.AlertLevel == Yellow && level == Red:
			a.ID, a.RedAt = c.AlertID, now
			ch.Escalate = append(ch.Escalate, a)
		}
	}

	// Steps: a task of the case's own org due on the date of a deadline
	// alert raised now is the same lateness; the org's earliest overdue
	// step speaks for it.
	deadlines := map[key]string{}
	for _, a := range ch.Raise {
		if a.Rule == RuleDeadline {
			deadlines[key{a.CaseID, RuleTask, a.OrgID}] = a.Due
		}
	}
	steps := map[key]TaskCandidate{}
	for _, t := range tasks {
		k := key{t.CaseID, RuleTask, t.OrgID}
		if !t.Joint && deadlines[k] == t.Due {
			continue
		}
		if old, ok := steps[k]; !ok || t.Due < old.Due {
			steps[k] = t
		}
	}
	for _, t := range steps {
		if t.AlertID != "" && !cleared[t.AlertID] && t.AlertDue <= t.Due {
			continue // an earlier step of the org is already told
		}
		if t.AlertID != "" {
			clear(t.AlertID)
		}
		raise(Alert{CaseID: t.CaseID, CaseNo: t.CaseNo, ItemName: t.ItemName, OrgID: t.OrgID, Rule: RuleTask, Level: Red,
			Detail: fmt.Sprintf("“%s”环节期限 %s 已过", t.TaskName, t.Due), Due: t.Due})
	}

	want := map[key]Alert{}
	for _, r := range refusals {
		if !Unreasoned(r) {
			continue
		}
		what := "不予受理"
		if r.Kind == "decide" {
			what = "不予许可"
		}
		want[key{r.CaseID, RuleRefusal, r.OrgID}] = Alert{CaseID: r.CaseID, CaseNo: r.CaseNo, ItemName: r.ItemName, OrgID: r.OrgID,
			Rule: RuleRefusal, Level: Red, Detail: what + "未说明理由（" + r.At.In(yiwang.Shanghai).Format("2006-01-02") + "）"}
	}
	for k, a := range feeWant {
		want[k] = a
	}
	for _, o := range open {
		// A refusal or a fee is history: its alert stays.
		delete(want, key{o.CaseID, o.Rule, o.OrgID})
	}
	keys := make([]key, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].caseID+keys[i].rule+keys[i].org < keys[j].caseID+keys[j].rule+keys[j].org
	})
	for _, k := range keys {
		raise(want[k])
	}
	res.Raised, res.Escalated, res.Cleared = len(ch.Raise), len(ch.Escalate), len(ch.Clear)
	if ch.Empty() {
		return res, nil
	}
	// In case order: three of the alert indexes lead with the case. The
	// IDs (time-ordered) are given in that order, so that the primary key
	// too grows at its end.
	ch.Raise = byCase(ch.Raise)
	for i := range ch.Raise {
		ch.Raise[i].ID = yiwang.NewID()
	}
	msgs, err := s.messages(ctx, ch, now)
	if err != nil {
		return res, err
	}
	res.Messages = len(msgs)
	e := audit.New(yiwang.System("supervision"), now, "supervision.scan", "supervision", audit.ResultOK,
		fmt.Sprintf("电子监察扫描：新增 %d，转为红色报警 %d，解除 %d，通知 %d 人", res.Raised, res.Escalated, res.Cleared, len(msgs)))
	if err := s.Store.ApplyScan(ctx, Fence{ScanJob, s.holder()}, ch, msgs, e); err != nil {
		return res, err
	}
	return res, nil
}

// byCase returns the alerts in the order of their cases, stable: a
// permutation is sorted, not the alerts, which are big to move.
func byCase(as []Alert) []Alert {
	idx := make([]int32, len(as))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int { return strings.Compare(as[i].CaseID, as[j].CaseID) })
	out := make([]Alert, len(as))
	for i, k := range idx {
		out[i] = as[k]
	}
	return out
}

// Unreasoned reports whether a refusal event gives no reasons: the engine's
// "不予受理。理由：…；依据：…" with an empty reason, or a denial "办结：不予。"
// with nothing after it. The engine refuses both without reasons, so only
// data from elsewhere (an import, an older system) can raise this.
func Unreasoned(r RefusalEvent) bool {
	note := strings.TrimSpace(r.Note)
	if r.Kind == "decide" {
		rest, ok := strings.CutPrefix(note, "办结：不予")
		return ok && utf8.RuneCountInString(strings.Trim(rest, "。 ")) < 2
	}
	_, after, ok := strings.Cut(note, "理由：")
	if !ok {
		return true
	}
	reason, _, _ := strings.Cut(after, "；依据：")
	return utf8.RuneCountInString(strings.TrimSpace(reason)) < 2
}

// messages makes one message per person told of this scan's raises: the
// org's officers and heads hear of their org's, every supervisor of all.
// A digest per scan, so that a busy officer is not sent a hundred.
func (s *Service) messages(ctx context.Context, ch Changes, now time.Time) ([]notify.Message, error) {
	news := append(append([]Alert{}, ch.Raise...), ch.Escalate...)
	if len(news) == 0 {
		return nil, nil
	}
	orgSet := map[string]bool{}
	for _, a := range news {
		orgSet[a.OrgID] = true
	}
	orgIDs := make([]string, 0, len(orgSet))
	for o := range orgSet {
		orgIDs = append(orgIDs, o)
	}
	sort.Strings(orgIDs)
	byOrg, supervisors, err := s.Store.Recipients(ctx, orgIDs)
	if err != nil {
		return nil, err
	}
	// Per person only the counts and the first five alerts, which is all a
	// digest says: a supervisor hears of every alert of a big scan.
	per := map[string]*told{}
	var order []string
	add := func(acc string, a *Alert) {
		t := per[acc]
		if t == nil {
			t = &told{}
			per[acc] = t
			order = append(order, acc)
		}
		if a.Level == Red {
			t.red++
		} else {
			t.yellow++
		}
		if len(t.first) < 5 {
			t.first = append(t.first, a)
		}
	}
	for i := range news {
		a := &news[i]
		seen := map[string]bool{}
		for _, acc := range byOrg[a.OrgID] {
			if !seen[acc] {
				seen[acc] = true
				add(acc, a)
			}
		}
		for _, acc := range supervisors {
			if !seen[acc] {
				seen[acc] = true
				add(acc, a)
			}
		}
	}
	msgs := make([]notify.Message, 0, len(order))
	for _, acc := range order {
		msgs = append(msgs, notify.Message{ID: yiwang.NewID(), Channel: notify.ChannelSite, AccountID: acc,
			Link: "/work/supervision", Status: notify.StatusPending, CreatedAt: now, Body: s.digest(per[acc])})
	}
	return msgs, nil
}

// told is what one person is told of a scan's new alerts: how many of
// each level, and the first five.
type told struct {
	red, yellow int
	first       []*Alert
}

// digest words a scan's new alerts for one person.
func (s *Service) digest(t *told) string {
	red, yellow := t.red, t.yellow
	var b strings.Builder
	b.WriteString("【电子监察】")
	switch {
	case red > 0 && yellow > 0:
		fmt.Fprintf(&b, "新增红色报警 %d 件、黄色预警 %d 件：", red, yellow)
	case red > 0:
		fmt.Fprintf(&b, "新增红色报警 %d 件：", red)
	default:
		fmt.Fprintf(&b, "新增黄色预警 %d 件：", yellow)
	}
	for i, a := range t.first {
		if i > 0 {
			b.WriteString("；")
		}
		if w := s.Words(*a); w != "" {
			fmt.Fprintf(&b, "%s（%s）%s%s", a.CaseNo, a.ItemName, RuleName(a.Rule), w)
		} else {
			fmt.Fprintf(&b, "%s（%s）%s", a.CaseNo, a.ItemName, a.Detail)
		}
	}
	if n := red + yellow; n > 5 {
		fmt.Fprintf(&b, "等 %d 件", n)
	}
	b.WriteString("。请及时办理。")
	return b.String()
}
