package license

import (
	"strings"
	"testing"
)

// FuzzVerifyFile: no input panics, and whatever verifies is exactly the file
// SignFile would write for its data.
func FuzzVerifyFile(f *testing.F) {
	signer, keys := newExampleSigner(f)
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := VerifyFile(b, keys)
		if r.OK() {
			msg, err := r.Data.Canonical()
			if err != nil || r.KeyID != signer.keyID || !strings.Contains(string(b), string(msg)) {
				t.Fatalf("valid file whose data does not re-canonicalise: %q", b)
			}
		}
	})
}

// FuzzParseID: no input panics, and whatever parses prints back to itself.
func FuzzParseID(f *testing.F) {
	f.Add("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseID(s)
		if err != nil {
			return
		}
		if p.String() != s {
			t.Fatalf("ParseID(%q) prints as %q", s, p.String())
		}
		if again, err := ID(p.TypeCode, p.Issuer, p.Serial, p.Version); err != nil || again != s {
			t.Fatalf("ID(parts of %q) = %q %v", s, again, err)
		}
	})
}
