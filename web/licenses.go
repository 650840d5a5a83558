package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/license/render"
)

// limitVerify lets one address verify 100 licenses at once, then ten a
// second: enough for a hall's terminals behind one address, not for
// harvesting the register.
func (s *Server) limitVerify(r *http.Request) error {
	if !s.limits.allow("verify:"+clientIP(r), 100*time.Millisecond, 100) {
		return yiwang.Errorf(yiwang.ETOOMANY, "核验过于频繁，请稍后再试")
	}
	return nil
}

// errDamaged answers for a license whose stored file cannot be read.
var errDamaged = yiwang.Errorf(yiwang.ECONFLICT, "该证照的存储文件已损坏，无法下载，请联系颁发机构")

// siteURL is this site's address as the request reached it, for links
// printed on paper (QR codes).
func (s *Server) siteURL(r *http.Request) string {
	if s.SecureCookies {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// verifyPath is where the public verification page of a license is; its QR
// code holds this path on the site's address.
func verifyPath(id string) string { return "/verify?id=" + url.QueryEscape(id) }

// holderOf is the license holder the signed-in citizen or enterprise user
// is; ok false for staff and visitors.
func (s *Server) holderOf(r *http.Request) (license.Holder, bool, error) {
	actor := actorFrom(r)
	if actor.Anonymous() || actor.Kind == yiwang.KindStaff {
		return license.Holder{}, false, nil
	}
	a, err := s.Identity.Get(r.Context(), actor.AccountID)
	if err != nil {
		return license.Holder{}, false, err
	}
	return license.Holder{AccountID: a.ID, Name: a.Name, IDCard: a.IDCard, EnterpriseID: actor.EnterpriseID}, true, nil
}

type walletView struct {
	Page
	Licenses  []license.License
	Documents []license.License
}

// walletPage is 我的证照: the licenses and result documents the signed-in
// person (or the enterprise they act for) holds.
func (s *Server) walletPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireLogin(r); err != nil {
		return err
	}
	h, ok, err := s.holderOf(r)
	if err != nil {
		return err
	}
	if !ok {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "工作人员请在工作台查看本单位颁发的证照")
	}
	v := &walletView{Page: s.page(r, "我的证照")}
	if h.IDCard != "" || h.EnterpriseID != "" {
		ls, err := s.Licenses.Held(r.Context(), h)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if l.Kind == license.KindDocument {
				v.Documents = append(v.Documents, l)
			} else {
				v.Licenses = append(v.Licenses, l)
			}
		}
	}
	s.render(w, r, "wallet", v)
	return nil
}

// licenseFor returns a license to its holder or to staff of the org that
// issued it (who may also change it); nobody else learns it exists here.
func (s *Server) licenseFor(r *http.Request) (license.License, bool, error) {
	if _, err := requireLogin(r); err != nil {
		return license.License{}, false, err
	}
	l, err := s.Licenses.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return l, false, err
	}
	if h, ok, err := s.holderOf(r); err != nil {
		return l, false, err
	} else if ok && s.Licenses.IsHolder(r.Context(), h, l) {
		return l, false, nil
	}
	if s.Licenses.MayManage(r.Context(), actorFrom(r), l) {
		return l, true, nil
	}
	return license.License{}, false, yiwang.Errorf(yiwang.ENOTFOUND, "证照不存在")
}

type licenseView struct {
	Page
	L         license.License
	Type      license.Type
	Rows      []render.Row
	Seal      template.HTML
	QR        template.URL
	VerifyURL string
	Events    []license.Event
	Manage    bool // the viewer may change its status
	Form      Form
}

// licenseRows are the lines a license document shows, in order.
func licenseRows(l license.License, maskHolder bool) []render.Row {
	d := l.Data
	code := d.HolderCode
	if maskHolder {
		code = license.MaskedHolderCode(d)
	}
	codeLabel := "公民身份号码"
	if d.HolderCodeType == license.HolderCreditCode {
		codeLabel = "统一社会信用代码"
	}
	holderLabel := "持证人"
	if l.Kind == license.KindDocument {
		holderLabel = "申请人"
	}
	rows := []render.Row{{Label: holderLabel, Value: d.HolderName}, {Label: codeLabel, Value: code}}
	for _, f := range d.Fields {
		rows = append(rows, render.Row{Label: f.Name, Value: f.Value})
	}
	if l.Kind != license.KindDocument {
		until := d.ValidUntil
		if until == "" {
			until = "长期"
		}
		rows = append(rows, render.Row{Label: "有效期", Value: d.ValidFrom + " 至 " + until})
	}
	return append(rows, render.Row{Label: "颁发机构", Value: d.IssuerName}, render.Row{Label: "颁发日期", Value: d.IssuedOn},
		render.Row{Label: "证照标识", Value: d.ID})
}

