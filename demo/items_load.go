package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/org"
)

// CatalogStore is what loading the demo catalog needs.
type CatalogStore interface {
	Import(ctx context.Context, bases []catalog.Base, entries []catalog.Entry, e audit.Entry) error
}

// ItemEntries turns item specs into base items and published entries for the
// orgs that deliver them: a district item for its department, a township
// item for every 乡镇/街道/开发区, a village item for every 村/社区. Every
// base and entry passes the catalog's rules.
func ItemEntries(items []ItemSpec, orgs map[string]org.Org, now time.Time) ([]catalog.Base, []catalog.Entry, error) {
	var bases []catalog.Base
	var entries []catalog.Entry
	var towns, villages, ruralTowns, ruralVillages []org.Org
	for _, s := range DemoOrgs {
		o := orgs[s.Key]
		switch s.Kind {
		case org.KindTown, org.KindTownship:
			ruralTowns = append(ruralTowns, o)
			towns = append(towns, o)
		case org.KindStreet, org.KindDevZone:
			towns = append(towns, o)
		case org.KindVillage:
			ruralVillages = append(ruralVillages, o)
			villages = append(villages, o)
		case org.KindCommunity:
			villages = append(villages, o)
		}
	}
	for _, it := range items {
		b := catalog.Base{ID: yiwang.NewID(), Code: it.BaseCode, Name: it.Name, Aliases: it.Aliases, Type: it.Type,
			Objects: it.Objects, Themes: it.Themes}
		for _, bs := range it.Basis {
			b.Basis = append(b.Basis, catalog.Basis{Law: bs.Law, Article: bs.Article, Text: bs.Text})
		}
		if err := catalog.ValidateBase(&b); err != nil {
			return nil, nil, fmt.Errorf("demo item %s %s: %w", it.BaseCode, it.Name, err)
		}
		bases = append(bases, b)
		var at []org.Org
		switch {
		case it.Org == "township" && it.Rural:
			at = ruralTowns
		case it.Org == "village" && it.Rural:
			at = ruralVillages
		case it.Org == "township":
			at = towns
		case it.Org == "village":
			at = villages
		default:
			o, ok := orgs[it.Org]
			if !ok {
				return nil, nil, fmt.Errorf("demo item %s: org %q unknown", it.Name, it.Org)
			}
			at = []org.Org{o}
		}
		for _, o := range at {
			en := catalog.Entry{ID: yiwang.NewID(), Version: 1, Status: catalog.StatusPublished, Base: b, OrgID: o.ID,
				Level: it.Level, Kind: it.Kind, LegalDays: it.LegalDays, PromiseDays: it.PromiseDays, Depth: it.Depth,
				Forms: it.Forms, Visits: it.Visits, CreatedBy: "demo", CreatedAt: now, SubmittedBy: "demo",
				SubmittedAt: now, ApprovedBy: "demo", PublishedAt: now, Guide: guide(it, o, orgs)}
			if err := catalog.ValidateEntry(&en, int(o.Level)); err != nil {
				return nil, nil, fmt.Errorf("demo item %s at %s: %w", it.Name, o.Name, err)
			}
			en.Code = catalog.ImplementationCode(o.CreditCode, en.Level, b.Code)
			entries = append(entries, en)
		}
	}
	return bases, entries, nil
}

// forms are the application forms of some demo items (fields as data).
var forms = map[string][]catalog.Field{
	"食品经营许可": {
		{Key: "applicant", Label: "申请人", Type: "text", Required: true, Prefill: "name"},
		{Key: "operator", Label: "经营者名称（与营业执照一致）", Type: "text", Required: true},
		{Key: "premises", Label: "经营场所", Type: "text", Required: true},
		{Key: "format", Label: "主体业态", Type: "select", Required: true, Options: []string{"食品销售经营者", "餐饮服务经营者", "单位食堂"}},
		{Key: "items", Label: "经营项目", Type: "textarea", Required: true},
		{Key: "online", Label: "是否通过网络经营", Type: "select", Required: true, Options: []string{"是", "否"}},
		{Key: "website", Label: "网站（网店）名称", Type: "text", Required: true, When: "online=是"},
	},
	"个体工商户设立登记": {
		{Key: "operator", Label: "经营者", Type: "text", Required: true, Prefill: "name"},
		{Key: "idcard", Label: "经营者身份证号", Type: "text", Required: true, Prefill: "idcard"},
		{Key: "shop", Label: "个体工商户名称", Type: "text"},
		{Key: "premises", Label: "经营场所", Type: "text", Required: true},
		{Key: "scope", Label: "经营范围", Type: "textarea", Required: true},
		{Key: "capital", Label: "资金数额（万元）", Type: "number", Required: true},
		{Key: "form", Label: "组成形式", Type: "select", Required: true, Options: []string{"个人经营", "家庭经营"}},
	},
	"居住证办理": {
		{Key: "name", Label: "姓名", Type: "text", Required: true, Prefill: "name"},
		{Key: "address", Label: "现居住地址", Type: "text", Required: true},
		{Key: "since", Label: "居住起始日期", Type: "date", Required: true},
		{Key: "basis", Label: "申领条件", Type: "select", Required: true, Options: []string{"合法稳定就业", "合法稳定住所", "连续就读"}},
	},
}

func guide(it ItemSpec, o org.Org, orgs map[string]org.Org) catalog.Guide {
	g := catalog.Guide{Fields: forms[it.Name], Conditions: it.Conditions, ResultName: it.ResultName, ResultKind: it.ResultKind,
		Intermediary: it.Intermediary, Location: o.Address, Hours: o.Hours, ConsultPhone: o.Phone}
	for _, m := range it.Materials {
		g.Materials = append(g.Materials, catalog.Material{Name: m.Name, Forms: m.Forms, Copies: m.Copies,
			Required: m.Required, Condition: m.Condition, Source: m.Source, License: m.License,
			Tolerance: m.Tolerance, Promise: m.Promise, Note: m.Note})
	}
	for _, s := range it.Steps {
		st := catalog.Step{Name: s.Name, Days: s.Days, Kind: it.StepKinds[s.Name]}
		for _, k := range it.Joint[s.Name] {
			st.Orgs = append(st.Orgs, orgs[k].ID)
		}
		g.Steps = append(g.Steps, st)
	}
	for _, f := range it.Fees {
		g.Fees = append(g.Fees, catalog.Fee{Name: f.Name, Fen: f.Fen, Basis: f.Basis})
	}
	for _, q := range it.FAQs {
		g.FAQs = append(g.FAQs, catalog.FAQ{Q: q[0], A: q[1]})
	}
	return g
}

// LoadItems publishes items in one transaction.
func LoadItems(ctx context.Context, st CatalogStore, clock yiwang.Clock, orgs map[string]org.Org, items []ItemSpec) (int, error) {
	now := clock.Now()
	bases, entries, err := ItemEntries(items, orgs, now)
	if err != nil {
		return 0, err
	}
	e := audit.New(yiwang.System("demo"), now, "catalog.import", "catalog", audit.ResultOK,
		fmt.Sprintf("演示事项：%d 个基本目录事项，%d 条实施清单", len(bases), len(entries)))
	if err := st.Import(ctx, bases, entries, e); err != nil {
		return 0, fmt.Errorf("load demo items: %w", err)
	}
	return len(entries), nil
}

// AllItems is every demo item: district, township and village ones.
func AllItems() []ItemSpec {
	return append(append([]ItemSpec{}, DistrictItems...), LocalItems...)
}
