// Package inspect is the supervisors' own checks on the service: the
// exposure column (曝光纠错栏目), where problems found and the corrections
// made are published; random spot checks (随机抽查) of decided cases; and
// simulated applications (模拟办事), test applications a supervisor files
// and the org works without knowing, kept out of every figure. A spot
// check and a simulated application both end in findings, one per case, on
// the same form.
package inspect

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/org"
)

// Exposure states. Stored: never change a value.
const (
	ExposureDraft     = "draft"     // being written, not public
	ExposurePublished = "published" // on the public column
	ExposureWithdrawn = "withdrawn" // taken down with reasons; kept
)

var exposureStates = map[string]string{ExposureDraft: "草稿", ExposurePublished: "已发布", ExposureWithdrawn: "已撤下"}

// ExposureStateName returns a state in words.
func ExposureStateName(s string) string { return exposureStates[s] }

// Exposure is one problem on the exposure column and its correction.
type Exposure struct {
	ID         string
	Title      string
	OrgID      string // the org where it went wrong
	Problem    string // what went wrong, without personal data
	Correction string // 整改情况; "" until the org has corrected it
	// CaseID and CaseNo are the case it came from, if any; the public page
	// shows the number masked.
	CaseID, CaseNo string
	State          string
	WithdrawReason string
	By             string // the supervisor's name
	CreatedAt      time.Time
	UpdatedAt      time.Time
	PublishedAt    time.Time
	CorrectedAt    time.Time
	WithdrawnAt    time.Time
	Rev            int64
}

// Check kinds. Stored: never change a value.
const (
	KindDraw      = "draw"      // 随机抽查: N decided cases drawn at random
	KindSimulated = "simulated" // 模拟办事: the supervisor's test application
)

var kindNames = map[string]string{KindDraw: "随机抽查", KindSimulated: "模拟办事"}

// KindName returns a check kind in words.
func KindName(k string) string { return kindNames[k] }

// Check states. Stored: never change a value.
const (
	CheckOpen   = "open"   // findings outstanding
	CheckClosed = "closed" // every case has its finding
)

// Finding results. Stored: never change a value.
const (
	Pass = "pass" // 合格
	Fail = "fail" // 不合格
)

var resultNames = map[string]string{Pass: "合格", Fail: "不合格", "": "待检查"}

// ResultName returns a finding in words.
func ResultName(r string) string { return resultNames[r] }

// Check is one spot check (a draw of cases) or one simulated application.
type Check struct {
	ID    string
	Kind  string
	OrgID string
	// From and To (YYYY-MM-DD, inclusive) are the period the cases were
	// decided in; Requested is N, Pool how many cases could be drawn and
	// Seed the random seed: Pick(pool, Requested, Seed) draws the same
	// cases again.
	From, To  string
	Requested int
	Pool      int
	Seed      uint64
	State     string
	ByID      string
	By        string
	CreatedAt time.Time
	ClosedAt  time.Time
	Items     []Item
	Rev       int64
}

// Done counts the items with a finding.
func (c Check) Done() int {
	n := 0
	for _, it := range c.Items {
		if it.Result != "" {
			n++
		}
	}
	return n
}

// Failed counts the items found 不合格.
func (c Check) Failed() int {
	n := 0
	for _, it := range c.Items {
		if it.Result == Fail {
			n++
		}
	}
	return n
}

// Item is one case of a check and its finding.
type Item struct {
	Seq      int // 1-based, the order drawn
	CaseID   string
	CaseNo   string
	ItemName string
	Result   string // "" until recorded
	Note     string
	By       string
	At       time.Time
}

// CaseRef is a case that can be drawn.
type CaseRef struct {
	ID, No, ItemName string
}

// Store is what inspect needs from storage; each change is one transaction
// with its audit entry.
type Store interface {
	CreateExposure(ctx context.Context, x Exposure, e audit.Entry) error
	// UpdateExposure stores x at its Rev (ECONFLICT otherwise).
	UpdateExposure(ctx context.Context, x Exposure, e audit.Entry) error
	Exposure(ctx context.Context, id string) (Exposure, error)
	// Exposures lists those in a state ("" for all), newest first.
	Exposures(ctx context.Context, state string, limit int) ([]Exposure, error)

	// DecidedCases lists the org's applications (not simulated, not
	// complaints) decided or delivered with decided_at in [from, to),
	// ordered by ID.
	DecidedCases(ctx context.Context, orgID string, from, to time.Time) ([]CaseRef, error)
	// CreateCheck stores a check and its items.
	CreateCheck(ctx context.Context, c Check, e audit.Entry) error
	Check(ctx context.Context, id string) (Check, error)
	// Checks lists checks, open ones first, newest first.
	Checks(ctx context.Context, limit int) ([]Check, error)
	// RecordFinding stores item it's finding (once) and the check's state,
	// at the check's Rev (ECONFLICT otherwise).
	RecordFinding(ctx context.Context, c Check, it Item, e audit.Entry) error
}

// Cases reads cases (sqlstore.DB).
type Cases interface {
	Case(ctx context.Context, id string) (casework.Case, error)
	CaseByNo(ctx context.Context, no string) (casework.Case, error)
	Events(ctx context.Context, caseID string) ([]casework.Event, error)
}

// Filer files applications (casework.Service): a simulated application
// takes the ordinary path.
type Filer interface {
	Submit(ctx context.Context, actor yiwang.Actor, who casework.Applicant, app casework.Application) (casework.Case, error)
}

// Orgs finds orgs.
type Orgs interface {
	Get(ctx context.Context, id string) (org.Org, error)
}

// StateName is the item's state in words, for pages.
func (x Exposure) StateName() string { return ExposureStateName(x.State) }

// MaskedCaseNo is the case number as the public page shows it.
func (x Exposure) MaskedCaseNo() string { return MaskCaseNo(x.CaseNo) }

// KindName is the check's kind in words, for pages.
func (c Check) KindName() string { return KindName(c.Kind) }

// ResultName is the finding in words, for pages.
func (it Item) ResultName() string { return ResultName(it.Result) }
