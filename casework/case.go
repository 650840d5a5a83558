// Package casework is the case engine (办件): applications filed online or
// at a window, pre-review with one correction notice (一次性告知), acceptance
// or refusal to accept, decision, and a timeline of append-only events from
// which both the public tracker and supervision are computed.
package casework

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/notify"
)

// States of a case. Stored: never change a value.
const (
	StateSubmitted  = "submitted"        // 已申报, waiting for pre-review
	StateCorrection = "needs_correction" // 补齐补正: one notice sent, clock paused
	StateAccepted   = "accepted"         // 已受理, the committed limit runs
	StateSpecial    = "special"          // 特别程序: hearing, inspection, expert review, extension; clock paused
	StateRefused    = "not_accepted"     // 不予受理 (terminal)
	StateDecided    = "decided"          // 已办结: granted or refused, the result not yet handed over
	StateDelivered  = "delivered"        // 已送达: result handed over, case archived (terminal)
	StateWithdrawn  = "withdrawn"        // 撤回 (terminal)
)

var stateNames = map[string]string{
	StateSubmitted: "已申报，等待预审", StateCorrection: "需补齐补正材料", StateAccepted: "已受理，正在办理",
	StateSpecial: "特别程序中（不计入办理时限）",
	StateRefused: "不予受理", StateDecided: "已办结，待送达", StateDelivered: "已送达，已归档", StateWithdrawn: "已撤回",
}

// StateName returns a state in words.
func StateName(s string) string { return stateNames[s] }

// NextStep tells the applicant what happens next with the case.
func NextStep(c Case) string {
	if c.Kind != "" { // a letter
		switch c.State {
		case StateAccepted:
			return "等待承办单位答复，" + c.Deadline + " 前答复"
		case StateDelivered:
			return "已答复，请查看答复并评价"
		}
	}
	switch c.State {
	case StateSubmitted:
		return "等待工作人员预审，5个工作日内告知是否受理"
	case StateCorrection:
		return "请按一次性告知书补正材料"
	case StateAccepted:
		return "正在办理，预计 " + c.Deadline + " 前办结"
	case StateSpecial:
		return "特别程序中，结束后继续办理"
	case StateDecided:
		return "办理结果待送达"
	case StateDelivered:
		return "已办结归档"
	}
	return "—"
}

// Kinds of case other than an application. Stored: never change a value.
const (
	KindComplaint    = "complaint"    // 投诉
	KindConsultation = "consultation" // 咨询
	KindSuggestion   = "suggestion"   // 建议
)

// Decisions.
const (
	Granted = "granted" // 准予
	Denied  = "denied"  // 不予
)

// Channels a case can come in by (GB/T 39046 办理形式 and the plan's agents).
const (
	ChannelWeb    = "web"    // 网上申报
	ChannelWindow = "window" // 窗口
	ChannelAgent  = "agent"  // 代办
	ChannelHome   = "home"   // 上门办理: an agent clerk visits the applicant
	ChannelRelay  = "relay"  // 材料转递: an agent point forwards paper materials
)

// ChannelName returns a channel in words.
func ChannelName(c string) string {
	return map[string]string{ChannelWeb: "网上申报", ChannelWindow: "窗口受理", ChannelAgent: "村（社区）代办",
		ChannelHome: "上门办理", ChannelRelay: "材料转递", ChannelPhone: "12345热线"}[c]
}

// Material is one material handed in with a case.
type Material struct {
	Index  int    `json:"index"` // its row in the guide of the case's entry version
	Name   string `json:"name"`  // as the guide names it
	FileID string `json:"file"`  // uploaded file; "" when handed in on paper
	Note   string `json:"note,omitempty"`
	// License is the identifier of the e-license attached instead of an
	// upload (免提交).
	License string `json:"license,omitempty"`
	// Credibility is how far the material is proven: CredLicense (an
	// e-license), CredVerified (a clerk checked it against the original),
	// "" for an upload nobody has checked yet.
	Credibility string `json:"credibility,omitempty"`
	// From is the case a reused material was verified in (材料复用).
	From string `json:"from,omitempty"`
}

// Credibility levels of a material.
const (
	CredLicense  = "A" // an e-license, verified by its signature
	CredVerified = "B" // checked against the original by a clerk
)

// Correction is one item of a correction notice: it must point at a
// material or a condition of the entry version the case was filed under.
type Correction struct {
	Material  int    `json:"material"`  // index into the guide's materials, or -1
	Condition int    `json:"condition"` // index into the guide's conditions, or -1
	What      string `json:"what"`      // the guide's words for it (filled in by the engine)
	Reason    string `json:"reason"`    // what is missing or wrong
}

