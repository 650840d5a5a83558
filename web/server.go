// Package web serves the portal, the staff workbench, the admin pages and the
// JSON API. It only translates HTTP: every rule lives in a domain package.
package web

import (
	"context"
	"github.com/yushan-gov/yiwang/calendar"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/files"
	"github.com/yushan-gov/yiwang/idempotency"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/identity/certlogin"
	"github.com/yushan-gov/yiwang/identity/oidc"
	"github.com/yushan-gov/yiwang/inspect"
	"github.com/yushan-gov/yiwang/kpi"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/publicinfo"
	"github.com/yushan-gov/yiwang/review"
	"github.com/yushan-gov/yiwang/seal"
	"github.com/yushan-gov/yiwang/supervision"
	"github.com/yushan-gov/yiwang/webhook"
)

// Pinger checks the database for /healthz.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Server holds what the handlers need.
type Server struct {
	Identity *identity.Service
	Orgs     *org.Service
	Catalog  *catalog.Service
	Info     *publicinfo.Service
	Files    *files.Service
	Cases    *casework.Service
	Box      *notify.Box
	Webhooks *webhook.Service
	Seals    *seal.Service
	Licenses *license.Service
	Reviews  *review.Service
	// Supervision is electronic supervision (电子监察): alerts and 督办.
	Supervision *supervision.Service
	// Inspect is the exposure column, spot checks and simulated
	// applications (曝光纠错, 随机抽查, 模拟办事).
	Inspect *inspect.Service
	// KPI is the supervision dashboard, the assessment and the public
	// statistics (监察统计, 绩效考核).
	KPI      *kpi.Service
	Holidays *calendar.Service
	// Certs is enterprise certificate login (一证通).
	Certs    *certlogin.Service
	Audit    audit.Store
	Outbox   notify.Store
	DB       Pinger
	Sessions *scs.SessionManager
	Clock    yiwang.Clock
	Log      *slog.Logger

	// Idempotency remembers the answers of API requests sent with an
	// Idempotency-Key, so that a retry never does the work twice.
	Idempotency *idempotency.Service

	// OIDC is the OpenID provider (single sign-on for other government
	// systems) and OIDCClients the registration of those systems; nil
	// turns both off.
	OIDC        *oidc.Provider
	OIDCClients *oidc.Service

	// Dev shows one-time codes on /dev/outbox and demo staff TOTP codes.
	Dev bool
	// DemoSecrets maps demo staff usernames to TOTP secrets, for /dev/outbox.
	DemoSecrets map[string]string
	// SecureCookies marks cookies Secure (behind TLS) and turns on HSTS.
	SecureCookies bool
	// MetricsToken lets a scraper on another host read /metrics with
	// "Authorization: Bearer <token>"; without it only this machine may.
	MetricsToken string
	// LoginBurst is how many login and code requests one IP may make at once
	// (then one a second). Zero means 30: a hall's clerks may share one
	// address behind NAT, so this only stops floods.
	LoginBurst int

	limits  *limiter
	metrics *metrics
	pages   map[string]*pageTemplate
	open    openData
}

// NewSessions returns the session manager: sessions in store, 30 minutes of
// idle time (等保 login timeout), 12 hours at most.
func NewSessions(store scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	q := newQuietStore(store)
	sm.Store, sm.Codec = q, q
	sm.IdleTimeout = 30 * time.Minute
	sm.Lifetime = 12 * time.Hour
	sm.Cookie.Name = "yiwang_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	return sm
}

// Handler returns the whole HTTP handler with middleware.
func (s *Server) Handler() http.Handler {
	if s.pages == nil {
		s.pages = mustParsePages()
	}
	s.limits = newLimiter()
	s.metrics = newMetrics()
	if g, ok := s.DB.(GroupCommitter); ok {
		s.metrics.watchGroups(g)
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.apiRoutes(mux)
	csrf := http.NewCrossOriginProtection()
	for _, p := range oidcBypass {
		csrf.AddInsecureBypassPattern(p)
	}
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, &yiwang.Error{Code: yiwang.EFORBIDDEN, Message: "请求来源不被信任（跨站请求已被拒绝）。请从本网站页面重新操作。"})
	}))
	var h http.Handler = mux
	h = s.withActor(h)
	h = limitForms(h)
	h = csrf.Handler(h)
	h = s.Sessions.LoadAndSave(h)
	h = prefetchAccount(h)
	h = s.securityHeaders(h)
	h = s.recoverer(h)
	h = s.metrics.wrap(h, mux)
	return h
}
