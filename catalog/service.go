package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
)

// OrgLookup finds orgs; org.Service satisfies it.
type OrgLookup interface {
	Tree(ctx context.Context) ([]org.Org, error)
	Get(ctx context.Context, id string) (org.Org, error)
}

// Service runs the catalog: drafting, review, publication, search.
type Service struct {
	Store Store
	Orgs  OrgLookup
	Clock yiwang.Clock

	mu      sync.Mutex
	index   *index     // published entries, rebuilt when the generation changes
	entries entryCache // published versions read, while the generation stays (entry_cache.go)
}

// may reports whether actor holds role in an org at or above orgID: a
// department's maintainer maintains the department's entries, a maintainer
// at the district maintains every entry below it.
func (s *Service) may(ctx context.Context, actor yiwang.Actor, role yiwang.Role, orgID string) (bool, error) {
	if !actor.Has(role) || actor.OrgID == "" {
		return false, nil
	}
	all, err := s.Orgs.Tree(ctx)
	if err != nil {
		return false, err
	}
	return org.Descendants(all, actor.OrgID)[orgID], nil
}

func (s *Service) require(ctx context.Context, actor yiwang.Actor, role yiwang.Role, orgID, what string) error {
	ok, err := s.may(ctx, actor, role, orgID)
	if err != nil {
		return err
	}
	if !ok {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有本单位的%s可以%s", role.Name(), what)
	}
	return nil
}

// mayKeepBases reports whether actor maintains base items: a catalog
// maintainer at the top of the tree (the district itself), since base
// elements are the same for every org that delivers the item.
func (s *Service) mayKeepBases(ctx context.Context, actor yiwang.Actor) (bool, error) {
	if !actor.Has(yiwang.RoleCatalogMaintainer) || actor.OrgID == "" {
		return false, nil
	}
	all, err := s.Orgs.Tree(ctx)
	if err != nil {
		return false, err
	}
	for _, o := range all {
		if o.ID == actor.OrgID {
			return o.ParentID == "", nil
		}
	}
	return false, nil
}

// SaveBase creates or updates a base item (matched by code). Base elements
// are the same at every level, so only a maintainer at the district may.
func (s *Service) SaveBase(ctx context.Context, actor yiwang.Actor, b Base) (Base, error) {
	if ok, err := s.mayKeepBases(ctx, actor); err != nil {
		return Base{}, err
	} else if !ok {
		return Base{}, yiwang.Errorf(yiwang.EFORBIDDEN, "基本目录由区级事项目录管理员维护；部门只能编制实施清单")
	}
	if err := ValidateBase(&b); err != nil {
		return Base{}, err
	}
	now := s.Clock.Now()
	old, err := s.Store.BaseByCode(ctx, b.Code)
	switch {
	case err == nil:
		b.ID = old.ID
		e := audit.New(actor, now, "catalog.base_update", "base:"+b.Code, audit.ResultOK, b.Name)
		return b, s.Store.UpdateBase(ctx, b, e)
	case yiwang.ErrorCode(err) == yiwang.ENOTFOUND:
		b.ID = yiwang.NewID()
		e := audit.New(actor, now, "catalog.base_create", "base:"+b.Code, audit.ResultOK, b.Name)
		return b, s.Store.CreateBase(ctx, b, e)
	}
	return Base{}, err
}

