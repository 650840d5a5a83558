package demo

import (
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/org"
)

// buildOrgs turns DemoOrgs into validated orgs, as the loader would, keyed
// by spec key. It fails the test on the first spec that does not validate.
func buildOrgs(t *testing.T) map[string]*org.Org {
	t.Helper()
	built := map[string]*org.Org{}
	for i, s := range DemoOrgs {
		o := &org.Org{
			ID: s.Key, ParentID: s.Parent, Kind: s.Kind, Name: s.Name, RegionCode: s.RegionCode,
			Demo: true, Address: s.Address, Phone: s.Phone, Hours: s.Hours, Sort: i,
		}
		if s.OrgBody != "" {
			cc, err := idcode.MakeCreditCode('1', '1', "340504", s.OrgBody)
			if err != nil {
				t.Fatalf("%s: MakeCreditCode(%q): %v", s.Key, s.OrgBody, err)
			}
			o.CreditCode = cc
		}
		var parent *org.Org
		if s.Parent != "" {
			parent = built[s.Parent]
			if parent == nil {
				t.Fatalf("%s: parent %q is not an earlier org", s.Key, s.Parent)
			}
		}
		if err := org.Validate(o, parent); err != nil {
			t.Fatalf("%s (%s): %v", s.Key, s.Name, err)
		}
		built[s.Key] = o
	}
	return built
}

func TestDemoOrgsKeys(t *testing.T) {
	keys := map[string]bool{}
	names := map[string]bool{}
	for i, s := range DemoOrgs {
		if s.Key == "" {
			t.Errorf("DemoOrgs[%d] (%s) has no key", i, s.Name)
		}
		for _, c := range s.Key {
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				t.Errorf("key %q: want lowercase ASCII letters, digits and '-'", s.Key)
				break
			}
		}
		if keys[s.Key] {
			t.Errorf("key %q is used twice", s.Key)
		}
		if names[s.Name] {
			t.Errorf("name %q is used twice", s.Name)
		}
		if s.Parent != "" && !keys[s.Parent] {
			t.Errorf("%s: parent %q does not come earlier", s.Key, s.Parent)
		}
		keys[s.Key] = true
		names[s.Name] = true
	}
	if len(DemoOrgs) == 0 || DemoOrgs[0].Kind != org.KindDistrict || DemoOrgs[0].Parent != "" {
		t.Fatal("DemoOrgs must start with the district, which has no parent")
	}
	for _, s := range DemoOrgs[1:] {
		if s.Parent == "" {
			t.Errorf("%s: only the district may have no parent", s.Key)
		}
	}
}

func TestDemoOrgsValidate(t *testing.T) {
	built := buildOrgs(t)
	wantLevel := map[org.Kind]org.Level{
		org.KindDistrict: org.LevelCounty,
		org.KindStreet:   org.LevelTownship, org.KindTown: org.LevelTownship,
		org.KindTownship: org.LevelTownship, org.KindDevZone: org.LevelTownship,
		org.KindVillage: org.LevelVillage, org.KindCommunity: org.LevelVillage,
		org.KindAgentPoint: org.LevelVillage, org.KindDepartment: org.LevelCounty,
		org.KindWindow: org.LevelCounty,
	}
	for _, s := range DemoOrgs {
		o := built[s.Key]
		if want, ok := wantLevel[s.Kind]; ok && o.Level != want {
			t.Errorf("%s: level %d, want %d", s.Key, o.Level, want)
		}
		if !s.Kind.Region() {
			if s.RegionCode != "" {
				t.Errorf("%s: a %s should inherit its region code", s.Key, s.Kind)
			}
			if want := built[s.Parent].RegionCode; o.RegionCode != want {
				t.Errorf("%s: inherited region code %q, want %q", s.Key, o.RegionCode, want)
			}
		}
	}
}

func TestDemoOrgsRegionCodes(t *testing.T) {
	byKey := map[string]OrgSpec{}
	for _, s := range DemoOrgs {
		byKey[s.Key] = s
		if !s.Kind.Region() {
			continue
		}
		if err := idcode.RegionCode(s.RegionCode); err != nil {
			t.Errorf("%s: RegionCode(%q): %v", s.Key, s.RegionCode, err)
		}
		switch s.Kind {
		case org.KindDistrict:
			if s.RegionCode != "340504" {
				t.Errorf("%s: region code %q, want 340504", s.Key, s.RegionCode)
			}
		case org.KindVillage, org.KindCommunity:
			p := byKey[s.Parent].RegionCode
			if len(s.RegionCode) != 12 || s.RegionCode[:9] != p[:9] || s.RegionCode[9:] == "000" {
				t.Errorf("%s: region code %q does not lie in its township's %q", s.Key, s.RegionCode, p)
			}
			// 统计用区划代码编制规则: 001-199 are 居委会, 200-399 村委会, 400-599 like 居委会.
			isVillage := s.RegionCode[9] == '2' || s.RegionCode[9] == '3'
			if isVillage != (s.Kind == org.KindVillage) {
				t.Errorf("%s: region code %q does not fit kind %s", s.Key, s.RegionCode, s.Kind)
			}
		default: // township level
			if len(s.RegionCode) != 12 || !strings.HasPrefix(s.RegionCode, "340504") || !strings.HasSuffix(s.RegionCode, "000") {
				t.Errorf("%s: region code %q, want 340504xxx000", s.Key, s.RegionCode)
			}
		}
	}
}

