package web

import (
	_ "embed"
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/org"
)

//go:embed openapi.json
var openAPIDoc []byte

// apiRoutes is the route table of the JSON API. Every route here is listed
// in openapi.json; a test keeps the two equal.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	for _, rt := range apiRouteTable {
		mux.HandleFunc(rt.pattern, s.h(rt.handler(s)))
	}
	mux.HandleFunc("/api/", s.h(func(w http.ResponseWriter, r *http.Request) error {
		return yiwang.Errorf(yiwang.ENOTFOUND, "接口不存在：%s %s", r.Method, r.URL.Path)
	}))
}

type apiRoute struct {
	pattern string
	handler func(*Server) handlerFunc
}

// apiRouteTable lists the API routes besides the OpenAPI document itself.
var apiRouteTable = []apiRoute{
	{"GET /api/v1/me", func(s *Server) handlerFunc { return s.apiMe }},
	{"POST /api/v1/auth/codes", func(s *Server) handlerFunc { return s.apiSendCode }},
	{"POST /api/v1/citizens", func(s *Server) handlerFunc { return s.apiRegister }},
	{"GET /api/v1/orgs", func(s *Server) handlerFunc { return s.apiOrgs }},
	{"POST /api/v1/orgs", func(s *Server) handlerFunc { return s.apiOrgCreate }},
	{"GET /api/v1/orgs/{id}", func(s *Server) handlerFunc { return s.apiOrg }},
	{"PUT /api/v1/orgs/{id}", func(s *Server) handlerFunc { return s.apiOrgUpdate }},
	{"GET /api/v1/staff", func(s *Server) handlerFunc { return s.apiStaff }},
	{"POST /api/v1/staff", func(s *Server) handlerFunc { return s.apiStaffCreate }},
	{"PUT /api/v1/staff/{id}/roles", func(s *Server) handlerFunc { return s.apiStaffRoles }},
	{"PUT /api/v1/staff/{id}/status", func(s *Server) handlerFunc { return s.apiStaffStatus }},
	{"GET /api/v1/audit", func(s *Server) handlerFunc { return s.apiAudit }},
	{"GET /api/v1/items", func(s *Server) handlerFunc { return s.apiItems }},
	{"GET /api/v1/items/{code}", func(s *Server) handlerFunc { return s.apiItem }},
	{"GET /api/v1/catalog/stats", func(s *Server) handlerFunc { return s.apiCatalogStats }},
	{"GET /api/v1/stats", func(s *Server) handlerFunc { return s.apiStats }},
	{"POST /api/v1/catalog/bases", func(s *Server) handlerFunc { return s.apiBaseSave }},
	{"POST /api/v1/catalog/entries", func(s *Server) handlerFunc { return s.apiEntryDraft }},
	{"GET /api/v1/catalog/entries/{id}", func(s *Server) handlerFunc { return s.apiEntryGet }},
	{"PUT /api/v1/catalog/entries/{id}", func(s *Server) handlerFunc { return s.apiEntryUpdate }},
	{"POST /api/v1/catalog/entries/{id}/{op}", func(s *Server) handlerFunc { return s.apiEntryOp }},
	{"GET /api/v1/messages", func(s *Server) handlerFunc { return s.apiMessages }},
	{"POST /api/v1/messages/{id}/read", func(s *Server) handlerFunc { return s.apiMessageRead }},
	{"GET /api/v1/webhooks", func(s *Server) handlerFunc { return s.apiWebhooks }},
	{"POST /api/v1/webhooks", func(s *Server) handlerFunc { return s.apiWebhookCreate }},
	{"DELETE /api/v1/webhooks/{id}", func(s *Server) handlerFunc { return s.apiWebhookDelete }},
	{"GET /api/v1/oidc-clients", func(s *Server) handlerFunc { return s.apiOIDCClients }},
	{"POST /api/v1/oidc-clients", func(s *Server) handlerFunc { return s.apiOIDCClientCreate }},
	{"POST /api/v1/files", func(s *Server) handlerFunc { return s.apiFileUpload }},
	{"GET /api/v1/cases", func(s *Server) handlerFunc { return s.apiCaseList }},
	{"POST /api/v1/cases", func(s *Server) handlerFunc { return s.keyed(http.StatusCreated, s.apiCaseSubmit) }},
	{"GET /api/v1/cases/{id}", func(s *Server) handlerFunc { return s.apiCaseGet }},
	{"POST /api/v1/cases/{id}/corrections", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseCorrections) }},
	{"POST /api/v1/cases/{id}/resubmit", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseResubmit) }},
	{"POST /api/v1/cases/{id}/accept", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseAccept) }},
	{"POST /api/v1/cases/{id}/refuse", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseRefuse) }},
	{"POST /api/v1/cases/{id}/decide", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseDecide) }},
	{"POST /api/v1/cases/{id}/deliver", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseDeliver) }},
	{"POST /api/v1/cases/{id}/withdraw", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseWithdraw) }},
	{"POST /api/v1/cases/{id}/special/start", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseSpecialStart) }},
	{"POST /api/v1/cases/{id}/special/end", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseSpecialEnd) }},
	{"POST /api/v1/letters", func(s *Server) handlerFunc { return s.keyed(http.StatusCreated, s.apiLetterFile) }},
	{"POST /api/v1/letters/{id}/reply", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiLetterReply) }},
	{"POST /api/v1/letters/{id}/forward", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiLetterForward) }},
	{"GET /api/v1/inbox", func(s *Server) handlerFunc { return s.apiInbox }},
	{"GET /api/v1/tasks", func(s *Server) handlerFunc { return s.apiTasks }},
	{"GET /api/v1/cases/{id}/files/{file}", func(s *Server) handlerFunc { return s.caseFile }},
	{"GET /api/v1/bundles", func(s *Server) handlerFunc { return s.apiBundles }},
	{"PUT /api/v1/bundles/{code}", func(s *Server) handlerFunc { return s.apiBundlePut }},
	{"POST /api/v1/cases/{id}/tasks/{task}", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiTaskDo) }},
	{"POST /api/v1/cases/{id}/verify-materials", func(s *Server) handlerFunc { return s.keyed(http.StatusOK, s.apiCaseVerifyMaterials) }},
	{"GET /api/v1/licenses", func(s *Server) handlerFunc { return s.apiLicenses }},
	{"GET /api/v1/licenses/{id}", func(s *Server) handlerFunc { return s.apiLicense }},
	{"GET /api/v1/licenses/{id}/file", func(s *Server) handlerFunc { return s.licenseFile }},
	{"GET /api/v1/licenses/{id}/pdf", func(s *Server) handlerFunc { return s.apiLicensePDF }},
	{"POST /api/v1/licenses/{id}/{op}", func(s *Server) handlerFunc { return s.apiLicenseChange }},
	{"GET /api/v1/verify/{id}", func(s *Server) handlerFunc { return s.apiVerifyID }},
	{"POST /api/v1/verify", func(s *Server) handlerFunc { return s.apiVerifyFile }},
	{"GET /api/v1/license-types", func(s *Server) handlerFunc { return s.apiLicenseTypes }},
	{"PUT /api/v1/license-types/{code}", func(s *Server) handlerFunc { return s.apiLicenseTypePut }},
	{"POST /api/v1/cases/{id}/review", func(s *Server) handlerFunc { return s.apiCaseReview }},
	{"GET /api/v1/reviews/figures", func(s *Server) handlerFunc { return s.apiReviewFigures }},
	{"GET /api/v1/supervision/alerts", func(s *Server) handlerFunc { return s.apiSupervisionAlerts }},
	{"POST /api/v1/supervision/notices", func(s *Server) handlerFunc { return s.apiNoticeCreate }},
	{"POST /api/v1/supervision/notices/{id}/answer", func(s *Server) handlerFunc { return s.apiNoticeAnswer }},
	{"GET /api/v1/exposure", func(s *Server) handlerFunc { return s.apiExposures }},
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(openAPIDoc)
}

