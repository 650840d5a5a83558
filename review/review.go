// Package review is 好差评: applicants rate each decided case (一事一评) on
// the national dimensions; a bad review opens a rectification for the org
// that handled it (revisit within a working day, rectify and reply within
// fifteen), overdue ones escalate, and an org may appeal a review it holds
// malicious or mistaken, which a supervisor decides with reasons. The
// figures are public.
package review

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/notify"
)

// Levels of satisfaction (GB/T 39046 A.8). Stored: never change a value.
const (
	VerySatisfied   = 1 // 非常满意
	Satisfied       = 2 // 满意
	Basic           = 3 // 基本满意
	Unsatisfied     = 4 // 不满意
	VeryUnsatisfied = 5 // 非常不满意
)

var levelNames = map[int]string{VerySatisfied: "非常满意", Satisfied: "满意", Basic: "基本满意",
	Unsatisfied: "不满意", VeryUnsatisfied: "非常不满意"}

// LevelName returns a level in words.
func LevelName(l int) string { return levelNames[l] }

// Levels lists the levels from best to worst, for forms.
var Levels = []int{VerySatisfied, Satisfied, Basic, Unsatisfied, VeryUnsatisfied}

// Bad reports whether a level is a bad review (差评).
func Bad(level int) bool { return level >= Unsatisfied }

// Dimension is one thing rated.
type Dimension struct{ Key, Name string }

// Dimensions of an online case (一事一评) and of a window visit (一次一评),
// as the national 好差评 system names them; overall comes first.
var (
	OnlineDimensions = []Dimension{{"overall", "整体满意度"}, {"efficiency", "办事效率"}, {"guide", "办事指南精确度"},
		{"convenience", "办事便捷度"}, {"usability", "平台操作性"}}
	WindowDimensions = []Dimension{{"overall", "整体满意度"}, {"efficiency", "服务效率"}, {"level", "服务水平"},
		{"attitude", "服务态度"}}
)

// Channels a review comes in by (GB/T 39046 评价渠道). Stored: never change.
var Channels = []Dimension{{"1", "PC端"}, {"2", "移动服务端"}, {"3", "二维码"}, {"4", "政务大厅平板电脑"},
	{"5", "政务大厅其他终端"}, {"6", "电话"}, {"7", "短信"}}

// ChannelName returns a channel in words.
func ChannelName(c string) string {
	for _, d := range Channels {
		if d.Key == c {
			return d.Name
		}
	}
	return ""
}

// Review is one rating of a case.
type Review struct {
	ID         string
	CaseID     string
	CaseNo     string
	OrgID      string // the org that handled the case
	EntryCode  string
	ItemName   string
	ReviewerID string
	Window     bool // rated on the window dimensions
	// Visit marks the review of a window or agent visit (一次一评), given
	// on the spot through the QR code; OrgID is then the org of the counter.
	Visit     bool
	Channel   string
	Scores    map[string]int // dimension key → level
	Text      string
	FollowUp  bool // 追评: the one follow-up to an earlier review
	CreatedAt time.Time
	// Excluded is set when a supervisor upheld an appeal: the review stays
	// visible but counts in no figure.
	Excluded bool
}

// Overall is the review's overall level.
func (r Review) Overall() int { return r.Scores["overall"] }

// Rectification states. Stored: never change a value.
const (
	RectOpen      = "open"      // waiting for the revisit
	RectRevisited = "revisited" // the org called the applicant back
	RectReplied   = "replied"   // rectified and replied: closed
)

var rectNames = map[string]string{RectOpen: "待回访", RectRevisited: "已回访，整改中", RectReplied: "已整改答复"}

// RectName returns a rectification state in words.
func RectName(s string) string { return rectNames[s] }

// Rectification is the work a bad review opens for the org.
type Rectification struct {
	ID          string
	ReviewID    string
	OrgID       string
	State       string
	RevisitDue  string // YYYY-MM-DD: one working day
	ReplyDue    string // YYYY-MM-DD: fifteen working days
	RevisitedAt time.Time
	RevisitNote string
	RepliedAt   time.Time
	Reply       string
	EscalatedAt time.Time // when it was found overdue and raised to supervisors
	Rev         int64
}

// Appeal states. Stored: never change a value.
const (
	AppealPending  = "pending"
	AppealUpheld   = "upheld"   // the review is excluded from the figures
	AppealRejected = "rejected" // the review counts
)

// Appeal is an org's request to exclude a review it holds malicious or
// mistaken (申诉), decided by a supervisor with reasons.
type Appeal struct {
	ID        string
	ReviewID  string
	OrgID     string
	By        string // staff name
	Reason    string
	At        time.Time
	State     string
	DecidedBy string
	DecidedAt time.Time
	Decision  string // the supervisor's reasons
	Rev       int64
}

// Figures are the public counts of a group (an item, an org).
type Figures struct {
	Key       string // entry code or org ID
	Name      string
	Reviews   int
	Good      int // levels 1–3
	BadCount  int // levels 4–5
	Rectified int // bad reviews whose rectification is replied
}

// GoodRate is the share of good reviews (0 when none).
func (f Figures) GoodRate() float64 { return rate(f.Good, f.Reviews) }

// BadRate is the share of bad reviews.
func (f Figures) BadRate() float64 { return rate(f.BadCount, f.Reviews) }

// RectifyRate is the share of bad reviews rectified and replied to.
func (f Figures) RectifyRate() float64 { return rate(f.Rectified, f.BadCount) }

func rate(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// Store is what review needs from storage; each change is one transaction
// with its audit entry (and message, when given).
type Store interface {
	// AddReview stores a review and, for a bad one, its rectification.
	AddReview(ctx context.Context, r Review, rect *Rectification, e audit.Entry) error
	ReviewsOfCase(ctx context.Context, caseID string) ([]Review, error)
	Review(ctx context.Context, id string) (Review, error)
	// Rectifications lists the rectifications of some orgs (all when nil),
	// open ones first by due date.
	Rectifications(ctx context.Context, orgIDs []string, limit int) ([]Rectification, error)
	Rectification(ctx context.Context, id string) (Rectification, error)
	// UpdateRectification stores x at its Rev (ECONFLICT otherwise).
	UpdateRectification(ctx context.Context, x Rectification, e audit.Entry, msg *notify.Message) error
	// OverdueRectifications lists unescalated ones whose revisit or reply
	// due date is before day.
	OverdueRectifications(ctx context.Context, day string) ([]Rectification, error)
	AddAppeal(ctx context.Context, a Appeal, e audit.Entry) error
	Appeals(ctx context.Context, state string, limit int) ([]Appeal, error)
	Appeal(ctx context.Context, id string) (Appeal, error)
	// DecideAppeal stores the decision and, when upheld, excludes the review.
	DecideAppeal(ctx context.Context, a Appeal, e audit.Entry) error
	// Figures counts the non-excluded reviews by item ("item") or by org
	// ("org"), most reviews first.
	Figures(ctx context.Context, by string) ([]Figures, error)
	// RecentReviews lists the newest reviews for the public column.
	RecentReviews(ctx context.Context, limit int) ([]Review, error)
}