// Draft stores a new draft version of the entry for base code en.Base.Code at
// en.OrgID. The base elements are taken from the base item, never from en:
// an implementation entry cannot change them. The version number follows the
// newest existing version; there is at most one open draft per code.
func (s *Service) Draft(ctx context.Context, actor yiwang.Actor, en Entry) (Entry, error) {
	base, err := s.Store.BaseByCode(ctx, en.Base.Code)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Entry{}, yiwang.Invalid(map[string]string{"base_code": "基本目录中没有编码为“" + en.Base.Code + "”的事项"})
	}
	if err != nil {
		return Entry{}, err
	}
	if err := CheckInherited(en.Base, base); err != nil {
		return Entry{}, err
	}
	o, err := s.Orgs.Get(ctx, en.OrgID)
	if err != nil {
		return Entry{}, yiwang.Invalid(map[string]string{"org": "实施主体不存在"})
	}
	if err := s.require(ctx, actor, yiwang.RoleCatalogMaintainer, o.ID, "编制实施清单"); err != nil {
		return Entry{}, err
	}
	if o.CreditCode == "" {
		return Entry{}, yiwang.Invalid(map[string]string{"org": "实施主体“" + o.Name + "”没有统一社会信用代码，无法生成实施编码"})
	}
	en.Base = base
	if err := ValidateEntry(&en, int(o.Level)); err != nil {
		return Entry{}, err
	}
	if err := s.checkStepOrgs(ctx, en); err != nil {
		return Entry{}, err
	}
	en.Code = ImplementationCode(o.CreditCode, en.Level, base.Code)
	versions, err := s.Store.EntryVersions(ctx, en.Code)
	if err != nil {
		return Entry{}, err
	}
	en.Version = 1
	for _, v := range versions {
		if v.Status == StatusDraft || v.Status == StatusSubmitted {
			return Entry{}, yiwang.Errorf(yiwang.ECONFLICT, "该事项已有未发布的新版本（第%d版，%s），请在其上修改", v.Version, StatusName(v.Status))
		}
		en.Version = max(en.Version, v.Version+1)
	}
	now := s.Clock.Now()
	en.ID, en.Status, en.CreatedBy, en.CreatedAt = yiwang.NewID(), StatusDraft, actor.AccountID, now
	en.SubmittedBy, en.ApprovedBy = "", ""
	en.SubmittedAt, en.PublishedAt, en.RetiredAt = zeroTime, zeroTime, zeroTime
	e := audit.New(actor, now, "catalog.draft", "entry:"+en.Code, audit.ResultOK, fmt.Sprintf("%s 第%d版草稿", base.Name, en.Version))
	if err := s.Store.CreateEntry(ctx, en, e); err != nil {
		return Entry{}, fmt.Errorf("draft %s: %w", en.Code, err)
	}
	return en, nil
}

// CheckInherited refuses an entry that tries to change its base elements.
// Empty fields mean "inherit".
func CheckInherited(given, base Base) error {
	p := problems{}
	if given.Name != "" && given.Name != base.Name {
		p.add("name", "实施清单不能修改事项名称（基本目录为“%s”）", base.Name)
	}
	if given.Type != "" && given.Type != base.Type {
		p.add("type", "实施清单不能修改事项类型（基本目录为%s %s）", base.Type, Name(ItemTypes, base.Type))
	}
	if len(given.Basis) > 0 && !slices.Equal(given.Basis, base.Basis) {
		p.add("basis", "实施清单不能修改设定依据，设定依据以基本目录为准")
	}
	return yiwang.Invalid(p)
}

// UpdateDraft replaces the implementation elements of a draft version.
func (s *Service) UpdateDraft(ctx context.Context, actor yiwang.Actor, en Entry) (Entry, error) {
	old, err := s.Store.Entry(ctx, en.ID)
	if err != nil {
		return Entry{}, err
	}
	if old.Status != StatusDraft {
		return Entry{}, yiwang.Errorf(yiwang.ECONFLICT, "只有草稿可以修改；该版本%s", StatusName(old.Status))
	}
	if err := CheckInherited(en.Base, old.Base); err != nil {
		return Entry{}, err
	}
	if err := s.require(ctx, actor, yiwang.RoleCatalogMaintainer, old.OrgID, "修改实施清单"); err != nil {
		return Entry{}, err
	}
	o, err := s.Orgs.Get(ctx, old.OrgID)
	if err != nil {
		return Entry{}, err
	}
	en.Base, en.Code, en.Version, en.Status, en.OrgID = old.Base, old.Code, old.Version, old.Status, old.OrgID
	en.CreatedBy, en.CreatedAt, en.Level = old.CreatedBy, old.CreatedAt, old.Level
	if err := ValidateEntry(&en, int(o.Level)); err != nil {
		return Entry{}, err
	}
	if err := s.checkStepOrgs(ctx, en); err != nil {
		return Entry{}, err
	}
	e := audit.New(actor, s.Clock.Now(), "catalog.edit", "entry:"+en.Code, audit.ResultOK, fmt.Sprintf("%s 第%d版", en.Base.Name, en.Version))
	return en, s.Store.UpdateEntry(ctx, en, StatusDraft, e)
}

