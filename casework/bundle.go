package casework

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/notify"
)

// Bundle is a 一件事: items a person needs together for one thing in life
// (开办餐饮店, 新生儿出生), applied for with one form and one set of
// materials. Each item still becomes its own case at its own org, so every
// department works and answers for its part, and the applicant follows them
// as one application.
type Bundle struct {
	Code    string   // ASCII, e.g. "open-restaurant"
	Name    string   // 开办餐饮店
	Summary string   // what it covers, for the portal
	Members []string // implementation codes of the items, in order
}

// BundleStore keeps the bundles.
type BundleStore interface {
	Bundles(ctx context.Context) ([]Bundle, error)
	Bundle(ctx context.Context, code string) (Bundle, error)
	// CreateCases numbers and stores several new cases in one transaction:
	// all of them or none.
	CreateCases(ctx context.Context, cs []NewCase) ([]Case, error)
	SaveBundle(ctx context.Context, b Bundle, sort int, at time.Time, e audit.Entry) error
}

// NewCase is one case to create with what goes with it.
type NewCase struct {
	Case  Case
	Event Event
	Day   string
	Audit audit.Entry
	Msg   *notify.Message // the applicant's notice, if any
}

// BundleForm is a bundle's one form and one set of materials: the members'
// fields merged by key, their materials merged by name.
type BundleForm struct {
	Bundle    Bundle
	Entries   []catalog.Entry    // the published members
	Fields    []catalog.Field    // merged
	Materials []catalog.Material // merged
	// Index[i][j] is where member i's material j is in Materials.
	Index [][]int
}

// FormOf builds the merged form of a bundle from its members' published
// versions.
func (s *Service) FormOf(ctx context.Context, b Bundle) (BundleForm, error) {
	f := BundleForm{Bundle: b}
	keys, names := map[string]bool{}, map[string]int{}
	for _, code := range b.Members {
		en, err := s.Catalog.Published(ctx, code)
		if err != nil {
			return BundleForm{}, fmt.Errorf("一件事“%s”的事项 %s：%w", b.Name, code, err)
		}
		f.Entries = append(f.Entries, en)
		for _, fd := range en.Guide.Fields {
			if !keys[fd.Key] {
				keys[fd.Key] = true
				f.Fields = append(f.Fields, fd)
			}
		}
		idx := make([]int, len(en.Guide.Materials))
		for j, m := range en.Guide.Materials {
			k, ok := names[m.Name]
			if !ok {
				k = len(f.Materials)
				names[m.Name] = k
				f.Materials = append(f.Materials, m)
			} else if m.Required && m.Source == "applicant" {
				f.Materials[k].Required = true // needed by one member: needed
			}
			idx[j] = k
		}
		f.Index = append(f.Index, idx)
	}
	// A licence another member produces (营业执照 for 食品经营许可) cannot
	// be fetched yet: it comes from this application itself.
	for k, m := range f.Materials {
		if by := f.producer(m); by != "" {
			f.Materials[k].Note = "将由本次一并申请的“" + by + "”办结后取得，无需提交"
		}
	}
	return f, nil
}

// producer names the member whose result is the licence material m stands
// for, or "".
func (f BundleForm) producer(m catalog.Material) string {
	if m.Source != "license" || m.License == "" {
		return ""
	}
	for _, en := range f.Entries {
		if en.Guide.ResultName == m.License {
			return en.Base.Name
		}
	}
	return ""
}

