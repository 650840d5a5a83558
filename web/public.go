package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/publicinfo"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		s.Log.Error("healthz", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": "ok"})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return yiwang.Errorf(yiwang.ENOTFOUND, "您访问的页面不存在，请检查网址或返回首页")
}

type homeView struct {
	Page
	Halls   []org.Org
	News    []publicinfo.Article
	Popular []catalog.Summary
	Stats   catalog.Stats
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Orgs.Tree(r.Context())
	if err != nil {
		return err
	}
	v := homeView{Page: s.page(r, "首页")}
	for _, o := range all {
		if o.Kind == org.KindCenter && o.Level == org.LevelCounty && !o.Disabled {
			v.Halls = append(v.Halls, o)
		}
	}
	if v.News, err = s.Info.Published(r.Context(), "announcement", 5); err != nil {
		return err
	}
	// 常办事项: until case counts exist, the items people most often look for
	// in a district (social assistance, residence, business start-up).
	for _, q := range []string{"最低生活保障", "居住证", "个体工商户设立", "食品经营许可", "城乡居民基本养老保险", "就业创业证"} {
		res, err := s.Catalog.Search(r.Context(), catalog.Query{Q: q, Level: 4, Size: 1})
		if err != nil {
			return err
		}
		v.Popular = append(v.Popular, res.Items...)
	}
	if v.Stats, err = s.Catalog.Statistics(r.Context(), "", 0); err != nil {
		return err
	}
	s.render(w, r, "home", &v)
	return nil
}

type departmentsView struct {
	Page
	Departments []org.Org
	Centers     []org.Org
	Level       string
}

func (s *Server) departments(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Orgs.Tree(r.Context())
	if err != nil {
		return err
	}
	v := departmentsView{Page: s.page(r, "部门与服务场所"), Level: r.URL.Query().Get("level")}
	v.Nav = "departments"
	for _, o := range all {
		if o.Disabled {
			continue
		}
		if v.Level == "5" && o.Level != org.LevelTownship || v.Level == "6" && o.Level != org.LevelVillage ||
			(v.Level == "" || v.Level == "4") && o.Level != org.LevelCounty {
			continue
		}
		switch o.Kind {
		case org.KindDepartment:
			v.Departments = append(v.Departments, o)
		case org.KindCenter, org.KindAgentPoint:
			v.Centers = append(v.Centers, o)
		}
	}
	s.render(w, r, "departments", &v)
	return nil
}

type sectionView struct {
	Page
	Heading string
	Text    string
}

var sections = map[string][2]string{
	"track":   {"办件查询", "网上申报上线后，凭办件编号和申请人姓名或手机号即可在此查询办理进度。"},
	"reviews": {"好差评", "办件办结后可在此对服务进行评价，评价结果将公开。"},
}

func (s *Server) section(w http.ResponseWriter, r *http.Request) error {
	sec, ok := sections[r.PathValue("name")]
	if !ok {
		return s.notFound(w, r)
	}
	v := sectionView{Page: s.page(r, sec[0]), Heading: sec[0], Text: sec[1]}
	v.Nav = r.PathValue("name")
	s.render(w, r, "section", &v)
	return nil
}

// safeNext returns a local path to go back to, never another host. A
// backslash anywhere is refused: browsers read it as a slash, and
// http.Redirect cleans /./\evil.example to /\evil.example, which a browser
// follows to evil.example.
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}

// elder switches the elder-friendly mode on or off and goes back.
func (s *Server) elder(w http.ResponseWriter, r *http.Request) {
	on := r.URL.Query().Get("on") == "1"
	c := &http.Cookie{Name: elderCookie, Value: "0", Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies}
	if on {
		c.Value = "1"
	}
	http.SetCookie(w, c)
	http.Redirect(w, r, safeNext(r.URL.Query().Get("back"), "/"), http.StatusSeeOther)
}
