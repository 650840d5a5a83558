// Package publicinfo is the portal's public information (政务公开, R9): laws
// and policy documents, announcements, policy interpretations, FAQs,
// complaint channels and intermediary service lists, published by the
// departments and shown the same on the portal as in the hall.
package publicinfo

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
)

// Kinds of article. Stored: never change a value.
var Kinds = []struct{ Value, Name string }{
	{"policy", "政策文件"}, {"announcement", "通知公告"}, {"interpretation", "政策解读"},
	{"faq", "常见问题"}, {"channel", "投诉渠道"}, {"intermediary", "中介服务"},
}

// KindName returns a kind's Chinese name, "" when unknown.
func KindName(k string) string {
	for _, x := range Kinds {
		if x.Value == k {
			return x.Name
		}
	}
	return ""
}

// Statuses.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusWithdrawn = "withdrawn"
)

// Article is one piece of public information.
type Article struct {
	ID          string
	Kind        string
	Title       string
	Body        string // plain text; blank lines separate paragraphs
	DocNumber   string // 文号, e.g. 雨政〔2017〕61号
	OrgID       string
	OrgName     string // for display
	Status      string
	CreatedBy   string
	CreatedAt   time.Time
	PublishedAt time.Time
	UpdatedAt   time.Time
}

// Paragraphs splits the body for display.
func (a Article) Paragraphs() []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(a.Body, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Store is what public information needs from storage.
type Store interface {
	SaveArticle(ctx context.Context, a Article, e audit.Entry) error
	Article(ctx context.Context, id string) (Article, error)
	ListArticles(ctx context.Context, kind, status string, limit int) ([]Article, error)
}

// OrgLookup finds orgs.
type OrgLookup interface {
	Tree(ctx context.Context) ([]org.Org, error)
}

// Service publishes articles.
type Service struct {
	Store Store
	Orgs  OrgLookup
	Clock yiwang.Clock
}

func (s *Service) mayEdit(ctx context.Context, actor yiwang.Actor, orgID string) error {
	if !actor.HasAny(yiwang.RoleCatalogMaintainer, yiwang.RoleDeptHead) || actor.OrgID == "" {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有事项维护员或部门负责人可以发布政务公开信息")
	}
	all, err := s.Orgs.Tree(ctx)
	if err != nil {
		return err
	}
	if !org.Descendants(all, actor.OrgID)[orgID] {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只能发布本单位的信息")
	}
	return nil
}

// Validate checks an article and returns EINVALID naming every bad field.
func Validate(a *Article) error {
	bad := map[string]string{}
	a.Title, a.Body, a.DocNumber = strings.TrimSpace(a.Title), strings.TrimSpace(a.Body), strings.TrimSpace(a.DocNumber)
	if KindName(a.Kind) == "" {
		bad["kind"] = "请选择信息类别"
	}
	if n := utf8.RuneCountInString(a.Title); n < 2 || n > 100 {
		bad["title"] = "标题应为2到100个字"
	}
	if n := utf8.RuneCountInString(a.Body); n < 2 || n > 50000 {
		bad["body"] = "正文应为2到50000个字"
	}
	if utf8.RuneCountInString(a.DocNumber) > 50 {
		bad["doc_number"] = "文号不能超过50个字"
	}
	return yiwang.Invalid(bad)
}

// Save creates (a.ID empty) or edits an article, as a draft or published
// at once when publish is true. Published articles show on the portal at once.
func (s *Service) Save(ctx context.Context, actor yiwang.Actor, a Article, publish bool) (Article, error) {
	now := s.Clock.Now()
	if a.ID != "" {
		old, err := s.Store.Article(ctx, a.ID)
		if err != nil {
			return Article{}, err
		}
		a.OrgID, a.CreatedBy, a.CreatedAt, a.PublishedAt, a.Status = old.OrgID, old.CreatedBy, old.CreatedAt, old.PublishedAt, old.Status
	} else {
		a.ID, a.OrgID, a.CreatedBy, a.CreatedAt, a.Status = yiwang.NewID(), actor.OrgID, actor.AccountID, now, StatusDraft
	}
	if err := s.mayEdit(ctx, actor, a.OrgID); err != nil {
		return Article{}, err
	}
	if err := Validate(&a); err != nil {
		return Article{}, err
	}
	if a.Status == StatusPublished && !publish {
		// Saving would change the public page at once without a decision to publish.
		return Article{}, yiwang.Errorf(yiwang.ECONFLICT, "该信息已发布：修改后请点“发布”更新，或先撤下再保存草稿")
	}
	action := "info.save"
	if publish {
		a.Status, action = StatusPublished, "info.publish"
		if a.PublishedAt.IsZero() {
			a.PublishedAt = now
		}
	}
	a.UpdatedAt = now
	e := audit.New(actor, now, action, "info:"+a.ID, audit.ResultOK, KindName(a.Kind)+"："+a.Title)
	if err := s.Store.SaveArticle(ctx, a, e); err != nil {
		return Article{}, fmt.Errorf("save article: %w", err)
	}
	return a, nil
}

// Withdraw takes a published article off the portal.
func (s *Service) Withdraw(ctx context.Context, actor yiwang.Actor, id string) error {
	a, err := s.Store.Article(ctx, id)
	if err != nil {
		return err
	}
	if err := s.mayEdit(ctx, actor, a.OrgID); err != nil {
		return err
	}
	if a.Status != StatusPublished {
		return yiwang.Errorf(yiwang.ECONFLICT, "只有已发布的信息可以撤下")
	}
	a.Status, a.UpdatedAt = StatusWithdrawn, s.Clock.Now()
	return s.Store.SaveArticle(ctx, a, audit.New(actor, a.UpdatedAt, "info.withdraw", "info:"+a.ID, audit.ResultOK, a.Title))
}

// Published returns published articles of a kind ("" for all), newest first.
func (s *Service) Published(ctx context.Context, kind string, limit int) ([]Article, error) {
	return s.Store.ListArticles(ctx, kind, StatusPublished, limit)
}

// Get returns an article; drafts and withdrawn ones only to their editors.
func (s *Service) Get(ctx context.Context, actor yiwang.Actor, id string) (Article, error) {
	a, err := s.Store.Article(ctx, id)
	if err != nil {
		return Article{}, err
	}
	if a.Status != StatusPublished && s.mayEdit(ctx, actor, a.OrgID) != nil {
		return Article{}, yiwang.Errorf(yiwang.ENOTFOUND, "信息不存在或已撤下")
	}
	return a, nil
}
