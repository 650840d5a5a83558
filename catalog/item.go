// Package catalog is the unified service item library (统一政务服务事项):
// base items (基本目录) with their legal elements, implementation entries
// (实施清单) of each org that delivers them, versioned through draft →
// submitted → published → retired, their guides (办事指南), search and the
// figures supervision uses.
package catalog

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang/audit"
)

// Basis is one 设定依据: a law, its article and the article's words.
type Basis struct {
	Law     string `json:"law"`
	Article string `json:"article,omitempty"`
	Text    string `json:"text,omitempty"`
}

// Base is a base item (基本目录): "同一事项、同一标准、同一编码". Its
// elements are the same wherever the item is delivered.
type Base struct {
	ID      string
	Code    string // 12-character 基本编码
	Name    string
	Aliases []string
	Type    string // A.1
	Basis   []Basis
	Objects []string // A.4
	Themes  []string // theme codes
}

// Material is one 申请材料 row of a guide.
type Material struct {
	Name      string   `json:"name"`
	Forms     []string `json:"forms"` // 原件, 复印件, 电子
	Copies    int      `json:"copies,omitempty"`
	Required  bool     `json:"required"`
	Condition string   `json:"condition,omitempty"` // when not required: the exact situation
	When      string   `json:"when,omitempty"`      // the situation as a form answer, "field=value": then required
	Source    string   `json:"source"`              // applicant, department, license
	License   string   `json:"license,omitempty"`   // e-license type that replaces it
	Tolerance bool     `json:"tolerance,omitempty"` // 容缺受理
	Promise   bool     `json:"promise,omitempty"`   // 告知承诺
	Note      string   `json:"note,omitempty"`
	BlankForm string   `json:"blank_form,omitempty"` // file ID of the blank form
	Sample    string   `json:"sample,omitempty"`     // file ID of the filled-in sample
}

// Step is one 办理流程 step. Kind, Orgs and Role say how a case runs
// through it (see steps.go); a guide that leaves them out gets the default
// flow 受理 → 审查 → 决定 → 送达 at the implementing org.
type Step struct {
	Name string   `json:"name"`
	Days int      `json:"days"`
	Kind string   `json:"kind,omitempty"` // StepAccept …; "" as KindAt says
	Orgs []string `json:"orgs,omitempty"` // review steps: the departments that review in parallel; none = the implementing org
	Role string   `json:"role,omitempty"` // who in the org acts: case_officer (default) or dept_head
}

// Fee is one 收费项目, in fen.
type Fee struct {
	Name  string `json:"name"`
	Fen   int64  `json:"fen"`
	Basis string `json:"basis"`
}

// FAQ is one 常见问题.
type FAQ struct {
	Q string `json:"q"`
	A string `json:"a"`
}

// Guide is everything an implementation entry adds to its base item.
type Guide struct {
	Fields         []Field    `json:"fields,omitempty"` // the application form
	Conditions     []string   `json:"conditions"`
	Materials      []Material `json:"materials"`
	Steps          []Step     `json:"steps"`
	Fees           []Fee      `json:"fees,omitempty"`
	ResultName     string     `json:"result_name,omitempty"`
	ResultKind     string     `json:"result_kind"`
	Intermediary   []string   `json:"intermediary,omitempty"`
	FAQs           []FAQ      `json:"faqs,omitempty"`
	Location       string     `json:"location,omitempty"`
	Hours          string     `json:"hours,omitempty"`
	ConsultPhone   string     `json:"consult_phone,omitempty"`
	SupervisePhone string     `json:"supervise_phone,omitempty"`
}

// Statuses of an entry version. Stored: never change a value.
const (
	StatusDraft      = "draft"      // being edited by a catalog maintainer
	StatusSubmitted  = "submitted"  // waiting for the department head
	StatusPublished  = "published"  // on the portal; never changes again
	StatusSuperseded = "superseded" // replaced by a newer published version
	StatusRetired    = "retired"    // withdrawn from service
)

// StatusName returns a status's Chinese name.
func StatusName(s string) string {
	return map[string]string{StatusDraft: "草稿", StatusSubmitted: "待审核", StatusPublished: "已发布",
		StatusSuperseded: "已被新版本替代", StatusRetired: "已停用"}[s]
}

// Entry is one version of an implementation entry (实施清单): an org's
// delivery of a base item. The base elements are copied in unchanged, so a
// published version is a complete, frozen guide that cases can point to.
type Entry struct {
	ID      string // this version's ID
	Code    string // 31-character 实施编码, the same for every version
	Version int
	Status  string

	Base        Base // the base elements, inherited unchanged
	OrgID       string
	OrgName     string // for display; not stored with the entry
	Level       int    // A.2: 4, 5 or 6
	Kind        int    // A.6: 1 即办件, 2 承诺件
	LegalDays   int    // 法定办结时限, working days
	PromiseDays int    // 承诺办结时限, working days
	Depth       []int  // 网上办理深度 1–7
	Forms       []int  // 办理形式
	Visits      int    // 跑动次数
	Guide       Guide

	CreatedBy   string
	CreatedAt   time.Time
	SubmittedBy string
	SubmittedAt time.Time
	ApprovedBy  string
	ReviewNote  string // the department head's reason when the version was sent back
	PublishedAt time.Time
	RetiredAt   time.Time
}

// Online reports whether the entry can be applied for online (its depth
// reaches 互联网受理).
func (e Entry) Online() bool { return hasInt(e.Depth, 4) }

// FullyOnline reports whether it is handled online from acceptance to the
// result and needs no visit (全程网办).
func (e Entry) FullyOnline() bool {
	return hasInt(e.Depth, 4) && hasInt(e.Depth, 5) && hasInt(e.Depth, 6) && e.Visits == 0
}

func hasInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Filter selects entries.
type Filter struct {
	Statuses []string
	OrgID    string
	Code     string
}

// Store is what the catalog needs from storage.
type Store interface {
	CreateBase(ctx context.Context, b Base, e audit.Entry) error
	UpdateBase(ctx context.Context, b Base, e audit.Entry) error
	Base(ctx context.Context, id string) (Base, error)
	BaseByCode(ctx context.Context, code string) (Base, error)
	ListBases(ctx context.Context) ([]Base, error)

	// CreateEntry stores a new version (draft).
	CreateEntry(ctx context.Context, en Entry, e audit.Entry) error
	// UpdateEntry stores a draft or submitted version if its status is still from.
	UpdateEntry(ctx context.Context, en Entry, from string, e audit.Entry) error
	// PublishEntry marks a submitted version published, supersedes the
	// previously published version of the same code and moves the catalog
	// generation, in one transaction.
	PublishEntry(ctx context.Context, en Entry, e audit.Entry) error
	// RetireEntry withdraws a published version and moves the generation.
	RetireEntry(ctx context.Context, en Entry, e audit.Entry) error
	Entry(ctx context.Context, id string) (Entry, error)
	// EntryVersions returns every version of an implementation code, newest first.
	EntryVersions(ctx context.Context, code string) ([]Entry, error)
	ListEntries(ctx context.Context, f Filter) ([]Entry, error)
	// Import stores base items (created or replaced by code) and new entry
	// versions as given, moves the generation and appends e, all in one
	// transaction: nothing is written unless everything is.
	Import(ctx context.Context, bases []Base, entries []Entry, e audit.Entry) error
	// Generation changes whenever the published catalog changes.
	Generation(ctx context.Context) (int64, error)
}
