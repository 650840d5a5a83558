package certlogin

import (
	"encoding/asn1"
	"strings"

	"github.com/emmansun/gmsm/smx509"
	"github.com/yushan-gov/yiwang/idcode"
)

// oidGMT0015 is the arc of GM/T 0015 certificate extensions that carry
// identity numbers of people and organisations (1.2.156.10260.4.1.x).
var oidGMT0015 = asn1.ObjectIdentifier{1, 2, 156, 10260, 4, 1}

// CreditCodes returns the valid 统一社会信用代码 a certificate names, in the
// places Chinese CAs put them: any attribute of the subject (serialNumber,
// OU, CN, O, organizationIdentifier and others), often with a prefix such as
// "SF", "91…" alone, "NTRCN-…" or "统一社会信用代码:…", and the GM/T 0015
// identity extensions. A candidate counts only when its GB 32100 check
// character is right and it is not a resident ID number.
func CreditCodes(c *smx509.Certificate) []string {
	var texts []string
	for _, n := range c.Subject.Names {
		if s, ok := n.Value.(string); ok {
			texts = append(texts, s)
		}
	}
	for _, e := range c.Extensions {
		if len(e.Id) == len(oidGMT0015)+1 && e.Id[:len(oidGMT0015)].Equal(oidGMT0015) {
			var s string
			if _, err := asn1.Unmarshal(e.Value, &s); err == nil {
				texts = append(texts, s)
			} else {
				texts = append(texts, string(e.Value))
			}
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range texts {
		for _, code := range codesIn(t) {
			if !seen[code] {
				seen[code] = true
				out = append(out, code)
			}
		}
	}
	return out
}

// codesIn finds credit codes in text: each run of 18 or more letters and
// digits is tried by its last 18 characters (so a prefix such as "SF" or
// "NTRCN" is skipped).
func codesIn(text string) []string {
	runs := strings.FieldsFunc(strings.ToUpper(text), func(r rune) bool {
		return !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z')
	})
	var out []string
	for _, r := range runs {
		if len(r) < 18 {
			continue
		}
		cand := r[len(r)-18:]
		if idcode.CreditCode(cand) == nil && idcode.IDCard(cand) != nil {
			out = append(out, cand)
		}
	}
	return out
}
