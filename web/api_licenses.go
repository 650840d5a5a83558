package web

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/license"
)

// apiLicense is a license as the API shows it to its holder or issuer.
type apiLicense struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	TypeCode   string            `json:"type_code"`
	Kind       string            `json:"kind"`
	Version    int               `json:"version"`
	Status     string            `json:"status"`
	StatusName string            `json:"status_name"`
	StatusNote string            `json:"status_note,omitempty"`
	HolderName string            `json:"holder_name"`
	HolderCode string            `json:"holder_code"` // masked for ID numbers
	HolderType string            `json:"holder_code_type"`
	IssuerName string            `json:"issuer_name"`
	IssuerCode string            `json:"issuer_code"`
	IssuedOn   string            `json:"issued_on"`
	ValidFrom  string            `json:"valid_from"`
	ValidUntil string            `json:"valid_until"` // "" for 长期
	Fields     []apiLicenseField `json:"fields"`
	CaseNo     string            `json:"case_no,omitempty"`
	KeyID      string            `json:"key_id"`
	Events     []apiLicenseEvent `json:"events,omitempty"`
	Links      map[string]string `json:"links"`
}

type apiLicenseField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// apiLicenseEvent is one status change; Statement is the exact signed
// bytes and Signature their SM2-SM3 signature (base64 DER) by KeyID.
type apiLicenseEvent struct {
	At        string `json:"at"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Reason    string `json:"reason,omitempty"`
	Actor     string `json:"actor,omitempty"`
	Statement string `json:"statement,omitempty"`
	Signature []byte `json:"signature,omitempty"`
	KeyID     string `json:"key_id,omitempty"`
}

func toAPILicenseEvent(ev license.Event) apiLicenseEvent {
	return apiLicenseEvent{At: ev.At.UTC().Format(apiTime), Kind: ev.Kind, Status: ev.Status, Reason: ev.Reason,
		Actor: ev.ActorName, Statement: string(ev.Statement), Signature: ev.Signature, KeyID: ev.KeyID}
}

func toAPILicense(l license.License) apiLicense {
	d := l.Data
	out := apiLicense{ID: l.ID, Type: l.TypeName, TypeCode: l.TypeCode, Kind: l.Kind, Version: l.Version, Status: l.Status,
		StatusName: license.StatusName(l.Status), StatusNote: l.StatusNote, HolderName: d.HolderName,
		HolderCode: license.MaskedHolderCode(d), HolderType: d.HolderCodeType, IssuerName: d.IssuerName,
		IssuerCode: d.IssuerCode, IssuedOn: d.IssuedOn, ValidFrom: d.ValidFrom, ValidUntil: d.ValidUntil,
		Fields: []apiLicenseField{}, CaseNo: l.CaseNo, KeyID: l.KeyID,
		Links: map[string]string{"file": "/api/v1/licenses/" + l.ID + "/file", "pdf": "/api/v1/licenses/" + l.ID + "/pdf",
			"verify": "/api/v1/verify/" + l.ID, "page": "/licenses/" + l.ID}}
	for _, f := range d.Fields {
		out.Fields = append(out.Fields, apiLicenseField{Name: f.Name, Value: f.Value})
	}
	return out
}

// apiLicenses lists the caller's wallet (citizens and enterprise users) or
// the licenses their org issued (case officers and department heads).
func (s *Server) apiLicenses(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var ls []license.License
	if actor.Kind == yiwang.KindStaff {
		if !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleDeptHead) {
			return yiwang.Errorf(yiwang.EFORBIDDEN, "只有承办人或部门负责人可以查看本单位颁发的证照")
		}
		mine, err := s.Orgs.Subtree(r.Context(), actor.OrgID)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(mine))
		for id := range mine {
			ids = append(ids, id)
		}
		if ls, err = s.Licenses.Store.Licenses(r.Context(), license.ListQuery{OrgIDs: ids, Q: r.URL.Query().Get("q"), Limit: 100}); err != nil {
			return err
		}
		today := s.Clock.Now().In(yiwang.Shanghai).Format("2006-01-02")
		for i := range ls {
			ls[i].Status = ls[i].StatusOn(today)
		}
	} else {
		h, _, err := s.holderOf(r)
		if err != nil {
			return err
		}
		if h.IDCard != "" || h.EnterpriseID != "" {
			if ls, err = s.Licenses.Held(r.Context(), h); err != nil {
				return err
			}
		}
	}
	out := make([]apiLicense, 0, len(ls))
	for _, l := range ls {
		out = append(out, toAPILicense(l))
	}
	writeJSON(w, http.StatusOK, map[string]any{"licenses": out})
	return nil
}

func (s *Server) apiLicense(w http.ResponseWriter, r *http.Request) error {
	l, _, err := s.licenseFor(r)
	if err != nil {
		return err
	}
	return s.writeLicense(w, r, l, http.StatusOK)
}

func (s *Server) writeLicense(w http.ResponseWriter, r *http.Request, l license.License, code int) error {
	evs, err := s.Licenses.Events(r.Context(), l.ID)
	if err != nil {
		return err
	}
	out := toAPILicense(l)
	for _, ev := range evs {
		out.Events = append(out.Events, toAPILicenseEvent(ev))
	}
	writeJSON(w, code, out)
	return nil
}

// apiLicensePDF is the PDF of a license for its holder or issuer.
func (s *Server) apiLicensePDF(w http.ResponseWriter, r *http.Request) error {
	return s.licensePDF(w, r)
}

// apiLicenseChange suspends, resumes, revokes, cancels or renews a license.
func (s *Server) apiLicenseChange(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	l, manage, err := s.licenseFor(r)
	if err != nil {
		return err
	}
	if !manage {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有颁发机构的工作人员可以变更证照状态")
	}
	op := r.PathValue("op")
	var out license.License
	switch op {
	case "renew":
		out, err = s.Licenses.Renew(r.Context(), actorFrom(r), l.ID, in.Reason)
	case "suspend", "resume", "revoke", "cancel":
		out, err = s.Licenses.Change(r.Context(), actorFrom(r), l.ID, op, in.Reason)
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "接口不存在：%s %s", r.Method, r.URL.Path)
	}
	if err != nil {
		return err
	}
	if out, err = s.Licenses.Get(r.Context(), out.ID); err != nil {
		return err
	}
	return s.writeLicense(w, r, out, http.StatusOK)
}

// apiCheck is the public answer of a verification.
type apiCheck struct {
	Verdict     string           `json:"verdict"`
	VerdictName string           `json:"verdict_name"`
	Reason      string           `json:"reason"`
	License     *apiPublicLic    `json:"license,omitempty"`
	LastSigned  *apiLicenseEvent `json:"last_signed_status,omitempty"`
}

// apiPublicLic is what anyone may learn of a license by its identifier.
type apiPublicLic struct {
	ID         string `json:"id"`
	Type       string `json:"type"`
	HolderName string `json:"holder_name"` // masked for people
	HolderCode string `json:"holder_code"` // masked for ID numbers
	IssuerName string `json:"issuer_name"`
	IssuerCode string `json:"issuer_code"`
	IssuedOn   string `json:"issued_on"`
	ValidUntil string `json:"valid_until"`
	KeyID      string `json:"key_id"`
}

func (s *Server) writeCheck(w http.ResponseWriter, c license.Check) {
	out := apiCheck{Verdict: c.Verdict, VerdictName: license.CheckWords(c.Verdict), Reason: c.Reason}
	if l := c.License; l != nil {
		out.License = &apiPublicLic{ID: l.ID, Type: l.TypeName, HolderName: maskHolderName(*l),
			HolderCode: license.MaskedHolderCode(l.Data), IssuerName: l.Data.IssuerName, IssuerCode: l.Data.IssuerCode,
			IssuedOn: l.Data.IssuedOn, ValidUntil: l.Data.ValidUntil, KeyID: l.KeyID}
	}
	if c.Last != nil {
		ev := toAPILicenseEvent(*c.Last)
		ev.Actor = ""
		out.LastSigned = &ev
	}
	writeJSON(w, http.StatusOK, out)
}

// apiVerifyID verifies a license by identifier (or the URL of its QR
// code): 200 with a verdict for any input, never an error for a bad one.
func (s *Server) apiVerifyID(w http.ResponseWriter, r *http.Request) error {
	if err := s.limitVerify(r); err != nil {
		return err
	}
	id, err := verifyTarget(r.PathValue("id"), r.Host)
	if err != nil {
		s.writeCheck(w, license.Check{Verdict: license.CheckMalformed, Reason: yiwang.ErrorMessage(err)})
		return nil
	}
	c, err := s.Licenses.CheckID(r.Context(), id)
	if err != nil {
		return err
	}
	s.writeCheck(w, c)
	return nil
}

// apiVerifyFile verifies a license file sent as the request body.
func (s *Server) apiVerifyFile(w http.ResponseWriter, r *http.Request) error {
	if err := s.limitVerify(r); err != nil {
		return err
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, license.MaxFileSize))
	if err != nil {
		return err
	}
	return s.verifyBytes(r.Context(), w, data)
}

func (s *Server) verifyBytes(ctx context.Context, w http.ResponseWriter, data []byte) error {
	c, err := s.Licenses.CheckFile(ctx, data)
	if err != nil {
		return err
	}
	s.writeCheck(w, c)
	return nil
}

// apiLicenseType is a license type as the API shows and takes it.
type apiLicenseType struct {
	Code       string              `json:"code"`
	Name       string              `json:"name"`
	Kind       string              `json:"kind"`
	IssuerOrg  string              `json:"issuer_org_id"`
	Fields     []license.TypeField `json:"fields"`
	ValidYears int                 `json:"valid_years"`
	Template   string              `json:"template"`
	Note       string              `json:"note"`
	Rev        int64               `json:"rev"`
}

func toAPILicenseType(t license.Type) apiLicenseType {
	if t.Fields == nil {
		t.Fields = []license.TypeField{}
	}
	return apiLicenseType{Code: t.Code, Name: t.Name, Kind: t.Kind, IssuerOrg: t.IssuerOrgID, Fields: t.Fields,
		ValidYears: t.ValidYears, Template: t.Template, Note: t.Note, Rev: t.Rev}
}

func (s *Server) apiLicenseTypes(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireLogin(r); err != nil {
		return err
	}
	ts, err := s.Licenses.Types(r.Context())
	if err != nil {
		return err
	}
	out := make([]apiLicenseType, 0, len(ts))
	for _, t := range ts {
		out = append(out, toAPILicenseType(t))
	}
	writeJSON(w, http.StatusOK, map[string]any{"types": out})
	return nil
}

// apiLicenseTypePut adds (rev 0) or changes (the rev read) a license type.
func (s *Server) apiLicenseTypePut(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in apiLicenseType
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	code := strings.TrimSpace(r.PathValue("code"))
	if in.Code != "" && in.Code != code {
		return yiwang.Invalid(map[string]string{"code": "请求体中的 code 与路径不一致"})
	}
	t, err := s.Licenses.SaveType(r.Context(), actor, license.Type{Code: code, Name: in.Name, Kind: in.Kind,
		IssuerOrgID: in.IssuerOrg, Fields: in.Fields, ValidYears: in.ValidYears, Template: in.Template, Note: in.Note, Rev: in.Rev})
	if err != nil {
		return err
	}
	st := http.StatusOK
	if in.Rev == 0 {
		st = http.StatusCreated
	}
	writeJSON(w, st, toAPILicenseType(t))
	return nil
}

// apiCaseVerifyMaterials records that materials were checked against the
// originals (credibility B), for reuse in the holder's later cases.
func (s *Server) apiCaseVerifyMaterials(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Materials []int `json:"materials"` // indexes into the guide's materials
	}
	return s.caseAction(&in, false, func(ctx context.Context, actor yiwang.Actor, id string) error {
		_, err := s.Cases.VerifyMaterials(ctx, actor, id, in.Materials)
		return err
	})(w, r)
}
