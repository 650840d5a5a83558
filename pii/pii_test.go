package pii

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testProtector(t *testing.T) *Protector {
	t.Helper()
	p, err := New(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSealOpen(t *testing.T) {
	p := testProtector(t)
	for _, v := range []string{"", "340504199001011234", "张三", strings.Repeat("长", 1000)} {
		s := p.Seal(v)
		if v != "" && strings.Contains(s, v) {
			t.Fatalf("sealed value contains plaintext")
		}
		got, err := p.Open(s)
		if err != nil || got != v {
			t.Fatalf("Open(Seal(%q)) = %q, %v", v, got, err)
		}
	}
	if p.Seal("a") == p.Seal("a") {
		t.Fatal("two seals of one value must differ (random nonce)")
	}
}

func TestOpenRejectsTamperingAndOtherKey(t *testing.T) {
	p := testProtector(t)
	s := p.Seal("13800138000")
	raw := []byte(s)
	raw[len(raw)-3] ^= 1
	if _, err := p.Open(string(raw)); err == nil {
		t.Fatal("tampered value opened")
	}
	other, _ := New(bytes.Repeat([]byte{8}, KeySize))
	if _, err := other.Open(s); err == nil {
		t.Fatal("value opened with another key")
	}
	if _, err := p.Open("!!"); err == nil {
		t.Fatal("garbage opened")
	}
}

func TestHash(t *testing.T) {
	p := testProtector(t)
	if p.Hash("mobile", "1") != p.Hash("mobile", "1") {
		t.Fatal("hash not deterministic")
	}
	if p.Hash("mobile", "1") == p.Hash("idcard", "1") {
		t.Fatal("kinds must separate hashes")
	}
	other, _ := New(bytes.Repeat([]byte{8}, KeySize))
	if p.Hash("mobile", "1") == other.Hash("mobile", "1") {
		t.Fatal("hash must depend on the key")
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadKey("", dir, false); err == nil {
		t.Fatal("missing key file accepted without create")
	}
	k1, err := LoadKey("", dir, true)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadKey("", dir, true)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load differs: %v", err)
	}
	st, _ := os.Stat(filepath.Join(dir, KeyFile))
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", st.Mode())
	}
	if _, err := LoadKey("abcd", dir, true); err == nil {
		t.Fatal("short YIWANG_KEY accepted")
	}
	env := strings.Repeat("ab", KeySize)
	k3, err := LoadKey(env, dir, true)
	if err != nil || k3[0] != 0xab {
		t.Fatalf("env key: %v", err)
	}
}
