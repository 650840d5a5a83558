package license

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/yushan-gov/yiwang/seal"
)

// exampleKeyHex is the private scalar of the worked example in
// docs/license-format.md. It is a test key, published on purpose: never
// use it for anything else.
const exampleKeyHex = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"

// exampleSigner signs deterministically (RFC 6979 nonce with SM3) with the
// example key, so the worked example's signature is reproducible.
type exampleSigner struct {
	priv  *sm2.PrivateKey
	keyID string
}

func newExampleSigner(t testing.TB) (exampleSigner, map[string]string) {
	t.Helper()
	raw, _ := hex.DecodeString(exampleKeyHex)
	priv, err := sm2.NewPrivateKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	pemText, id, err := seal.PublicKeyPEM(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return exampleSigner{priv: priv, keyID: id}, map[string]string{id: pemText}
}

func (s exampleSigner) SignAlg(_ context.Context, _ string, msg []byte) ([]byte, string, string, error) {
	sig, err := s.priv.Sign(nil, msg, sm2.DefaultSM2SignerOpts)
	return sig, s.keyID, seal.AlgSM2SM3, err
}

func exampleData(t testing.TB) Data {
	id, err := ID("11340504MB0000001X001", "11340504MB1234567Y", "2026000001", 1)
	if err != nil {
		t.Fatal(err)
	}
	return Data{
		Fields:     []Field{{"经营场所", "雨山区湖东路 1 号"}, {"经营项目", "热食类食品制售"}},
		HolderCode: "91340504MA2T0000XQ", HolderCodeType: HolderCreditCode, HolderName: "马鞍山市雨山区示例餐饮店",
		ID: id, IssuedOn: "2026-11-26", IssuerCode: "11340504MB1234567Y", IssuerName: "雨山区市场监督管理局",
		TypeCode: "11340504MB0000001X001", TypeName: "食品经营许可证", ValidFrom: "2026-11-26", ValidUntil: "2031-11-25",
	}
}

// TestWorkedExample keeps docs/license-format.md honest: the example file
// in testdata is what SignFile writes with the example key, it verifies, its
// signed bytes and public key are in the doc, and so is the file.
func TestWorkedExample(t *testing.T) {
	signer, keys := newExampleSigner(t)
	file, err := SignFile(context.Background(), signer, "", exampleData(t))
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/example-license.json"
	if os.Getenv("UPDATE_EXAMPLE") == "1" {
		msg, _ := exampleData(t).Canonical()
		_ = os.WriteFile(golden, file, 0o644)
		_ = os.WriteFile("testdata/example-signed-bytes.json", msg, 0o644)
		_ = os.WriteFile("testdata/example-public-key.pem", []byte(keys[signer.keyID]), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, want) {
		t.Fatalf("SignFile wrote\n%s\nwant\n%s", file, want)
	}
	if r := VerifyFile(want, keys); !r.OK() || r.KeyID != signer.keyID || r.Data.HolderName != "马鞍山市雨山区示例餐饮店" {
		t.Fatalf("example does not verify: %+v", r)
	}
	doc, err := os.ReadFile("../docs/license-format.md")
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := exampleData(t).Canonical()
	for _, line := range strings.Split(strings.TrimSpace(keys[signer.keyID]), "\n") {
		if !strings.Contains(string(doc), "    "+line+"\n") {
			t.Errorf("docs/license-format.md lacks the example public key's line %s", line)
		}
	}
	for name, s := range map[string]string{"file": strings.TrimSuffix(string(want), "\n"), "signed bytes": string(msg),
		"private key": exampleKeyHex, "key id": signer.keyID} {
		if !strings.Contains(string(doc), s) {
			t.Errorf("docs/license-format.md lacks the example's %s:\n%s", name, s)
		}
	}
}

func TestSignRefusesInvalidData(t *testing.T) {
	signer, _ := newExampleSigner(t)
	for name, mutate := range map[string]func(*Data){
		"bad id":          func(d *Data) { d.ID = "1.2.3" },
		"issuer mismatch": func(d *Data) { d.IssuerCode = "11340504MB7654321Y" },
		"holder type":     func(d *Data) { d.HolderCodeType = "999" },
		"date":            func(d *Data) { d.IssuedOn = "2026/11/26" },
		"no holder":       func(d *Data) { d.HolderName = "" },
		"bad utf-8":       func(d *Data) { d.Fields = []Field{{"名称", "\xff"}} },
	} {
		d := exampleData(t)
		mutate(&d)
		if _, err := SignFile(context.Background(), signer, "", d); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
}

// TestEveryByteChanged flips, in turn, every byte of a signed file (to each
// of a few other values) and drops every byte: no result may be Valid.
func TestEveryByteChanged(t *testing.T) {
	signer, keys := newExampleSigner(t)
	d := exampleData(t)
	d.Fields = append(d.Fields, Field{"备注", "含\"引号\"、反斜杠\\、换行\n和制表\t以及\x01控制符"})
	file, err := SignFile(context.Background(), signer, "", d)
	if err != nil {
		t.Fatal(err)
	}
	if r := VerifyFile(file, keys); !r.OK() {
		t.Fatalf("fresh file: %+v", r)
	}
	for i := range file {
		for _, x := range []byte{0x01, 0x20, 0x80, 0xff} {
			b := bytes.Clone(file)
			b[i] ^= x
			if r := VerifyFile(b, keys); r.OK() {
				t.Fatalf("byte %d ^ %#x still valid", i, x)
			}
		}
		cut := append(bytes.Clone(file[:i]), file[i+1:]...)
		if r := VerifyFile(cut, keys); r.OK() {
			t.Fatalf("byte %d dropped still valid", i)
		}
	}
}

func TestVerifyFileVerdicts(t *testing.T) {
	signer, keys := newExampleSigner(t)
	file, err := SignFile(context.Background(), signer, "", exampleData(t))
	if err != nil {
		t.Fatal(err)
	}
	otherRaw := bytes.Repeat([]byte{0x11}, 32)
	other, _ := sm2.NewPrivateKey(otherRaw)
	otherPEM, otherID, _ := seal.PublicKeyPEM(&other.PublicKey)
	changed := bytes.Replace(file, []byte("热食类"), []byte("冷食类"), 1)
	wrongAlg := bytes.Replace(file, []byte(`"SM2-SM3"`), []byte(`"ED25519"`), 1)
	wrongUID := bytes.Replace(file, []byte(seal.DefaultUID), []byte("1234567812345679"), 1)
	pretty := bytes.Replace(file, []byte(`,"key_id"`), []byte(`, "key_id"`), 1)
	extra := bytes.Replace(file, []byte(`{"alg"`), []byte(`{"x":1,"alg"`), 1)
	mislabelled := map[string]string{signer.keyID: otherPEM}
	for name, tc := range map[string]struct {
		file []byte
		keys map[string]string
		want Verdict
	}{
		"valid":             {file, keys, Valid},
		"content changed":   {changed, keys, BadSignature},
		"unknown key":       {file, map[string]string{otherID: otherPEM}, UnknownKey},
		"no keys":           {file, nil, UnknownKey},
		"mislabelled key":   {file, mislabelled, UnknownKey},
		"bad pem":           {file, map[string]string{signer.keyID: "garbage"}, UnknownKey},
		"wrong algorithm":   {wrongAlg, keys, Malformed},
		"wrong uid":         {wrongUID, keys, Malformed},
		"whitespace":        {pretty, keys, Malformed},
		"unknown member":    {extra, keys, Malformed},
		"truncated":         {file[:len(file)/2], keys, Malformed},
		"empty":             {nil, keys, Malformed},
		"garbage":           {[]byte("\x00\x01not json"), keys, Malformed},
		"array":             {[]byte("[]"), keys, Malformed},
		"too big":           {bytes.Repeat([]byte(" "), MaxFileSize+1), keys, Malformed},
		"no trailing LF":    {bytes.TrimSuffix(file, []byte("\n")), keys, Malformed},
		"two trailing LFs":  {append(bytes.Clone(file), '\n'), keys, Malformed},
		"signature missing": {bytes.Replace(file, []byte(`"signature":"`), []byte(`"signature":"=`), 1), keys, Malformed},
	} {
		r := VerifyFile(tc.file, tc.keys)
		if r.Verdict != tc.want || r.Reason == "" {
			t.Errorf("%s: %+v, want verdict %d", name, r, tc.want)
		}
	}
}

// ed25519Signer signs with an Ed25519 key, as an installation that chose
// YIWANG_SEAL_ALG=ed25519 does.
type ed25519Signer struct {
	priv  ed25519.PrivateKey
	keyID string
}

func (s ed25519Signer) SignAlg(_ context.Context, _ string, msg []byte) ([]byte, string, string, error) {
	return ed25519.Sign(s.priv, msg), s.keyID, seal.AlgEd25519, nil
}

// TestEd25519File: a file signed with Ed25519 names its algorithm and an
// empty uid, verifies with the published key, and passing it off as the
// other algorithm (or an SM2 file as Ed25519) fails with a clear verdict.
func TestEd25519File(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pemText, id, err := seal.PublicKeyPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{id: pemText}
	file, err := SignFile(context.Background(), ed25519Signer{priv, id}, "org", exampleData(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(file, []byte(`{"alg":"Ed25519","data":`)) || !bytes.HasSuffix(file, []byte(`,"uid":""}`+"\n")) {
		t.Fatalf("file: %s", file)
	}
	if r := VerifyFile(file, keys); !r.OK() {
		t.Fatalf("Ed25519 file: %+v", r)
	}
	asSM2 := bytes.Replace(bytes.Replace(file, []byte(`"alg":"Ed25519"`), []byte(`"alg":"SM2-SM3"`), 1),
		[]byte(`"uid":""`), []byte(`"uid":"1234567812345678"`), 1)
	if r := VerifyFile(asSM2, keys); r.Verdict != BadSignature || !strings.Contains(r.Reason, "算法") {
		t.Fatalf("Ed25519 file passed off as SM2: %+v", r)
	}
	if r := VerifyFile(bytes.Replace(file, []byte(`"uid":""`), []byte(`"uid":"x"`), 1), keys); r.Verdict != Malformed {
		t.Fatalf("Ed25519 file with a uid: %+v", r)
	}
	// An SM2 file relabelled Ed25519 against its own SM2 key.
	sm2Signer, sm2Keys := newExampleSigner(t)
	sm2File, err := SignFile(context.Background(), sm2Signer, "org", exampleData(t))
	if err != nil {
		t.Fatal(err)
	}
	relabelled := bytes.Replace(bytes.Replace(sm2File, []byte(`"alg":"SM2-SM3"`), []byte(`"alg":"Ed25519"`), 1),
		[]byte(`"uid":"1234567812345678"`), []byte(`"uid":""`), 1)
	if r := VerifyFile(relabelled, sm2Keys); r.Verdict != BadSignature {
		t.Fatalf("SM2 file relabelled Ed25519: %+v", r)
	}
	if r := VerifyFile(bytes.Replace(sm2File, []byte(`"alg":"SM2-SM3"`), []byte(`"alg":"RSA"`), 1), sm2Keys); r.Verdict != Malformed {
		t.Fatalf("unknown algorithm: %+v", r)
	}
}
