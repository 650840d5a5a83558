package idcode

import "testing"

func FuzzIDCard(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "11010519491231002x", " 340504199001011234", "110105491231002", "", "X", "身份证号码"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkMask(t, "MaskIDCard", s, MaskIDCard(s))
		n := NormalizeIDCard(s)
		if err := IDCard(s); err == nil {
			if NormalizeIDCard(n) != n {
				t.Fatalf("NormalizeIDCard not stable on %q: %q", n, NormalizeIDCard(n))
			}
			if err := IDCard(n); err != nil {
				t.Fatalf("IDCard(%q) = nil but IDCard(%q) = %v", s, n, err)
			}
			if c, err := IDCardCheckChar(n[:17]); err != nil || c != n[17] {
				t.Fatalf("accepted %q but check char is %q, %v", s, c, err)
			}
		}
		// With the right check character, only other faults may remain.
		if len(n) >= 17 {
			if c, err := IDCardCheckChar(n[:17]); err == nil {
				if err := IDCard(n[:17] + string(c)); err == errIDCardCheck {
					t.Fatalf("IDCard(%q) rejects its own check char", n[:17]+string(c))
				}
			}
		}
	})
}

func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", " 91350100m000100y43 ", "91350100M000100Y4", "", "0", "统一社会信用代码"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeCreditCode(s)
		if err := CreditCode(s); err == nil {
			if NormalizeCreditCode(n) != n {
				t.Fatalf("NormalizeCreditCode not stable on %q: %q", n, NormalizeCreditCode(n))
			}
			if err := CreditCode(n); err != nil {
				t.Fatalf("CreditCode(%q) = nil but CreditCode(%q) = %v", s, n, err)
			}
			if c, err := CreditCodeCheckChar(n[:17]); err != nil || c != n[17] {
				t.Fatalf("accepted %q but check char is %q, %v", s, c, err)
			}
		}
		if len(n) >= 17 {
			if c, err := CreditCodeCheckChar(n[:17]); err == nil {
				if err := CreditCode(n[:17] + string(c)); err == errCreditCheck {
					t.Fatalf("CreditCode(%q) rejects its own check char", n[:17]+string(c))
				}
			}
		}
		if len(s) >= 16 {
			if code, err := MakeCreditCode(s[0], s[1], s[2:8], s[8:16]); err == nil {
				if err := CreditCode(code); err != nil {
					t.Fatalf("MakeCreditCode made %q: %v", code, err)
				}
			}
		}
	})
}

func FuzzMobile(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "8613812345678", "12812345678", "", "+86", "手机"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkMask(t, "MaskMobile", s, MaskMobile(s))
		checkMask(t, "MaskName", s, MaskName(s))
		_ = RegionCode(s)
		if err := Mobile(s); err == nil {
			n := NormalizeMobile(s)
			if NormalizeMobile(n) != n {
				t.Fatalf("NormalizeMobile not stable on %q: %q", n, NormalizeMobile(n))
			}
			if err := Mobile(n); err != nil {
				t.Fatalf("Mobile(%q) = nil but Mobile(%q) = %v", s, n, err)
			}
			if len(n) != 11 {
				t.Fatalf("NormalizeMobile(%q) = %q, not 11 digits", s, n)
			}
		}
	})
}