// SubmitBundle files one case per member of the bundle from one form and
// one set of materials (files by their index in the merged list). Every
// member is checked before any is stored, and all are stored in one
// transaction: the applicant gets all the cases or none.
func (s *Service) SubmitBundle(ctx context.Context, actor yiwang.Actor, who Applicant, code string, app Application) ([]Case, error) {
	if actor.Anonymous() {
		return nil, yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录后再申报")
	}
	bs, ok := s.Store.(BundleStore)
	if !ok {
		return nil, yiwang.Errorf(yiwang.EFORBIDDEN, "暂不支持一件事申报")
	}
	b, err := bs.Bundle(ctx, code)
	if err != nil {
		return nil, err
	}
	f, err := s.FormOf(ctx, b)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(app.Note) > 500 {
		return nil, yiwang.Invalid(map[string]string{"note": "补充说明不能超过500个字"})
	}
	files := map[int]Material{}
	for _, m := range app.Materials {
		if m.Index < 0 || m.Index >= len(f.Materials) {
			return nil, yiwang.Invalid(map[string]string{"materials": "提交了办事指南中没有的材料"})
		}
		files[m.Index] = m
	}
	bad := map[string]string{}
	now := s.Clock.Now()
	day := calendar.DateOf(now)
	bundleID := yiwang.NewID()
	var out []NewCase
	for i, en := range f.Entries {
		if !en.Online() {
			return nil, yiwang.Errorf(yiwang.EFORBIDDEN, "“%s”暂不支持网上申报，请到办理地点办理", en.Base.Name)
		}
		if err := servesApplicant(en.Base.Objects, who.Enterprise != ""); err != nil {
			return nil, err
		}
		values, fbad := formValues(en.Guide.Fields, app.Fields, who)
		var given []Material
		for j, k := range f.Index[i] {
			if m, ok := files[k]; ok {
				given = append(given, Material{Index: j, FileID: m.FileID})
			}
		}
		auto, err := s.Attachable(ctx, en, who)
		if err != nil {
			return nil, err
		}
		for j, gm := range en.Guide.Materials {
			if a := auto[j]; a.License == "" {
				if by := f.producer(gm); by != "" {
					auto[j] = Material{Index: j, Name: gm.Name, Note: "由本次一件事中“" + by + "”的办理结果取得"}
				}
			}
		}
		mats, mbad := checkMaterials(en, given, values, auto)
		for k, v := range fbad {
			bad[k] = v
		}
		for k, v := range mbad { // m<j> of the member → m<k> of the merged list
			var j int
			if _, err := fmt.Sscanf(k, "m%d", &j); err == nil && j < len(f.Index[i]) {
				k = fmt.Sprintf("m%d", f.Index[i][j])
			}
			bad[k] = v
		}
		c := Case{ID: yiwang.NewID(), EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID,
			ApplicantID: who.AccountID, Applicant: who.Name, Mobile: who.Mobile, IDCard: who.IDCard,
			Enterprise: who.Enterprise, Channel: ChannelWeb, State: StateSubmitted, Materials: mats,
			Form: withNote(values, app.Note), SubmittedAt: now, Version: 1, Bundle: bundleID, BundleName: b.Name}
		c.Due = s.due(c)
		out = append(out, NewCase{Case: c, Day: fmt.Sprintf("%04d%02d%02d", day.Year, day.Month, day.Day),
			Event: Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: 1, At: now, ActorID: actor.AccountID, ActorName: actor.Name,
				Kind: "submit", To: StateSubmitted, Channel: ChannelWeb, Note: "“" + b.Name + "”一件事：" + submitNote(mats)},
			Audit: audit.New(actor, now, "case.submit", "case:"+c.ID, audit.ResultOK, b.Name+"："+en.Base.Name)})
	}
	if err := yiwang.Invalid(bad); err != nil {
		return nil, err
	}
	// One notice for the whole application.
	out[0].Msg = s.notice(out[0].Case, fmt.Sprintf("已收到您的“%s”一件事申请（共 %d 项），正在预审", b.Name, len(out)))
	if out[0].Msg != nil {
		out[0].Msg.Body = strings.Replace(out[0].Msg.Body, "您申请的“"+out[0].Case.ItemName+"”：", "", 1)
	}
	cs, err := bs.CreateCases(ctx, out)
	if err != nil {
		return nil, err
	}
	return cs, nil
}

// Bundles lists the bundles people can apply for.
func (s *Service) Bundles(ctx context.Context) ([]Bundle, error) {
	bs, ok := s.Store.(BundleStore)
	if !ok {
		return nil, nil
	}
	return bs.Bundles(ctx)
}

// BundleOf returns one bundle.
func (s *Service) BundleOf(ctx context.Context, code string) (Bundle, error) {
	bs, ok := s.Store.(BundleStore)
	if !ok {
		return Bundle{}, yiwang.Errorf(yiwang.ENOTFOUND, "没有这件事")
	}
	return bs.Bundle(ctx, strings.TrimSpace(code))
}

var bundleCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// SaveBundle creates or replaces a bundle. The district's catalog
// maintainers keep them, since a bundle crosses departments; every member
// must be a published item, named once.
func (s *Service) SaveBundle(ctx context.Context, actor yiwang.Actor, b Bundle, sort int) (Bundle, error) {
	bs, ok := s.Store.(BundleStore)
	if !ok {
		return Bundle{}, yiwang.Errorf(yiwang.EFORBIDDEN, "暂不支持一件事")
	}
	if !actor.Has(yiwang.RoleCatalogMaintainer) || actor.OrgID == "" {
		return Bundle{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有区级事项维护员可以维护一件事")
	}
	o, err := s.Orgs.Get(ctx, actor.OrgID)
	if err != nil {
		return Bundle{}, err
	}
	if o.ParentID != "" {
		return Bundle{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有区级事项维护员可以维护一件事（一件事涉及多个部门）")
	}
	b.Code, b.Name, b.Summary = strings.TrimSpace(b.Code), strings.TrimSpace(b.Name), strings.TrimSpace(b.Summary)
	bad := map[string]string{}
	if !bundleCode.MatchString(b.Code) {
		bad["code"] = "代码为2至40位小写字母、数字或连字符，例如 open-restaurant"
	}
	if n := utf8.RuneCountInString(b.Name); n < 2 || n > 30 {
		bad["name"] = "请填写名称（2至30字），例如：开办餐饮店"
	}
	if n := utf8.RuneCountInString(b.Summary); n < 4 || n > 200 {
		bad["summary"] = "请用4至200字说明这件事包括哪些事项"
	}
	if len(b.Members) < 2 || len(b.Members) > 10 {
		bad["members"] = "一件事应包括2至10个事项"
	}
	seen := map[string]bool{}
	for i, code := range b.Members {
		code = strings.TrimSpace(code)
		b.Members[i] = code
		switch en, err := s.Catalog.Published(ctx, code); {
		case seen[code]:
			bad[fmt.Sprintf("members[%d]", i)] = "事项 " + code + " 重复"
		case yiwang.ErrorCode(err) == yiwang.ENOTFOUND:
			bad[fmt.Sprintf("members[%d]", i)] = "没有实施编码为 " + code + " 的已发布事项"
		case err != nil:
			return Bundle{}, err
		case !en.Online():
			bad[fmt.Sprintf("members[%d]", i)] = "“" + en.Base.Name + "”不能网上申报，不能放进一件事"
		}
		seen[code] = true
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Bundle{}, err
	}
	now := s.Clock.Now()
	e := audit.New(actor, now, "bundle.save", "bundle:"+b.Code, audit.ResultOK, b.Name)
	return b, bs.SaveBundle(ctx, b, sort, now, e)
}