// Submit sends a draft to the department head for review.
func (s *Service) Submit(ctx context.Context, actor yiwang.Actor, id string) (Entry, error) {
	en, err := s.Store.Entry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if err := s.require(ctx, actor, yiwang.RoleCatalogMaintainer, en.OrgID, "提交审核"); err != nil {
		return Entry{}, err
	}
	if en.Status != StatusDraft {
		return Entry{}, yiwang.Errorf(yiwang.ECONFLICT, "只有草稿可以提交审核；该版本%s", StatusName(en.Status))
	}
	now := s.Clock.Now()
	en.Status, en.SubmittedBy, en.SubmittedAt, en.ReviewNote = StatusSubmitted, actor.AccountID, now, ""
	e := audit.New(actor, now, "catalog.submit", "entry:"+en.Code, audit.ResultOK, fmt.Sprintf("%s 第%d版提交审核", en.Base.Name, en.Version))
	return en, s.Store.UpdateEntry(ctx, en, StatusDraft, e)
}

// Reject sends a submitted version back to draft with the head's reason.
func (s *Service) Reject(ctx context.Context, actor yiwang.Actor, id, reason string) (Entry, error) {
	en, err := s.Store.Entry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if err := s.require(ctx, actor, yiwang.RoleDeptHead, en.OrgID, "审核实施清单"); err != nil {
		return Entry{}, err
	}
	if en.Status != StatusSubmitted {
		return Entry{}, yiwang.Errorf(yiwang.ECONFLICT, "只有待审核的版本可以退回")
	}
	if len([]rune(reason)) < 2 {
		return Entry{}, yiwang.Invalid(map[string]string{"reason": "请写明退回理由"})
	}
	en.Status, en.ReviewNote = StatusDraft, strings.TrimSpace(reason)
	e := audit.New(actor, s.Clock.Now(), "catalog.reject", "entry:"+en.Code, audit.ResultOK, fmt.Sprintf("第%d版退回修改：%s", en.Version, reason))
	return en, s.Store.UpdateEntry(ctx, en, StatusSubmitted, e)
}

// Approve publishes a submitted version: it appears on the portal at once
// and the previously published version is superseded (cases filed under it
// keep pointing to it). The approver must be a department head of the org,
// and not the person who submitted it.
func (s *Service) Approve(ctx context.Context, actor yiwang.Actor, id string) (Entry, error) {
	en, err := s.Store.Entry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if err := s.require(ctx, actor, yiwang.RoleDeptHead, en.OrgID, "审核发布实施清单"); err != nil {
		return Entry{}, err
	}
	if en.Status != StatusSubmitted {
		return Entry{}, yiwang.Errorf(yiwang.ECONFLICT, "只有待审核的版本可以发布；该版本%s", StatusName(en.Status))
	}
	if en.SubmittedBy == actor.AccountID {
		return Entry{}, yiwang.Errorf(yiwang.EFORBIDDEN, "提交人不能审核自己提交的版本")
	}
	o, err := s.Orgs.Get(ctx, en.OrgID)
	if err != nil {
		return Entry{}, err
	}
	now := s.Clock.Now()
	en.Status, en.ApprovedBy, en.PublishedAt, en.OrgName = StatusPublished, actor.AccountID, now, o.Name
	e := audit.New(actor, now, "catalog.publish", "entry:"+en.Code, audit.ResultOK, fmt.Sprintf("%s 第%d版发布", en.Base.Name, en.Version))
	if err := s.Store.PublishEntry(ctx, en, e); err != nil {
		return Entry{}, fmt.Errorf("publish %s: %w", en.Code, err)
	}
	return en, nil
}

