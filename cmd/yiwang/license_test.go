package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/seal"
	"github.com/yushan-gov/yiwang/sqlstore"
)

// TestLicenseVerify: a file signed by an org's seal key verifies offline
// with the keys published at the well-known URL (from a file or fetched),
// one flipped byte fails with a clear message, and rotation keeps the old
// file verifiable.
func TestLicenseVerify(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	ctx := context.Background()
	orgs, err := ts.app.orgs.Tree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var issuerID, issuerCode, issuerName string
	for _, o := range orgs {
		if o.CreditCode != "" && strings.Contains(o.Name, "市场监督管理局") {
			issuerID, issuerCode, issuerName = o.ID, o.CreditCode, o.Name
		}
	}
	if issuerID == "" {
		t.Fatal("no demo market-regulation org with a credit code")
	}
	typeCode := issuerCode + "001"
	id, err := license.ID(typeCode, issuerCode, "2026000001", 1)
	if err != nil {
		t.Fatal(err)
	}
	file, err := license.SignFile(ctx, ts.app.seals, issuerID, license.Data{
		HolderCode: "91340504MA2T0000XQ", HolderCodeType: license.HolderCreditCode, HolderName: "示例餐饮店",
		ID: id, IssuedOn: "2026-11-26", IssuerCode: issuerCode, IssuerName: issuerName, TypeCode: typeCode,
		TypeName: "食品经营许可证", ValidFrom: "2026-11-26", ValidUntil: "2031-11-25"})
	if err != nil {
		t.Fatal(err)
	}

	// The keys are public: no login.
	p := ts.client().get(seal.WellKnownPath)
	var ks seal.KeySet
	if p.Status != 200 || json.Unmarshal([]byte(p.Body), &ks) != nil || len(ks.Keys) != 1 {
		t.Fatalf("well-known keys: %d %s", p.Status, p.Body)
	}
	k := ks.Keys[0]
	if k.OrgID != issuerID || k.OrgName != issuerName || k.Alg != "SM2-SM3" || k.RetiredAt != nil ||
		!strings.HasPrefix(k.PublicKeyPEM, "-----BEGIN PUBLIC KEY-----") || strings.Contains(p.Body, "private") {
		t.Fatalf("published key: %+v", k)
	}

	dir := t.TempDir()
	licFile, keysFile := filepath.Join(dir, "license.json"), filepath.Join(dir, "keys.json")
	write := func(path string, b []byte) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(licFile, file)
	write(keysFile, []byte(p.Body))
	for _, src := range [][]string{{"--keys", keysFile}, {"--url", ts.URL}} {
		out, err := cli(t, append([]string{"license", "verify", licFile}, src...)...)
		if err != nil || !strings.Contains(out, "证照文件有效") || !strings.Contains(out, id) || !strings.Contains(out, issuerName) {
			t.Fatalf("verify %v: %v\n%s", src, err, out)
		}
	}
	// Flags may come before the file too.
	if _, err := cli(t, "license", "verify", "--keys", keysFile, licFile); err != nil {
		t.Fatalf("flags first: %v", err)
	}
	// A good signature by a key of another org is not the issuer's license.
	if k.OrgCode != issuerCode {
		t.Fatalf("published org_code %q, want %q", k.OrgCode, issuerCode)
	}
	other := ks
	other.Keys = append([]seal.Published(nil), ks.Keys...)
	other.Keys[0].OrgCode, other.Keys[0].OrgName = "11340504MB5040010X", "别的单位"
	otherFile := filepath.Join(dir, "other-keys.json")
	ob, _ := json.Marshal(other)
	write(otherFile, ob)
	if out, err := cli(t, "license", "verify", licFile, "--keys", otherFile); exitCode(err) != 1 || !strings.Contains(err.Error(), "不是证照上的颁发机构") {
		t.Fatalf("a key of another org: %v\n%s", err, out)
	}

	// One changed byte: in the data, in the signature, in the key ID.
	for name, at := range map[string]int{
		"data":      strings.Index(string(file), "示例餐饮店"),
		"signature": strings.Index(string(file), `"signature":"`) + 20,
		"key id":    strings.Index(string(file), `"key_id":"`) + 11,
	} {
		b := []byte(strings.Clone(string(file)))
		b[at] ^= 0x01
		write(licFile, b)
		_, err := cli(t, "license", "verify", licFile, "--keys", keysFile)
		var ee exitError
		if !errors.As(err, &ee) || ee.code != 1 || !strings.HasPrefix(ee.msg, "证照文件无效：") {
			t.Fatalf("byte changed in %s: %v", name, err)
		}
	}

	// Rotation: the old file still verifies; the old key is marked retired.
	write(licFile, file)
	if _, err := ts.app.seals.Rotate(ctx, issuerID); err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, "license", "verify", licFile, "--url", ts.URL)
	if err != nil || !strings.Contains(out, "已于") {
		t.Fatalf("after rotation: %v\n%s", err, out)
	}

	// Usage errors exit 2 with a message.
	for _, args := range [][]string{
		{"license", "verify", licFile},
		{"license", "verify", licFile, "--keys", keysFile, "--url", ts.URL},
		{"license", "verify", filepath.Join(dir, "missing.json"), "--keys", keysFile},
		{"license", "verify", licFile, "--keys", filepath.Join(dir, "missing.json")},
		{"license", "verify", licFile, "--url", "ftp://x"},
		{"license"},
	} {
		_, err := cli(t, args...)
		var ee exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Fatalf("%v: %v", args, err)
		}
	}
	if out, err := cli(t, "license", "--help"); err != nil || !strings.Contains(out, "--keys") {
		t.Fatalf("help: %v %s", err, out)
	}
}