func (s *Server) licenseView(r *http.Request, l license.License, manage bool) (*licenseView, error) {
	v := &licenseView{Page: s.page(r, l.TypeName), L: l, Rows: licenseRows(l, false), Manage: manage,
		Seal: template.HTML(render.SealSVG(l.Data.IssuerName)), VerifyURL: s.siteURL(r) + verifyPath(l.ID),
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	var err error
	if v.QR, err = qrDataURL(v.VerifyURL); err != nil {
		return nil, err
	}
	if v.Type, err = s.Licenses.Store.LicenseType(r.Context(), l.TypeCode); err != nil && yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
		return nil, err
	}
	if v.Events, err = s.Licenses.Events(r.Context(), l.ID); err != nil {
		return nil, err
	}
	return v, nil
}

// licensePage shows a license as a document with its seal and QR code,
// its history, the downloads, and for the issuer's staff the changes.
func (s *Server) licensePage(w http.ResponseWriter, r *http.Request) error {
	l, manage, err := s.licenseFor(r)
	if err != nil {
		return err
	}
	v, err := s.licenseView(r, l, manage)
	if err != nil {
		return err
	}
	s.render(w, r, "license", v)
	return nil
}

// licenseFile downloads the signed license file, byte for byte as issued.
func (s *Server) licenseFile(w http.ResponseWriter, r *http.Request) error {
	l, _, err := s.licenseFor(r)
	if err != nil {
		return err
	}
	if l.Damaged {
		return errDamaged
	}
	writeLicenseFile(w, l)
	return nil
}

func writeLicenseFile(w http.ResponseWriter, l license.License) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.json"`, l.ID))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(l.File)
}

// licensePDF downloads the license as a PDF document.
func (s *Server) licensePDF(w http.ResponseWriter, r *http.Request) error {
	l, _, err := s.licenseFor(r)
	if err != nil {
		return err
	}
	if l.Damaged {
		return errDamaged
	}
	b, err := s.licensePDFBytes(r, l)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.pdf"`, l.ID))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(b)
	return nil
}

func (s *Server) licensePDFBytes(r *http.Request, l license.License) ([]byte, error) {
	d := render.Doc{Title: l.TypeName, Subtitle: "（电子证照）", Rows: licenseRows(l, false), IssuerName: l.Data.IssuerName,
		IssuedOn: chineseDate(l.Data.IssuedOn), VerifyURL: s.siteURL(r) + verifyPath(l.ID),
		Footer: "签章算法 SM2-SM3，签章密钥 " + l.KeyID + "；核验：" + s.siteURL(r) + "/verify"}
	if l.Kind == license.KindDocument {
		d.Subtitle = "（电子文书）"
	}
	if t, err := s.Licenses.Store.LicenseType(r.Context(), l.TypeCode); err == nil && t.Note != "" {
		d.Paragraphs = []string{t.Note}
	}
	if l.Status != license.StatusValid {
		d.Status = license.StatusName(l.Status)
	}
	b, err := render.PDF(d)
	if errors.Is(err, render.ErrNoFont) {
		return nil, yiwang.Errorf(yiwang.EUNAVAILABLE, "%s", err.Error())
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// chineseDate writes "2026-11-26" as 2026年11月26日.
func chineseDate(d string) string {
	var y, m, day int
	if _, err := fmt.Sscanf(d, "%d-%d-%d", &y, &m, &day); err != nil {
		return d
	}
	return fmt.Sprintf("%d年%d月%d日", y, m, day)
}

// licenseChange suspends, resumes, revokes, cancels or renews a license:
// the issuer's staff, with a reason.
func (s *Server) licenseChange(w http.ResponseWriter, r *http.Request) error {
	l, manage, err := s.licenseFor(r)
	if err != nil {
		return err
	}
	if !manage {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有颁发机构的工作人员可以变更证照状态")
	}
	op, reason := r.PathValue("op"), r.PostFormValue("reason")
	var out license.License
	if op == "renew" {
		out, err = s.Licenses.Renew(r.Context(), actorFrom(r), l.ID, reason)
	} else {
		out, err = s.Licenses.Change(r.Context(), actorFrom(r), l.ID, op, reason)
	}
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v, verr := s.licenseView(r, l, manage)
		if verr != nil {
			return verr
		}
		v.Form = newForm(r, "reason")
		v.Form.Values["op"] = op
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "license", v)
		return nil
	}
	flash := "证照已" + license.ChangeName(op)
	if op == "renew" {
		flash = "已换发新版本 " + out.ID
	}
	s.Sessions.Put(r.Context(), sessFlash, flash)
	http.Redirect(w, r, "/licenses/"+url.PathEscape(out.ID), http.StatusSeeOther)
	return nil
}

type licenseCheckView struct {
	Page
	Query   string
	Checked bool
	Check   license.Check
	Rows    []render.Row
	Seal    template.HTML
	Error   string
}

