package catalog

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang/org"
)

// searchStore and searchOrgs hold a small published catalog for Search;
// nothing else of Store or OrgLookup is called.
type searchStore struct {
	Store
	entries []Entry
}

func (s searchStore) Generation(context.Context) (int64, error)            { return 1, nil }
func (s searchStore) ListEntries(context.Context, Filter) ([]Entry, error) { return s.entries, nil }

type searchOrgs struct{ OrgLookup }

func (searchOrgs) Tree(context.Context) ([]org.Org, error) {
	return []org.Org{{ID: "o1", Name: "雨山区市场监督管理局"}, {ID: "o2", Name: "平湖街道办事处"}, {ID: "o3", Name: "Ｋelvin ＡＢＣ办"}}, nil
}

func searchCatalog() []Entry {
	mk := func(i int, name, orgID string, level int, aliases []string, themes []string, materials ...string) Entry {
		en := Entry{ID: fmt.Sprintf("e%d", i), Code: fmt.Sprintf("11340504MB0000000X4%02d00000000", i), Status: StatusPublished,
			Base: Base{Name: name, Aliases: aliases, Type: "01", Themes: themes, Objects: []string{"1"}}, OrgID: orgID, Level: level,
			Depth: []int{1, 2, 4}}
		for _, m := range materials {
			en.Guide.Materials = append(en.Guide.Materials, Material{Name: m})
		}
		en.Guide.ResultName = name + "证"
		return en
	}
	return []Entry{
		mk(1, "食品经营许可", "o1", 4, []string{"食品许可证办理"}, []string{"p05"}, "营业执照", "健康证明"),
		mk(2, "个体工商户设立登记", "o1", 4, []string{"开个体户"}, nil, "身份证", "经营场所证明"),
		mk(3, "最低生活保障申请", "o2", 5, []string{"低保"}, []string{"p06"}, "户口簿", "收入证明"),
		mk(4, "ABC Kelvin 测试 İstanbul ǅ", "o3", 6, []string{"K-1 %_x"}, nil, "Ω档案"),
		mk(5, "社保卡申领", "o2", 5, nil, []string{"p05"}, "照片"),
		mk(6, "社会保障卡挂失", "o2", 5, []string{"社保卡 挂失"}, nil),
	}
}

// FuzzSearch: a catalog search (any text, level, page and page size) never
// fails, and finds exactly the published entries holding every term of the
// query (lower-cased, its first 50 characters) in their search text, at
// the level asked, a page of them at a time; the level facet counts the
// matches at each level.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{"", "食品", "社保 卡", "低保", "k", "KELVIN", "ı", "i̇", "%", "_", "证", "  ", "社会保障卡挂失社会保障卡挂失",
		strings.Repeat("社", 51), "个体 工商 户 登记", "\xe7\xa4", "\xff", "Ǆ", "ω", "a\u00a0b"} {
		f.Add(q, 0, 1, 0)
	}
	f.Add("社", 5, 2, 1)
	f.Add("", 4, -1, 1000)
	f.Add("证", 9, 1<<62, 2)
	svc := &Service{Store: searchStore{entries: searchCatalog()}, Orgs: searchOrgs{}}
	idx, err := svc.published(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string, level, page, size int) {
		res, err := svc.Search(context.Background(), Query{Q: q, Level: level, Page: page, Size: size})
		if err != nil {
			t.Fatal(err)
		}
		wantSize := size
		if wantSize <= 0 {
			wantSize = 20
		}
		wantSize = min(wantSize, 100)
		if res.Page < 1 || res.Page > res.Pages || len(res.Items) > wantSize || res.Pages != max(1, (res.Total+wantSize-1)/wantSize) {
			t.Fatalf("page %d of %d, %d items of %d", res.Page, res.Pages, len(res.Items), res.Total)
		}
		if !utf8.ValidString(q) {
			return // the site refuses such a query string at the door
		}
		if utf8.RuneCountInString(q) > MaxQueryLen {
			q = string([]rune(q)[:MaxQueryLen])
		}
		terms := strings.Fields(strings.ToLower(q))
		matches, atLevel := map[string]bool{}, map[int]int{}
		for _, e := range idx.entries {
			ok := true
			for _, term := range terms {
				ok = ok && strings.Contains(e.text, term)
			}
			if ok {
				atLevel[e.Level]++
				if level == 0 || e.Level == level {
					matches[e.ID] = true
				}
			}
		}
		if res.Total != len(matches) {
			t.Fatalf("%q at level %d: %d found, %d hold the terms", q, level, res.Total, len(matches))
		}
		for _, it := range res.Items {
			if !matches[it.ID] {
				t.Fatalf("%q: %s (%s) found", q, it.ID, it.Name)
			}
		}
		counted := 0
		for _, fc := range res.Levels {
			var l int
			fmt.Sscan(fc.Value, &l)
			if fc.Count != atLevel[l] {
				t.Fatalf("%q: level facet %+v, %d match", q, fc, atLevel[l])
			}
			counted += fc.Count
		}
		if all := atLevel[4] + atLevel[5] + atLevel[6]; counted != all {
			t.Fatalf("%q: level facets %+v count %d, %d match", q, res.Levels, counted, all)
		}
	})
}
