package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/seal"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// getBytes fetches a path and returns the status and raw body.
func (c *client) getBytes(path string) (int, http.Header, []byte) {
	c.t.Helper()
	resp, err := c.hc.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, resp.Header, b.Bytes()
}

// demoLicense returns the demo 营业执照 张三 holds (issued when the demo
// case was granted on start).
func demoLicense(t *testing.T, ts *testServer) license.License {
	t.Helper()
	ls, err := ts.app.db.LicensesHeldBy(context.Background(), license.HolderIDCard, demo.People[0].IDCard)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.TypeName == "营业执照" {
			return l
		}
	}
	t.Fatalf("the demo did not issue 张三 a 营业执照: %d licenses", len(ls))
	return license.License{}
}

// TestLicenseJourney follows an e-license the demo issued on start: the
// holder's wallet, document, signed file and PDF; offline and public
// verification; revocation by the issuer; and who may see what.
func TestLicenseJourney(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { licenseJourney(t, engine) })
	}
}

func licenseJourney(t *testing.T, engine string) {
	ts := startServer(t, engine)
	l := demoLicense(t, ts)
	citizen := ts.client()
	citizen.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})

	// The wallet lists it; its page is the document with seal, QR and fields.
	if w := citizen.get("/licenses"); w.Status != 200 || w.Doc.Find(`a[href="/licenses/`+l.ID+`"]`).Length() == 0 {
		t.Fatalf("wallet: %d %s", w.Status, w.Doc.Find("main").Text())
	}
	doc := citizen.get("/licenses/" + l.ID)
	if doc.Status != 200 || doc.Doc.Find("#license-doc svg").Length() == 0 || doc.Doc.Find(`#license-doc img[src^="data:image/png"]`).Length() == 0 ||
		!strings.Contains(doc.Body, "雨山区张三便利店") || !strings.Contains(doc.Body, "仅供办理政务服务事项时使用") {
		t.Fatalf("license page: %d", doc.Status)
	}
	if doc.Doc.Find("#license-manage").Length() != 0 {
		t.Fatal("the holder is offered the issuer's changes")
	}

	// The signed file downloads byte for byte and verifies offline with the
	// published keys only; one changed byte fails.
	st, hdr, file := citizen.getBytes("/licenses/" + l.ID + "/file")
	if st != 200 || !bytes.Equal(file, l.File) || !strings.Contains(hdr.Get("Content-Disposition"), l.ID+".json") {
		t.Fatalf("file download: %d %q", st, hdr.Get("Content-Disposition"))
	}
	dir := t.TempDir()
	fpath := filepath.Join(dir, "license.json")
	os.WriteFile(fpath, file, 0o600)
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"license", "verify", fpath, "--url", ts.URL}, &out, &errb); err != nil ||
		!strings.Contains(out.String(), "证照文件有效") {
		t.Fatalf("license verify: %v %s %s", err, out.String(), errb.String())
	}
	bad := bytes.Replace(file, []byte("张三"), []byte("李四"), 1)
	os.WriteFile(fpath, bad, 0o600)
	if err := run(context.Background(), []string{"license", "verify", fpath, "--url", ts.URL}, &out, &errb); exitCode(err) != 1 {
		t.Fatalf("a changed file verified: %v", err)
	}

	// The CLI lists it and exports the same bytes.
	out.Reset()
	dataArgs := []string{"--data", ts.cfg.Data}
	if ts.cfg.DB != "" {
		dataArgs = append(dataArgs, "--db", ts.cfg.DB)
	}
	if err := run(context.Background(), append([]string{"license", "list"}, dataArgs...), &out, &errb); err != nil || !strings.Contains(out.String(), l.ID) {
		t.Fatalf("license list: %v %q %s", err, out.String(), errb.String())
	}
	epath := filepath.Join(dir, "export.json")
	if err := run(context.Background(), append([]string{"license", "export", l.ID, "-o", epath}, dataArgs...), &out, &errb); err != nil {
		t.Fatalf("license export: %v %s", err, errb.String())
	}
	if got, _ := os.ReadFile(epath); !bytes.Equal(got, l.File) {
		t.Fatal("exported file differs from the issued one")
	}
	if err := run(context.Background(), append([]string{"license", "export", "1.2.156.3005.2.nope", "-o", epath}, dataArgs...), &out, &errb); exitCode(err) != 1 {
		t.Fatalf("export of an unknown license: %v", err)
	}

	// The PDF has every field as text, in Chinese, with the watermark.
	st, hdr, pdf := citizen.getBytes("/licenses/" + l.ID + "/pdf")
	if st != 200 || hdr.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("pdf: %d %s", st, hdr.Get("Content-Type"))
	}
	checkPDFText(t, pdf, append(fieldValues(l), "营业执照", "仅供办理政务服务事项时使用", l.Data.IssuerName)...)

	// Anyone verifies it by identifier or QR code: valid, name masked.
	anon := ts.client()
	v := anon.get("/verify?id=" + url.QueryEscape(l.ID))
	if v.Status != 200 || strings.TrimSpace(v.Doc.Find("#verdict-word").Text()) != "有效" || strings.Contains(v.Body, demo.People[0].IDCard) ||
		strings.Contains(v.Doc.Find("main").Text(), "张三") {
		t.Fatalf("public verification: %d %q", v.Status, v.Doc.Find("#verdict").Text())
	}
	if v := anon.get("/verify?q=" + url.QueryEscape(ts.URL+"/verify?id="+l.ID)); strings.TrimSpace(v.Doc.Find("#verdict-word").Text()) != "有效" {
		t.Fatal("the QR code's URL does not verify")
	}
	for _, elsewhere := range []string{"https://evil.example/check?id=" + l.ID, "https://evil.example/verify?id=" + l.ID} {
		if v := anon.get("/verify?q=" + url.QueryEscape(elsewhere)); v.Status != 400 || !strings.Contains(v.Doc.Find("#verify-error").Text(), "不是本平台") {
			t.Fatalf("a QR pointing elsewhere (%s): %d", elsewhere, v.Status)
		}
	}
	if v := anon.get("/verify?q=garbage"); strings.TrimSpace(v.Doc.Find("#verdict-word").Text()) != "无法识别" {
		t.Fatal("garbage is not refused")
	}
	var chk struct{ Verdict string }
	p := anon.api(http.MethodGet, "/api/v1/verify/"+l.ID, "", "")
	if json.Unmarshal([]byte(p.Body), &chk); chk.Verdict != "valid" {
		t.Fatalf("api verify: %s", p.Body)
	}

	// Nobody else sees it; the holder cannot revoke it.
	other := ts.client()
	other.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[1].Mobile}, "password": {demo.CitizenPassword}})
	if p := other.get("/licenses/" + l.ID); p.Status != 404 {
		t.Fatalf("another citizen reads the license: %d", p.Status)
	}
	if st, _, _ := other.getBytes("/licenses/" + l.ID + "/file"); st != 404 {
		t.Fatalf("another citizen downloads the license: %d", st)
	}
	if p := citizen.post("/licenses/"+l.ID+"/revoke", url.Values{"reason": {"持证人自行吊销"}}); p.Status != 403 {
		t.Fatalf("the holder revokes: %d", p.Status)
	}

	// The issuer revokes it with reasons; the public page and API say so.
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	if p := officer.post("/licenses/"+l.ID+"/revoke", url.Values{"reason": {"短"}}); p.Status != 400 || p.Doc.Find("#e-reason").Length() == 0 {
		t.Fatalf("revoke without reasons: %d", p.Status)
	}
	if p := officer.post("/licenses/"+l.ID+"/revoke", url.Values{"reason": {"以欺骗手段取得登记，依法撤销"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if v := anon.get("/verify?id=" + url.QueryEscape(l.ID)); strings.TrimSpace(v.Doc.Find("#verdict-word").Text()) != "已吊销" {
		t.Fatalf("after revocation: %q", v.Doc.Find("#verdict").Text())
	}
	p = anon.api(http.MethodGet, "/api/v1/verify/"+l.ID, "", "")
	var rev struct {
		Verdict    string
		LastSigned struct {
			Status    string
			Statement string
			Signature []byte
			KeyID     string `json:"key_id"`
		} `json:"last_signed_status"`
	}
	if json.Unmarshal([]byte(p.Body), &rev); rev.Verdict != "revoked" || rev.LastSigned.Status != "revoked" ||
		!strings.Contains(rev.LastSigned.Statement, `"status":"revoked"`) || len(rev.LastSigned.Signature) == 0 {
		t.Fatalf("api after revocation: %s", p.Body)
	}
	// The holder is told and sees it on the license.
	if m := citizen.get("/messages"); !strings.Contains(m.Body, "吊销") {
		t.Fatal("the holder was not told of the revocation")
	}
	if d := citizen.get("/licenses/" + l.ID); !strings.Contains(d.Doc.Find("#license-status").Text(), "已吊销") {
		t.Fatal("the license page does not say it is revoked")
	}
	// A revoked license cannot be revoked again: a clear conflict, nothing changes.
	before := ts.count("license_events")
	if p := officer.post("/licenses/"+l.ID+"/revoke", url.Values{"reason": {"重复操作测试"}}); p.Status != http.StatusConflict {
		t.Fatalf("second revocation: %d", p.Status)
	}
	if ts.count("license_events") != before {
		t.Fatal("a refused change left an event")
	}
}

// fieldValues are the values a license shows.
func fieldValues(l license.License) []string {
	var out []string
	for _, f := range l.Data.Fields {
		if f.Value != "" {
			out = append(out, f.Value)
		}
	}
	return out
}

// checkPDFText extracts a PDF's text with pdftotext and checks that every
// want appears, whitespace aside.
func checkPDFText(t *testing.T, pdf []byte, want ...string) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("YIWANG_REQUIRE_PDF") == "1" {
			t.Fatal("pdftotext (poppler-utils) is required")
		}
		t.Log("PDF text not checked: pdftotext (poppler-utils) is not installed")
		return
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "l.pdf")
	os.WriteFile(in, pdf, 0o600)
	txt, err := exec.Command("pdftotext", "-raw", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	flat := strings.Join(strings.Fields(string(txt)), "")
	for _, w := range want {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), "")) {
			t.Errorf("PDF text lacks %q:\n%s", w, txt)
		}
	}
}