// verifyTarget reads what someone typed or scanned into an identifier: the
// identifier itself, or the URL of our QR code, which must be this site's
// (host) /verify page. A URL elsewhere is refused, even with a real
// identifier in it: the code in the person's hand leads to another site.
func verifyTarget(q, host string) (string, error) {
	q = strings.TrimSpace(q)
	if !strings.Contains(q, "://") && !strings.HasPrefix(q, "/") {
		return q, nil
	}
	u, err := url.Parse(q)
	if err != nil || u.Path != "/verify" || u.Query().Get("id") == "" || (u.Host != "" && u.Host != host) ||
		(u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || (u.Host == "" && u.Scheme != "") {
		return "", yiwang.Errorf(yiwang.EINVALID, "这不是本平台的证照核验二维码，请核对来源，谨防假冒网站")
	}
	return u.Query().Get("id"), nil
}

// verifyLicensePage is the public verification page: by identifier (typed
// or from the QR code) or by uploading a license file.
func (s *Server) verifyLicensePage(w http.ResponseWriter, r *http.Request) error {
	v := &licenseCheckView{Page: s.page(r, "电子证照核验")}
	q := r.URL.Query().Get("id")
	if q == "" {
		q = r.URL.Query().Get("q")
	}
	v.Query = q
	if strings.TrimSpace(q) != "" {
		if err := s.limitVerify(r); err != nil {
			return err
		}
		id, err := verifyTarget(q, r.Host)
		if err != nil {
			v.Error = yiwang.ErrorMessage(err)
			w.WriteHeader(http.StatusBadRequest)
		} else if err := s.runCheck(r.Context(), v, func(ctx context.Context) (license.Check, error) {
			return s.Licenses.CheckID(ctx, id)
		}); err != nil {
			return err
		}
	}
	s.render(w, r, "license_verify", v)
	return nil
}

func (s *Server) runCheck(ctx context.Context, v *licenseCheckView, check func(context.Context) (license.Check, error)) error {
	c, err := check(ctx)
	if err != nil {
		return err
	}
	v.Checked, v.Check = true, c
	if c.License != nil {
		// The public learns who holds it (masked), not what it says: the
		// verifier compares with the document shown to them.
		pub := *c.License
		pub.Data.Fields = nil
		v.Rows = licenseRows(pub, true)
		v.Rows[0].Value = maskHolderName(pub)
		v.Seal = template.HTML(render.SealSVG(c.License.Data.IssuerName))
	}
	return nil
}

// maskHolderName shows a person's name masked to the public and an
// enterprise's name in full (it is public).
func maskHolderName(l license.License) string {
	if l.Data.HolderCodeType == license.HolderCreditCode {
		return l.Data.HolderName
	}
	return idcode.MaskName(l.Data.HolderName)
}

// verifyLicenseFile checks an uploaded license file.
func (s *Server) verifyLicenseFile(w http.ResponseWriter, r *http.Request) error {
	v := &licenseCheckView{Page: s.page(r, "电子证照核验")}
	if err := s.limitVerify(r); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, license.MaxFileSize+64<<10)
	f, _, err := r.FormFile("file")
	if err != nil {
		v.Error = "请选择要核验的证照文件（.json）"
		w.WriteHeader(http.StatusBadRequest)
		s.render(w, r, "license_verify", v)
		return nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, license.MaxFileSize+1))
	if err != nil || len(data) > license.MaxFileSize {
		v.Error = "证照文件过大"
		w.WriteHeader(http.StatusBadRequest)
		s.render(w, r, "license_verify", v)
		return nil
	}
	if err := s.runCheck(r.Context(), v, func(ctx context.Context) (license.Check, error) {
		return s.Licenses.CheckFile(ctx, data)
	}); err != nil {
		return err
	}
	s.render(w, r, "license_verify", v)
	return nil
}

type workLicensesView struct {
	Page
	Q        string
	Licenses []license.License
}

// workLicensesPage lists the licenses the staff member's org (and the orgs
// below it) issued, newest first, with a search.
func (s *Server) workLicensesPage(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCaseOfficer, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	mine, err := s.Orgs.Subtree(r.Context(), actor.OrgID)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(mine))
	for id := range mine {
		ids = append(ids, id)
	}
	v := &workLicensesView{Page: s.page(r, "本单位颁发的证照"), Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if v.Licenses, err = s.Licenses.Store.Licenses(r.Context(), license.ListQuery{OrgIDs: ids, Q: v.Q, Limit: 100}); err != nil {
		return err
	}
	today := s.Clock.Now().In(yiwang.Shanghai).Format("2006-01-02")
	for i := range v.Licenses {
		v.Licenses[i].Status = v.Licenses[i].StatusOn(today)
	}
	s.render(w, r, "licenses_work", v)
	return nil
}
