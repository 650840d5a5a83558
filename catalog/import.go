package catalog

import (
	"context"
	"fmt"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// ImportItem is one row of an import: the base elements and the entry of one
// implementing org (Entry.OrgID set).
type ImportItem struct {
	Base  Base
	Entry Entry
}

// ImportProblem is one thing wrong with item Item (an index into the import).
type ImportProblem struct {
	Item    int
	Field   string // as in ValidateBase / ValidateEntry, e.g. "materials[2].name"
	Message string
}

// ImportDrafts checks every item and, only if all are valid and check is
// false, stores the base items and a new draft version of every entry in one
// transaction. It returns how many drafts were (or would be) made, or the
// problems (and writes nothing). progress, when not nil, is told how many
// items have been checked, every 200 items and at the end.
func (s *Service) ImportDrafts(ctx context.Context, actor yiwang.Actor, items []ImportItem, check bool, progress func(done, total int)) (int, []ImportProblem, error) {
	if !actor.Has(yiwang.RoleCatalogMaintainer) {
		return 0, nil, yiwang.Errorf(yiwang.EFORBIDDEN, "只有事项维护员可以导入事项")
	}
	var problems []ImportProblem
	fail := func(i int, err error) {
		if f := yiwang.ErrorFields(err); len(f) > 0 {
			for k, v := range f {
				problems = append(problems, ImportProblem{i, k, v})
			}
			return
		}
		problems = append(problems, ImportProblem{i, "", yiwang.ErrorMessage(err)})
	}
	now := s.Clock.Now()
	seen := map[string]int{}
	baseSeen := map[string]Base{}
	var bases []Base
	var entries []Entry
	keepBases, err := s.mayKeepBases(ctx, actor)
	if err != nil {
		return 0, nil, err
	}
	for i, it := range items {
		if progress != nil && i > 0 && i%200 == 0 {
			progress(i, len(items))
		}
		// Every check runs, so one pass lists every problem of the row.
		b := it.Base
		err := ValidateBase(&b)
		baseOK := err == nil
		if err != nil {
			fail(i, err)
		}
		if baseOK {
			if prev, ok := baseSeen[b.Code]; ok && baseJSONEqual(prev, b) != nil {
				problems = append(problems, ImportProblem{i, "base_code", "同一基本编码在文件中出现了不同的基本要素（名称、类型、依据等须一致）"})
				baseOK = false
			}
		}
		if baseOK {
			if _, seenBefore := baseSeen[b.Code]; !seenBefore {
				old, err := s.Store.BaseByCode(ctx, b.Code)
				switch {
				case err == nil:
					if baseJSONEqual(old, b) != nil && !keepBases {
						problems = append(problems, ImportProblem{i, "name", "事项名称、类型、别名、设定依据、服务对象、主题与基本目录不一致：实施清单不能修改基本要素，请联系区级事项目录管理员"})
						baseOK = false
					}
					b.ID = old.ID
				case yiwang.ErrorCode(err) == yiwang.ENOTFOUND:
					if !keepBases {
						problems = append(problems, ImportProblem{i, "base_code", "基本目录中没有编码为“" + b.Code + "”的事项；新增基本目录事项请联系区级事项目录管理员"})
						baseOK = false
					}
					b.ID = yiwang.NewID()
				default:
					return 0, nil, err
				}
				if baseOK {
					baseSeen[b.Code] = b
					bases = append(bases, b)
				}
			}
		}
		o, err := s.Orgs.Get(ctx, it.Entry.OrgID)
		if err != nil {
			problems = append(problems, ImportProblem{i, "org", "实施主体不存在"})
			continue
		}
		allowed := true
		if ok, err := s.may(ctx, actor, yiwang.RoleCatalogMaintainer, o.ID); err != nil {
			return 0, nil, err
		} else if !ok {
			problems = append(problems, ImportProblem{i, "org", "您不能维护“" + o.Name + "”的事项"})
			allowed = false
		}
		if o.CreditCode == "" {
			problems = append(problems, ImportProblem{i, "org", "实施主体“" + o.Name + "”没有统一社会信用代码"})
			allowed = false
		}
		en := it.Entry
		en.Base = b
		if err := ValidateEntry(&en, int(o.Level)); err != nil {
			fail(i, err)
			continue
		}
		if err := s.checkStepOrgs(ctx, en); err != nil {
			fail(i, err)
			continue
		}
		if !allowed || !baseOK {
			continue
		}
		en.Code = ImplementationCode(o.CreditCode, en.Level, b.Code)
		if j, dup := seen[en.Code]; dup {
			problems = append(problems, ImportProblem{i, "base_code", fmt.Sprintf("与第%d条重复：同一实施主体的同一事项只能出现一次", j+1)})
			continue
		}
		seen[en.Code] = i
		versions, err := s.Store.EntryVersions(ctx, en.Code)
		if err != nil {
			return 0, nil, err
		}
		en.Version = 1
		open := false
		for _, v := range versions {
			open = open || v.Status == StatusDraft || v.Status == StatusSubmitted
			en.Version = max(en.Version, v.Version+1)
		}
		if open {
			problems = append(problems, ImportProblem{i, "base_code", "该事项已有未发布的版本（草稿或待审核），请先处理后再导入"})
			continue
		}
		en.Base = baseSeen[b.Code]
		en.ID, en.Status, en.CreatedBy, en.CreatedAt = yiwang.NewID(), StatusDraft, actor.AccountID, now
		entries = append(entries, en)
	}
	if progress != nil {
		progress(len(items), len(items))
	}
	if len(problems) > 0 {
		return 0, problems, nil
	}
	if check {
		return len(entries), nil, nil
	}
	e := audit.New(actor, now, "catalog.import", "catalog", audit.ResultOK,
		fmt.Sprintf("导入 %d 个基本目录事项、%d 个实施清单草稿", len(bases), len(entries)))
	if err := s.Store.Import(ctx, bases, entries, e); err != nil {
		return 0, nil, fmt.Errorf("import: %w", err)
	}
	return len(entries), nil, nil
}

// baseJSONEqual returns an error when two base items differ in any element.
func baseJSONEqual(a, b Base) error {
	if a.Name != b.Name || a.Type != b.Type || fmt.Sprint(a.Aliases) != fmt.Sprint(b.Aliases) ||
		fmt.Sprint(a.Basis) != fmt.Sprint(b.Basis) || fmt.Sprint(a.Objects) != fmt.Sprint(b.Objects) ||
		fmt.Sprint(a.Themes) != fmt.Sprint(b.Themes) {
		return fmt.Errorf("base %s differs", a.Code)
	}
	return nil
}