// exitCode is the process exit code run's error stands for: 0 for nil.
func exitCode(err error) int {
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	}
	return 1
}

// TestLicenseEd25519: an installation that chose Ed25519 seal keys issues
// licenses that name the algorithm, verify online and offline, and whose
// published key says Ed25519.
func TestLicenseEd25519(t *testing.T) {
	t.Setenv("YIWANG_SEAL_ALG", "ed25519")
	ts := startServer(t, sqlstore.SQLite)
	l := demoLicense(t, ts)
	if !bytes.HasPrefix(l.File, []byte(`{"alg":"Ed25519"`)) {
		t.Fatalf("file: %.40s", l.File)
	}
	if p := ts.client().get(seal.WellKnownPath); !strings.Contains(p.Body, `"alg": "Ed25519"`) && !strings.Contains(p.Body, `"alg":"Ed25519"`) {
		t.Fatalf("published keys: %s", p.Body)
	}
	fpath := filepath.Join(t.TempDir(), "l.json")
	os.WriteFile(fpath, l.File, 0o600)
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"license", "verify", fpath, "--url", ts.URL}, &out, &errb); err != nil {
		t.Fatalf("offline: %v %s", err, errb.String())
	}
	if v := ts.client().get("/verify?id=" + url.QueryEscape(l.ID)); strings.TrimSpace(v.Doc.Find("#verdict-word").Text()) != "有效" {
		t.Fatalf("online: %s", v.Doc.Find("#verdict").Text())
	}
	t.Setenv("YIWANG_SEAL_ALG", "rsa")
	if _, err := open(context.Background(), ts.cfg.config, quietLog(io.Discard), false, false); err == nil || !strings.Contains(err.Error(), "YIWANG_SEAL_ALG") {
		t.Fatalf("an unknown algorithm is not refused: %v", err)
	}
}

// TestVerifyRateLimited: one address may verify 100 licenses at once, then
// it is slowed down with 429 ETOOMANY rather than harvesting the register.
func TestVerifyRateLimited(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	l := demoLicense(t, ts)
	c := ts.client()
	limited := 0
	for i := 0; i < 130; i++ {
		p := c.api(http.MethodGet, "/api/v1/verify/"+l.ID, "", "")
		switch p.Status {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			if !strings.Contains(p.Body, "ETOOMANY") {
				t.Fatalf("429 without the code: %s", p.Body)
			}
			limited++
		default:
			t.Fatalf("verify %d: %d %s", i, p.Status, p.Body)
		}
	}
	if limited == 0 || limited > 40 {
		t.Fatalf("%d of 130 quick verifications limited, want some (not the first 100)", limited)
	}
}
