package demo_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

var start = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

func count(t *testing.T, db *sqlstore.DB, table string) int {
	t.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func TestLoad(t *testing.T) {
	t.Parallel()
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			clk := yiwangtest.NewClock(start)
			res, err := demo.Load(ctx, db, clk)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			registered := 0
			for _, p := range demo.People {
				if p.Registered {
					registered++
				}
			}
			if res.Orgs != len(demo.DemoOrgs) || count(t, db, "orgs") != len(demo.DemoOrgs) {
				t.Errorf("orgs: result %d, table %d, want %d", res.Orgs, count(t, db, "orgs"), len(demo.DemoOrgs))
			}
			if got := count(t, db, "accounts"); got != len(demo.Staff)+registered {
				t.Errorf("accounts = %d, want %d", got, len(demo.Staff)+registered)
			}
			if got := count(t, db, "population_base"); got != len(demo.People) {
				t.Errorf("population_base = %d, want %d", got, len(demo.People))
			}
			if got := count(t, db, "enterprise_members"); got != 2 {
				t.Errorf("enterprise_members = %d, want 2", got)
			}
			if got := count(t, db, "catalog_entries"); got != res.Items || got < len(demo.AllItems()) {
				t.Errorf("catalog_entries = %d, loader said %d", got, res.Items)
			}

			// Every load step is audited and the chain holds.
			r, err := audit.Verify(ctx, db)
			if err != nil || !r.OK() {
				t.Fatalf("audit.Verify = %v, %v", r, err)
			}
			// +8: the enterprise, its agent, the catalog import, 5 articles;
			// then one for each license type.
			if want := int64(len(demo.DemoOrgs) + len(demo.Staff) + registered + 8 + len(demo.LicenseTypes)); r.Entries != want {
				t.Errorf("audit entries = %d, want %d", r.Entries, want)
			}

			// The tree is whole: Tree returns every org, parents first.
			tree, err := (&org.Service{Store: db, Clock: clk}).Tree(ctx)
			if err != nil || len(tree) != len(demo.DemoOrgs) {
				t.Fatalf("tree: %d orgs, %v", len(tree), err)
			}
			seen := map[string]bool{}
			for _, o := range tree {
				if o.ParentID != "" && !seen[o.ParentID] {
					t.Errorf("%s comes before its parent", o.Name)
				}
				seen[o.ID] = true
				if !o.Demo || o.Version != 1 {
					t.Errorf("%s: demo %v, version %d", o.Name, o.Demo, o.Version)
				}
			}

			// Each demo staff account can log in with password and TOTP.
			svc := &identity.Service{Store: db, Orgs: &org.Service{Store: db, Clock: clk}, Clock: clk,
				Log: slog.New(slog.DiscardHandler)}
			for _, s := range demo.Staff {
				a, err := db.AccountByUsername(ctx, s.Username)
				if err != nil {
					t.Fatalf("%s: %v", s.Username, err)
				}
				if !slices.Equal(a.Roles, s.Roles) || a.Name != s.Name || !a.Demo || a.TOTPSecret != res.StaffSecret[s.Username] {
					t.Errorf("%s: stored %+v", s.Username, a)
				}
				if _, err := svc.VerifyTOTP(ctx, a.ID, identity.CurrentTOTP(res.StaffSecret[s.Username], clk.Now()), "127.0.0.1"); err != nil {
					t.Errorf("%s: TOTP: %v", s.Username, err)
				}
			}
			if _, err := svc.LoginStaffPassword(ctx, "admin", demo.StaffPassword, "127.0.0.1"); err != nil {
				t.Errorf("admin password: %v", err)
			}

			// Registered people are level 2; the others can register at level 2.
			for _, p := range demo.People {
				a, err := db.CitizenByMobile(ctx, p.Mobile)
				if p.Registered != (err == nil) {
					t.Errorf("%s: registered %v, lookup %v", p.Name, p.Registered, err)
				}
				if p.Registered && (a.IDCard != p.IDCard || a.RealNameLevel != identity.RealNameIDCheck) {
					t.Errorf("%s: stored %s level %d", p.Name, a.IDCard, a.RealNameLevel)
				}
				if ok, err := db.InPopulation(ctx, p.Name, p.IDCard); !ok || err != nil {
					t.Errorf("%s not in the population base: %v", p.Name, err)
				}
			}
			ent, err := db.EnterpriseByCreditCode(ctx, demo.EnterpriseCode())
			if err != nil || ent.Name != demo.Enterprise.Name || ent.LegalRepID != demo.People[0].IDCard {
				t.Errorf("enterprise %+v, %v", ent, err)
			}
		})
	}
}

// TestNoPlaintextPII scans the SQLite files byte by byte: no ID number or
// mobile number of a demo person may appear, though their names do.
func TestNoPlaintextPII(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlstore.Open(ctx, "", dir, yiwangtest.Protector(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clk := yiwangtest.NewClock(start)
	if _, err := demo.Load(ctx, db, clk); err != nil {
		t.Fatal(err)
	}
	// Use the personal data as the platform would: codes sent, a person
	// registered, logins tried with right and wrong numbers.
	svc := &identity.Service{Store: db, Orgs: &org.Service{Store: db, Clock: clk}, Clock: clk,
		Log: slog.New(slog.DiscardHandler)}
	lisi := demo.People[2]
	if err := svc.SendCode(ctx, identity.PurposeRegister, lisi.Mobile, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	ms, err := db.RecentMessages(ctx, 1)
	if err != nil || len(ms) != 1 {
		t.Fatalf("messages: %v", err)
	}
	code := regexp.MustCompile(`\d{6}`).FindString(ms[0].Body)
	if _, err := svc.RegisterCitizen(ctx, identity.CitizenInput{Name: lisi.Name, Mobile: lisi.Mobile, IDCard: lisi.IDCard,
		Code: code}, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	for _, p := range demo.People {
		svc.LoginWithPassword(ctx, p.Mobile, "wrong-password1", "127.0.0.1")
		svc.FindCitizen(ctx, yiwang.Actor{AccountID: "x", Roles: []yiwang.Role{yiwang.RoleWindowClerk}}, p.IDCard)
	}
	officer, err := db.AccountByUsername(ctx, "officer")
	if err != nil {
		t.Fatal(err)
	}
	zhang, err := db.CitizenByMobile(ctx, demo.People[0].Mobile)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.RevealPII(ctx, officer.Actor("127.0.0.1", "web"), zhang.ID, "核对"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var all [][]byte
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes", f.Name(), len(b))
		all = append(all, b)
		for _, p := range demo.People {
			for _, secret := range []string{p.IDCard, p.Mobile} {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s holds %s's %s in plaintext", f.Name(), p.Name, secret)
				}
			}
		}
	}
	// The scan reads the data: the names, stored in plaintext, are found.
	for _, name := range []string{"张三", "王五", "李四", demo.Enterprise.Name} {
		found := false
		for _, b := range all {
			found = found || bytes.Contains(b, []byte(name))
		}
		if !found {
			t.Errorf("name %s not found in %s: the scan does not read the data", name, dir)
		}
	}
}