func TestDemoOrgsCoverage(t *testing.T) {
	children := map[string][]OrgSpec{}
	for _, s := range DemoOrgs {
		children[s.Parent] = append(children[s.Parent], s)
	}
	count := func(key string, kinds ...org.Kind) int {
		n := 0
		for _, c := range children[key] {
			for _, k := range kinds {
				if c.Kind == k {
					n++
				}
			}
		}
		return n
	}
	townships := 0
	for _, s := range DemoOrgs {
		switch s.Kind {
		case org.KindStreet, org.KindTown, org.KindTownship, org.KindDevZone:
			townships++
			if count(s.Key, org.KindCenter) != 1 {
				t.Errorf("%s: want one 为民服务中心", s.Name)
			}
			// The 2023 statistical table lists only a virtual community
			// under 雨山经济开发区, so the zone gets one; the others get 2+.
			want := 2
			if s.Kind == org.KindDevZone {
				want = 1
			}
			if n := count(s.Key, org.KindVillage, org.KindCommunity); n < want {
				t.Errorf("%s: %d villages/communities, want at least %d", s.Name, n, want)
			}
		case org.KindVillage, org.KindCommunity:
			if count(s.Key, org.KindAgentPoint) == 0 {
				t.Errorf("%s: no 代办点", s.Name)
			}
		case org.KindCenter:
			if s.Parent == "yushan" && count(s.Key, org.KindWindow) < 8 {
				t.Errorf("%s: %d windows, want at least 8", s.Name, count(s.Key, org.KindWindow))
			}
		}
	}
	if townships != 8 {
		t.Errorf("%d townships/streets/zones, want 8", townships)
	}
	for _, name := range []string{"平湖街道", "雨山街道", "安民街道", "采石街道", "向山镇", "银塘镇", "佳山乡", "雨山经济开发区"} {
		found := false
		for _, s := range children["yushan"] {
			found = found || s.Name == name && s.Kind.Region()
		}
		if !found {
			t.Errorf("%s is missing under the district", name)
		}
	}
}

func TestDemoOrgsDepartments(t *testing.T) {
	var depts []OrgSpec
	bodies := map[string]bool{}
	for _, s := range DemoOrgs {
		if s.Kind != org.KindDepartment {
			continue
		}
		depts = append(depts, s)
		if s.Parent != "yushan" {
			t.Errorf("%s: parent %q, want the district", s.Key, s.Parent)
		}
		if s.OrgBody == "" || bodies[s.OrgBody] {
			t.Errorf("%s: org body %q is empty or used twice", s.Key, s.OrgBody)
		}
		bodies[s.OrgBody] = true
	}
	// Each unit of the plan (雨政〔2017〕61号 附件1 and 附件3), as any of
	// the forms its name may take.
	required := [][]string{
		{"政府办公室", "政府办"}, {"发经委", "发展和经济"}, {"编办", "机构编制"},
		{"民政局"}, {"财政局"}, {"人社局", "人力资源和社会保障"}, {"卫计委", "卫生和计划生育"},
		{"审计局"}, {"市场监管局", "市场监督管理"}, {"督查绩效办"}, {"法制办"},
		{"公安"}, {"国税", "国家税务"}, {"地税", "地方税务"}, {"国土"},
		{"住建委", "住房和城乡建设"}, {"科技局", "科学技术"}, {"教育局"}, {"环保局", "环境保护"},
		{"农委", "农业委员会"}, {"商务局"}, {"文旅局", "文化旅游", "文化和旅游"}, {"统计局"},
		{"城管局", "城市管理"}, {"档案"}, {"监察局"}, {"保密"},
	}
	for _, forms := range required {
		found := false
		for _, d := range depts {
			for _, f := range forms {
				found = found || strings.Contains(d.Name, f)
			}
		}
		if !found {
			t.Errorf("no department named like %q", forms)
		}
	}
}
