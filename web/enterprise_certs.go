package web

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/yushan-gov/yiwang/identity/certlogin"
)

// maxCertUpload caps the certificate registration form.
const maxCertUpload = 64 << 10

type certRow struct {
	certlogin.Cert
	State     string
	StateName string
	SHA256    string // grouped for reading
	SM3Hex    string
}

type certsView struct {
	Page
	EnterpriseName string
	CreditCode     string
	Certs          []certRow
	Form           Form
	Reason         string
}

// groupHex writes a hex fingerprint in upper case, in groups of four.
func groupHex(h string) string {
	h = strings.ToUpper(h)
	var b strings.Builder
	for i := 0; i < len(h); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h[i:min(i+4, len(h))])
	}
	return b.String()
}

func (s *Server) certsView(r *http.Request, f Form) (*certsView, error) {
	actor, err := requireLogin(r)
	if err != nil {
		return nil, err
	}
	ent, cs, err := s.Certs.List(r.Context(), actor)
	if err != nil {
		return nil, err
	}
	v := &certsView{Page: s.page(r, "企业证书"), EnterpriseName: ent.Name, CreditCode: ent.CreditCode, Form: f}
	now := s.Clock.Now()
	for _, c := range cs {
		st := c.State(now)
		v.Certs = append(v.Certs, certRow{Cert: c, State: st, StateName: certlogin.StateName(st),
			SHA256: groupHex(c.Fingerprint), SM3Hex: groupHex(c.SM3)})
	}
	return v, nil
}

func (s *Server) certsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.certsView(r, Form{Values: map[string]string{}, Errors: map[string]string{}})
	if err != nil {
		return err
	}
	s.render(w, r, "enterprise_certs", v)
	return nil
}

// certAdd registers a certificate: a chosen file (PEM or DER) or pasted text.
func (s *Server) certAdd(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	f := Form{Values: map[string]string{}, Errors: map[string]string{}, Order: []string{"cert_file", certlogin.FieldCert}}
	r.Body = http.MaxBytesReader(w, r.Body, maxCertUpload)
	var data []byte
	field := certlogin.FieldCert
	if err := r.ParseMultipartForm(maxCertUpload); err == nil {
		if file, _, ferr := r.FormFile("cert_file"); ferr == nil {
			data, err = io.ReadAll(file)
			file.Close()
			if err != nil {
				return err
			}
			field = "cert_file"
		}
	} else if !errors.Is(err, http.ErrNotMultipart) {
		f.Errors["cert_file"] = "上传的文件过大或格式不正确：证书文件通常只有 1～2 KB"
		return s.renderCerts(w, r, f, "cert_malformed", http.StatusBadRequest)
	}
	if len(data) == 0 {
		data = []byte(r.FormValue(certlogin.FieldCert))
	}
	c, err := s.Certs.Register(r.Context(), actor, data)
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Fail(err)
		if msg, ok := f.Errors[certlogin.FieldCert]; ok && field != certlogin.FieldCert {
			delete(f.Errors, certlogin.FieldCert)
			f.Errors[field] = msg
		}
		if certlogin.Reason(err) != certlogin.ReasonPrivateKey && field == certlogin.FieldCert {
			f.Values[certlogin.FieldCert] = r.FormValue(certlogin.FieldCert)
		}
		if certlogin.Reason(err) == certlogin.ReasonNotLegalRep {
			return err
		}
		return s.renderCerts(w, r, f, certErrorCode(err), status(err))
	}
	s.Sessions.Put(r.Context(), sessFlash, "证书已登记（"+c.KeyAlg+"，序列号 "+c.Serial+"）。现在可以用它在“法人证书登录”页面登录")
	http.Redirect(w, r, "/enterprise/certs", http.StatusSeeOther)
	return nil
}

func (s *Server) renderCerts(w http.ResponseWriter, r *http.Request, f Form, reason string, code int) error {
	v, err := s.certsView(r, f)
	if err != nil {
		return err
	}
	v.Reason = reason
	w.Header().Set(reasonHeader, reason)
	w.WriteHeader(code)
	s.render(w, r, "enterprise_certs", v)
	return nil
}

func (s *Server) certRevoke(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if err := s.Certs.Revoke(r.Context(), actor, r.PathValue("id")); err != nil {
		w.Header().Set(reasonHeader, certErrorCode(err))
		return err
	}
	s.Sessions.Put(r.Context(), sessFlash, "证书已吊销，不能再用于登录")
	http.Redirect(w, r, "/enterprise/certs", http.StatusSeeOther)
	return nil
}