// apiAccount is an account as the API shows it: personal data masked.
type apiAccount struct {
	ID            string        `json:"id"`
	Kind          string        `json:"kind"`
	Username      string        `json:"username,omitempty"`
	Name          string        `json:"name"`
	Mobile        string        `json:"mobile,omitempty"`
	IDCard        string        `json:"idcard,omitempty"`
	RealNameLevel int           `json:"realname_level,omitempty"`
	OrgID         string        `json:"org_id,omitempty"`
	Roles         []yiwang.Role `json:"roles,omitempty"`
	Status        string        `json:"status"`
	EnterpriseID  string        `json:"enterprise_id,omitempty"`
}

func toAPIAccount(a identity.Account) apiAccount {
	return apiAccount{ID: a.ID, Kind: string(a.Kind), Username: a.Username, Name: a.Name,
		Mobile: idcode.MaskMobile(a.Mobile), IDCard: idcode.MaskIDCard(a.IDCard), RealNameLevel: a.RealNameLevel,
		OrgID: a.OrgID, Roles: a.Roles, Status: a.Status}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	a, err := s.Identity.Get(r.Context(), actor.AccountID)
	if err != nil {
		return err
	}
	out := toAPIAccount(a)
	out.EnterpriseID = actor.EnterpriseID
	if a.Mobile == "" {
		out.Mobile = ""
	}
	if a.IDCard == "" {
		out.IDCard = ""
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiSendCode(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Mobile  string `json:"mobile"`
		Purpose string `json:"purpose"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.sendCode(r, in.Purpose, in.Mobile); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "sent"})
	return nil
}

func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name     string `json:"name"`
		Mobile   string `json:"mobile"`
		IDCard   string `json:"idcard"`
		Code     string `json:"code"`
		Password string `json:"password"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.limitLogin(r); err != nil {
		return err
	}
	a, err := s.Identity.RegisterCitizen(r.Context(), identity.CitizenInput{Name: in.Name, Mobile: in.Mobile,
		IDCard: in.IDCard, Code: in.Code, Password: in.Password}, clientIP(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIAccount(a))
	return nil
}

// apiOrg is an org as the API shows it.
type apiOrg struct {
	ID         string `json:"id"`
	ParentID   string `json:"parent_id,omitempty"`
	Kind       string `json:"kind"`
	KindName   string `json:"kind_name,omitempty"`
	Level      int    `json:"level,omitempty"`
	Name       string `json:"name"`
	RegionCode string `json:"region_code,omitempty"`
	CreditCode string `json:"credit_code,omitempty"`
	Demo       bool   `json:"demo,omitempty"`
	Address    string `json:"address,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Hours      string `json:"hours,omitempty"`
	Sort       int    `json:"sort"`
	Disabled   bool   `json:"disabled"`
	Version    int64  `json:"version"`
}

func toAPIOrg(o org.Org) apiOrg {
	return apiOrg{ID: o.ID, ParentID: o.ParentID, Kind: string(o.Kind), KindName: o.Kind.Name(), Level: int(o.Level),
		Name: o.Name, RegionCode: o.RegionCode, CreditCode: o.CreditCode, Demo: o.Demo, Address: o.Address,
		Phone: o.Phone, Hours: o.Hours, Sort: o.Sort, Disabled: o.Disabled, Version: o.Version}
}

func (a apiOrg) org() org.Org {
	return org.Org{ID: a.ID, ParentID: a.ParentID, Kind: org.Kind(a.Kind), Name: a.Name, RegionCode: a.RegionCode,
		CreditCode: a.CreditCode, Address: a.Address, Phone: a.Phone, Hours: a.Hours, Sort: a.Sort,
		Disabled: a.Disabled, Version: a.Version}
}

func (s *Server) apiOrgs(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Orgs.Tree(r.Context())
	if err != nil {
		return err
	}
	out := make([]apiOrg, 0, len(all))
	for _, o := range all {
		out = append(out, toAPIOrg(o))
	}
	writeJSON(w, http.StatusOK, map[string]any{"orgs": out})
	return nil
}

func (s *Server) apiOrg(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Orgs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIOrg(o))
	return nil
}

func (s *Server) apiOrgCreate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in apiOrg
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := s.Orgs.Create(r.Context(), actor, in.org())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPIOrg(o))
	return nil
}

func (s *Server) apiOrgUpdate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in apiOrg
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	in.ID = r.PathValue("id")
	o, err := s.Orgs.Update(r.Context(), actor, in.org())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIOrg(o))
	return nil
}

func (s *Server) apiStaff(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	list, err := s.Identity.ListStaff(r.Context(), actor, identity.StaffFilter{OrgID: r.URL.Query().Get("org"), Query: r.URL.Query().Get("q")})
	if err != nil {
		return err
	}
	out := make([]apiAccount, 0, len(list))
	for _, a := range list {
		out = append(out, toAPIAccount(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"staff": out})
	return nil
}

func (s *Server) apiStaffCreate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in struct {
		Username string        `json:"username"`
		Name     string        `json:"name"`
		OrgID    string        `json:"org_id"`
		Mobile   string        `json:"mobile"`
		Roles    []yiwang.Role `json:"roles"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	a, pw, err := s.Identity.CreateStaff(r.Context(), actor, identity.StaffInput{Username: in.Username, Name: in.Name,
		OrgID: in.OrgID, Mobile: in.Mobile, Roles: in.Roles})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"account": toAPIAccount(a), "initial_password": pw})
	return nil
}

func (s *Server) apiStaffRoles(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in struct {
		Roles []yiwang.Role `json:"roles"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.Identity.SetRoles(r.Context(), actor, r.PathValue("id"), in.Roles); err != nil {
		return err
	}
	a, err := s.Identity.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIAccount(a))
	return nil
}

func (s *Server) apiStaffStatus(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Status != identity.StatusActive && in.Status != identity.StatusDisabled {
		return yiwang.Invalid(map[string]string{"status": "状态只能是 active 或 disabled"})
	}
	if err := s.Identity.SetStatus(r.Context(), actor, r.PathValue("id"), in.Status == identity.StatusDisabled); err != nil {
		return err
	}
	a, err := s.Identity.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIAccount(a))
	return nil
}

type apiAuditEntry struct {
	Seq       int64  `json:"seq"`
	At        string `json:"at"`
	ActorID   string `json:"actor_id"`
	ActorName string `json:"actor_name"`
	Action    string `json:"action"`
	Object    string `json:"object"`
	Result    string `json:"result"`
	IP        string `json:"ip"`
	Detail    string `json:"detail"`
	Hash      string `json:"hash"`
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleAuditAdmin); err != nil {
		return err
	}
	f, err := parseAuditFilter(r.URL.Query())
	if err != nil {
		return err
	}
	list, total, err := s.Audit.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]apiAuditEntry, 0, len(list))
	for _, e := range list {
		out = append(out, apiAuditEntry{Seq: e.Seq, At: e.At.Format("2006-01-02T15:04:05.000000Z07:00"), ActorID: e.ActorID,
			ActorName: e.ActorName, Action: e.Action, Object: e.Object, Result: e.Result, IP: e.IP, Detail: e.Detail, Hash: e.Hash})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "entries": out})
	return nil
}