// Retire withdraws a published version from service.
func (s *Service) Retire(ctx context.Context, actor yiwang.Actor, id string) (Entry, error) {
	en, err := s.Store.Entry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if err := s.require(ctx, actor, yiwang.RoleDeptHead, en.OrgID, "停用事项"); err != nil {
		return Entry{}, err
	}
	if en.Status != StatusPublished {
		return Entry{}, yiwang.Errorf(yiwang.ECONFLICT, "只有已发布的版本可以停用")
	}
	now := s.Clock.Now()
	en.Status, en.RetiredAt = StatusRetired, now
	e := audit.New(actor, now, "catalog.retire", "entry:"+en.Code, audit.ResultOK, fmt.Sprintf("%s 第%d版停用", en.Base.Name, en.Version))
	return en, s.Store.RetireEntry(ctx, en, e)
}

// Version returns one version to the catalog staff of its org (or an org
// above it): drafts are not public.
func (s *Service) Version(ctx context.Context, actor yiwang.Actor, id string) (Entry, error) {
	en, err := s.Store.Entry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	for _, r := range []yiwang.Role{yiwang.RoleCatalogMaintainer, yiwang.RoleDeptHead} {
		if ok, err := s.may(ctx, actor, r, en.OrgID); err != nil {
			return Entry{}, err
		} else if ok {
			return en, nil
		}
	}
	return Entry{}, yiwang.Errorf(yiwang.ENOTFOUND, "事项版本不存在")
}

// Get returns one version by ID.
func (s *Service) Get(ctx context.Context, id string) (Entry, error) {
	gen, ok := s.generation(ctx)
	if ok {
		if en, hit := s.cached(gen, id, false); hit {
			return en, nil
		}
	}
	en, err := s.Store.Entry(ctx, id)
	if err == nil && ok {
		s.remember(gen, en)
	}
	return en, err
}

// Versions returns every version of an implementation code, newest first.
func (s *Service) Versions(ctx context.Context, code string) ([]Entry, error) {
	vs, err := s.Store.EntryVersions(ctx, code)
	if err == nil && len(vs) == 0 {
		return nil, yiwang.Errorf(yiwang.ENOTFOUND, "事项不存在")
	}
	return vs, err
}

// Published returns the published version of an implementation code.
func (s *Service) Published(ctx context.Context, code string) (Entry, error) {
	gen, ok := s.generation(ctx)
	if ok {
		if en, hit := s.cached(gen, code, true); hit {
			return en, nil
		}
	}
	vs, err := s.Versions(ctx, code)
	if err != nil {
		return Entry{}, err
	}
	for _, v := range vs {
		if v.Status == StatusPublished {
			if ok {
				s.remember(gen, v)
			}
			return v, nil
		}
	}
	return Entry{}, yiwang.Errorf(yiwang.ENOTFOUND, "该事项当前没有发布的版本")
}

// SetMaterialFile attaches a stored file to material i of a draft as its
// blank form (kind "blank") or filled-in sample (kind "sample"); an empty
// fileID removes it. With check it only checks that actor may, and writes
// nothing.
func (s *Service) SetMaterialFile(ctx context.Context, actor yiwang.Actor, id string, i int, kind, fileID string, check bool) (Entry, error) {
	en, err := s.Store.Entry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if err := s.require(ctx, actor, yiwang.RoleCatalogMaintainer, en.OrgID, "上传空白表格和示例样表"); err != nil {
		return Entry{}, err
	}
	if en.Status != StatusDraft {
		return Entry{}, yiwang.Errorf(yiwang.ECONFLICT, "只有草稿可以修改；请先创建新版本")
	}
	if i < 0 || i >= len(en.Guide.Materials) {
		return Entry{}, yiwang.Invalid(map[string]string{"material": "没有这项材料"})
	}
	switch kind {
	case "blank":
		en.Guide.Materials[i].BlankForm = fileID
	case "sample":
		en.Guide.Materials[i].Sample = fileID
	default:
		return Entry{}, yiwang.Invalid(map[string]string{"kind": "文件用途只能是空白表格或示例样表"})
	}
	if check {
		return en, nil
	}
	e := audit.New(actor, s.Clock.Now(), "catalog.edit", "entry:"+en.Code, audit.ResultOK,
		fmt.Sprintf("%s 第%d版：材料“%s”的%s", en.Base.Name, en.Version, en.Guide.Materials[i].Name,
			map[string]string{"blank": "空白表格", "sample": "示例样表"}[kind]))
	return en, s.Store.UpdateEntry(ctx, en, StatusDraft, e)
}
