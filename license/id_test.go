package license

import (
	"testing"

	"github.com/yushan-gov/yiwang"
)

// TestCheckChar checks ISO 7064 MOD 37,36 against three kinds of vector:
// two computed by hand (comments show the steps), the worked examples that
// public ISO 7064 implementations test against (the xbib standardnumber
// library's MOD3736 tests: each string, check character included, verifies),
// and e-license identifiers published in public government-service code.
func TestCheckChar(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// p=36; '0' (v=0): s=(36+0) mod 36=0 → 36, p=72 mod 37=35; check=(37-35) mod 36=2.
		{"0", "2"},
		// p=36; 'A' (v=10): s=46 mod 36=10, p=20 mod 37=20; check=(37-20) mod 36=17 → 'H'.
		{"A", "H"},
		{"A12425GABC1234002", "M"},
		{"B159D8FA01240000", "K"},
		{"188166C734200000", "3"},
	} {
		got, ok := CheckChar(tc.in)
		if !ok || string(got) != tc.want {
			t.Errorf("CheckChar(%q) = %q %v, want %q", tc.in, got, ok, tc.want)
		}
	}
	for _, bad := range []string{"", "a1", "12-3", "中"} {
		if _, ok := CheckChar(bad); ok {
			t.Errorf("CheckChar(%q) accepted", bad)
		}
	}
}

// publishedIDs are e-license identifiers that appear in public code of
// provincial platforms (建筑施工特种作业/安全生产考核 certificates and a
// 投资项目 file name).
var publishedIDs = []string{
	"1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
	"1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
	"1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
	"1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3",
}

func TestParsePublishedIDs(t *testing.T) {
	for _, s := range publishedIDs {
		p, err := ParseID(s)
		if err != nil {
			t.Errorf("ParseID(%s): %v", s, err)
			continue
		}
		if p.String() != s {
			t.Errorf("round trip %s → %s", s, p.String())
		}
		again, err := ID(p.TypeCode, p.Issuer, p.Serial, p.Version)
		if err != nil || again != s {
			t.Errorf("ID(parts of %s) = %s %v", s, again, err)
		}
	}
}

func TestParseIDRejects(t *testing.T) {
	good := publishedIDs[0]
	for name, s := range map[string]string{
		"empty":           "",
		"wrong prefix":    "1.2.156.3005.3.11100000000013338W011.11430000006122244L.20230000403.002.S",
		"wrong check":     "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.T",
		"changed serial":  "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000404.002.S",
		"short type":      "1.2.156.3005.2.11100000000013338W01.11430000006122244L.20230000403.002.S",
		"short issuer":    "1.2.156.3005.2.11100000000013338W011.1143000000612224L.20230000403.002.S",
		"two-digit ver":   "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.02.S",
		"version 000":     "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.000.S",
		"lower case":      "1.2.156.3005.2.11100000000013338w011.11430000006122244L.20230000403.002.S",
		"empty serial":    "1.2.156.3005.2.11100000000013338W011.11430000006122244L..002.S",
		"extra part":      good + ".1",
		"two-char check":  good + "S",
		"unicode version": "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.００２.S",
	} {
		if _, err := ParseID(s); yiwang.ErrorCode(err) != yiwang.EINVALID {
			t.Errorf("%s: ParseID(%q) = %v, want EINVALID", name, s, err)
		}
	}
}

func TestIDRejectsBadParts(t *testing.T) {
	for name, tc := range map[string]struct {
		typ, issuer, serial string
		version             int
	}{
		"version 1000":  {"11100000000013338W011", "11430000006122244L", "1", 1000},
		"version 0":     {"11100000000013338W011", "11430000006122244L", "1", 0},
		"serial dot":    {"11100000000013338W011", "11430000006122244L", "1.2", 1},
		"issuer 17":     {"11100000000013338W011", "11430000006122244", "1", 1},
		"type with dot": {"11100000000013338W0.1", "11430000006122244L", "1", 1},
	} {
		if _, err := ID(tc.typ, tc.issuer, tc.serial, tc.version); yiwang.ErrorCode(err) != yiwang.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}