// Case is one application.
type Case struct {
	ID          string
	No          string // 办件编号: 实施编码 + yyyymmdd + 4-digit serial
	EntryID     string // the catalog version the case was filed under
	EntryCode   string
	ItemName    string
	OrgID       string // the implementing org
	ApplicantID string // the account that applies (or for whom an agent applies)
	Applicant   string // name shown on documents
	Mobile      string // encrypted at rest
	IDCard      string // encrypted at rest
	Enterprise  string // enterprise ID when applying for one
	Channel     string
	FiledBy     string // staff account for window and agent cases
	FiledAt     string // org where it was filed (window, agent point)
	State       string
	Decision    string
	Materials   []Material
	Corrections []Correction // the open correction notice, if any
	Form        map[string]string
	SubmittedAt time.Time
	// WaitingSince is when the case last came in for pre-review (its
	// resubmission after corrections); the five days of Art. 32 count from it.
	WaitingSince time.Time
	AcceptedAt   time.Time
	Deadline     string // last working day, "2006-01-02", once accepted
	// Due is the next date the org must act by: the fifth working day of
	// pre-review, the deadline, the last day to hand over the result, or
	// "9999-12-31" while paused or closed. The inbox is ordered by it.
	Due       string
	DecidedAt time.Time
	Delivery  *Delivery // once the result is handed over
	// Stage is where the case is in its Plan once accepted; Tasks are the
	// orgs' pieces of work on it, done and open.
	Stage int
	Tasks []Task
	// Results are the documents the case produced: the decision document
	// attached to the decision, certificates made at 制证.
	Results []Material
	// Fees are what the org charged, recorded with the decision (收费);
	// none when it charged nothing.
	Fees []Fee
	// Bundle is the ID shared by the cases of one 一件事 application, and
	// BundleName its name; "" for a single item.
	Bundle     string
	BundleName string
	// Simulated marks a supervisor's test application (模拟办事): the org
	// works it like any other, but it counts in no figure.
	Simulated bool
	// Kind is "" for an application for a service; KindComplaint,
	// KindConsultation or KindSuggestion for the people's letters the
	// same engine works (投诉、咨询、建议), which the service figures leave out.
	Kind    string
	Version int64
	// Joint is set in inbox lists only: another org's case on which the
	// listing org holds a task (会办); Due is then that task's due date.
	Joint bool
	// Issued and Verified are not part of the case: a change carries them
	// for the store to save in its transaction — the e-license a decision
	// issues, the materials a clerk verified for reuse.
	Issued   []*license.Issuing
	Verified []Reusable
}

// Reusable is a material a clerk verified, kept for the holder's later
// cases (材料复用).
type Reusable struct {
	Holder     string // "idcard:<number>" or "enterprise:<id>"
	Name       string // the material's name in the guide
	FileID     string
	CaseID     string
	VerifiedBy string
	VerifiedAt time.Time
}

// HolderKey names whom a case's materials belong to, for reuse.
func (c Case) HolderKey() string {
	if c.Enterprise != "" {
		return "enterprise:" + c.Enterprise
	}
	if c.IDCard != "" {
		return "idcard:" + c.IDCard
	}
	return ""
}

// Event is one entry of a case's timeline. Stored: never change a kind.
type Event struct {
	ID        string
	CaseID    string
	Seq       int
	At        time.Time
	ActorID   string
	ActorName string
	Kind      string // submit, correct_notice, resubmit, accept, refuse, decide, withdraw
	From, To  string // states
	Note      string
	Channel   string
}

// Store is what casework needs from storage. Each change stores the case,
// its new event and the audit entry in one transaction, and refuses it when
// the case's version moved (ECONFLICT).
type Store interface {
	// CreateCase numbers and stores a new case; msg (when not nil) is the
	// applicant's notice, queued in the same transaction.
	CreateCase(ctx context.Context, c Case, ev Event, day string, e audit.Entry, msg *notify.Message) (Case, error)
	UpdateCase(ctx context.Context, c Case, ev Event, e audit.Entry, msg *notify.Message) error
	Case(ctx context.Context, id string) (Case, error)
	CaseByNo(ctx context.Context, no string) (Case, error)
	// TrackCase returns what the public tracker shows of the case numbered
	// no; ENOTFOUND when there is none.
	TrackCase(ctx context.Context, no string) (Tracked, error)
	// TrackEvents returns a case's timeline as the public tracker shows
	// it, oldest first: when, what and the note, naming nobody.
	TrackEvents(ctx context.Context, caseID string) ([]Event, error)
	Events(ctx context.Context, caseID string) ([]Event, error)
	CasesOf(ctx context.Context, applicantID string) ([]Case, error)
	// CasesFor lists a page of the cases some orgs must work in some
	// states, most urgent first: their own, and other orgs' cases on which
	// one of them holds an open task (会办), without tasks; q (when set)
	// matches the case number, the item name or the applicant.
	CasesFor(ctx context.Context, orgIDs []string, states []string, q string, limit, offset int) ([]Case, error)
	// OpenTasksFor lists the open tasks of some orgs for some roles, the
	// earliest due first.
	OpenTasksFor(ctx context.Context, orgIDs, roles []string, limit, offset int) ([]TaskItem, error)
}
