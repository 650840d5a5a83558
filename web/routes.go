package web

import (
	"io/fs"
	"net/http"
)

// routes is the route table of the HTML pages.
func (s *Server) routes(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticCache(http.FileServerFS(static))))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.metricsGuard(s.metrics.handler()))

	mux.HandleFunc("GET /{$}", s.h(s.home))
	mux.HandleFunc("GET /departments", s.h(s.departments))
	mux.HandleFunc("GET /section/{name}", s.h(s.section))
	mux.HandleFunc("GET /items", s.h(s.itemsPage))
	mux.HandleFunc("GET /items/{code}", s.h(s.guidePage))
	mux.HandleFunc("GET /items/{code}/print", s.h(s.guidePrint))
	mux.HandleFunc("GET /themes/{for}", s.h(s.themesPage))
	mux.HandleFunc("GET /files/{id}", s.h(s.publicFile))
	mux.HandleFunc("GET /info", s.h(s.infoList))
	mux.HandleFunc("GET /info/{id}", s.h(s.infoArticle))
	mux.HandleFunc("GET /admin/info", s.h(s.infoAdmin))
	mux.HandleFunc("GET /admin/info/new", s.h(s.infoEditPage))
	mux.HandleFunc("POST /admin/info/new", s.h(s.infoSave))
	mux.HandleFunc("GET /admin/info/{id}", s.h(s.infoEditPage))
	mux.HandleFunc("POST /admin/info/{id}", s.h(s.infoSave))
	mux.HandleFunc("POST /admin/info/{id}/withdraw", s.h(s.infoWithdraw))
	mux.HandleFunc("GET /opendata/catalog.json", s.h(s.openCatalogJSON))
	mux.HandleFunc("GET /opendata/catalog.csv", s.h(s.openCatalogCSV))
	mux.HandleFunc("GET /elder", s.elder)

	mux.HandleFunc("GET /login", s.h(s.loginChooser))
	mux.HandleFunc("GET /login/citizen", s.h(s.citizenLoginPage))
	mux.HandleFunc("POST /login/citizen", s.h(s.citizenLogin))
	mux.HandleFunc("GET /register", s.h(s.registerPage))
	mux.HandleFunc("POST /register", s.h(s.register))
	mux.HandleFunc("GET /login/enterprise", s.h(s.enterpriseLoginPage))
	mux.HandleFunc("POST /login/enterprise", s.h(s.enterpriseLogin))
	mux.HandleFunc("GET /staff/login", s.h(s.staffLoginPage))
	mux.HandleFunc("POST /staff/login", s.h(s.staffLogin))
	mux.HandleFunc("GET /staff/totp", s.h(s.totpPage))
	mux.HandleFunc("POST /staff/totp", s.h(s.totp))
	mux.HandleFunc("POST /logout", s.h(s.logout))

	mux.HandleFunc("GET /account", s.h(s.accountPage))
	mux.HandleFunc("POST /account/password", s.h(s.accountPassword))
	mux.HandleFunc("GET /enterprise/register", s.h(s.enterpriseRegisterPage))
	mux.HandleFunc("POST /enterprise/register", s.h(s.enterpriseRegister))
	mux.HandleFunc("GET /enterprise/agents", s.h(s.agentsPage))
	mux.HandleFunc("POST /enterprise/agents", s.h(s.agentAdd))
	mux.HandleFunc("POST /enterprise/agents/{id}/remove", s.h(s.agentRemove))

	mux.HandleFunc("GET /staff", s.h(s.staffHome))
	mux.HandleFunc("GET /staff/password", s.h(s.staffPasswordPage))
	mux.HandleFunc("POST /staff/password", s.h(s.staffPassword))
	mux.HandleFunc("GET /staff/tokens", s.h(s.tokensPage))
	mux.HandleFunc("POST /staff/tokens", s.h(s.tokenCreate))
	mux.HandleFunc("POST /staff/tokens/{id}/revoke", s.h(s.tokenRevoke))
	mux.HandleFunc("GET /window/verify", s.h(s.verifyPage))
	mux.HandleFunc("POST /window/verify", s.h(s.verifyAction))

	mux.HandleFunc("GET /admin/orgs", s.h(s.orgsPage))
	mux.HandleFunc("GET /admin/orgs/new", s.h(s.orgNewPage))
	mux.HandleFunc("POST /admin/orgs/new", s.h(s.orgCreate))
	mux.HandleFunc("GET /admin/orgs/{id}", s.h(s.orgEditPage))
	mux.HandleFunc("POST /admin/orgs/{id}", s.h(s.orgUpdate))
	mux.HandleFunc("GET /admin/staff", s.h(s.staffListPage))
	mux.HandleFunc("GET /admin/staff/new", s.h(s.staffNewPage))
	mux.HandleFunc("POST /admin/staff/new", s.h(s.staffCreate))
	mux.HandleFunc("GET /admin/staff/{id}", s.h(s.staffEditPage))
	mux.HandleFunc("POST /admin/staff/{id}/roles", s.h(s.staffRoles))
	mux.HandleFunc("POST /admin/staff/{id}/{op}", s.h(s.staffOp))
	mux.HandleFunc("GET /admin/audit", s.h(s.auditPage))
	mux.HandleFunc("GET /admin/catalog", s.h(s.catalogList))
	mux.HandleFunc("GET /admin/catalog/export", s.h(s.catalogExport))
	mux.HandleFunc("GET /admin/catalog/import", s.h(s.catalogImportPage))
	mux.HandleFunc("POST /admin/catalog/import", s.h(s.catalogImport))
	mux.HandleFunc("GET /admin/catalog/{id}", s.h(s.catalogEntry))
	mux.HandleFunc("GET /admin/catalog/{id}/edit", s.h(s.catalogEditPage))
	mux.HandleFunc("POST /admin/catalog/{id}/edit", s.h(s.catalogEdit))
	mux.HandleFunc("POST /admin/catalog/{id}/files", s.h(s.catalogFile))
	mux.HandleFunc("POST /admin/catalog/{id}/{op}", s.h(s.catalogOp))

	mux.HandleFunc("GET /dev/outbox", s.h(s.devOutbox))
	mux.HandleFunc("/", s.h(s.notFound))
}

func staticCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}
