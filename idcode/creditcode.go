package idcode

import (
	"errors"
	"strings"
	"unicode/utf8"
)

var (
	errCreditEmpty    = errors.New("请输入统一社会信用代码")
	errCreditLength   = errors.New("统一社会信用代码应为18位")
	errCreditChars    = errors.New("统一社会信用代码含有不允许的字符")
	errCreditCategory = errors.New("统一社会信用代码的登记管理部门代码或机构类别代码不正确")
	errCreditRegion   = errors.New("统一社会信用代码第3至8位应为行政区划代码（6位数字）")
	errCreditCheck    = errors.New("统一社会信用代码校验位不正确")
	errCreditFirst    = errors.New("统一社会信用代码前17位应为17个允许的字符")
	errCreditRegionIn = errors.New("行政区划代码应为6位数字")
	errOrgBody        = errors.New("组织机构代码本体应为8位数字或大写字母")
)

// creditCharset holds the 31 characters GB 32100-2015 allows, in the order
// of their values 0-30 (no I, O, S, V or Z).
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the GB 32100-2015 weights, 3^i mod 31.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCode validates an 18-character 统一社会信用代码 (GB 32100-2015):
// registration authority code, organization category code, 6-digit region
// code, 9-character organization code and the check character. The first
// two characters are only checked against the allowed characters (any but
// '0'), not against the table of real combinations. The check character
// inside the organization code (GB 11714) is not enforced, since some
// legacy codes fail it; the GB 32100 check character at position 18 is.
// It validates NormalizeCreditCode(s), so spaces around and lowercase
// letters are accepted.
func CreditCode(s string) error {
	s = NormalizeCreditCode(s)
	switch {
	case s == "":
		return errCreditEmpty
	case utf8.RuneCountInString(s) != 18:
		return errCreditLength
	case len(s) != 18 || !inCreditCharset(s):
		return errCreditChars
	case s[0] == '0' || s[1] == '0':
		return errCreditCategory
	case !allDigits(s[2:8]):
		return errCreditRegion
	}
	c, _ := CreditCodeCheckChar(s[:17])
	if s[17] != c {
		return errCreditCheck
	}
	return nil
}

// NormalizeCreditCode trims surrounding white space and upper-cases ASCII
// letters.
func NormalizeCreditCode(s string) string {
	return upperASCII(strings.TrimSpace(s))
}

// CreditCodeCheckChar returns the GB 32100-2015 check character for the
// first 17 characters of a 统一社会信用代码.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 || !inCreditCharset(first17) {
		return 0, errCreditFirst
	}
	sum := 0
	for i, w := range creditWeights {
		sum += strings.IndexByte(creditCharset, first17[i]) * w
	}
	return creditCharset[(31-sum%31)%31], nil
}

// MakeCreditCode builds a valid 统一社会信用代码 from the registration
// authority code, the organization category code, a 6-digit region code
// and the 8-character body of an organization code, adding both the
// GB 11714 and the GB 32100 check characters. It is meant for demo data.
// The body must avoid I, O, S, V and Z, which GB 32100 does not allow.
func MakeCreditCode(authority, category byte, region string, orgBody string) (string, error) {
	head := string([]byte{authority, category})
	if !inCreditCharset(head) || authority == '0' || category == '0' {
		return "", errCreditCategory
	}
	if len(region) != 6 || !allDigits(region) {
		return "", errCreditRegionIn
	}
	org, err := OrgCodeCheckChar(orgBody)
	if err != nil {
		return "", err
	}
	if !inCreditCharset(orgBody) {
		return "", errCreditChars
	}
	code := head + region + orgBody + string(org)
	c, _ := CreditCodeCheckChar(code)
	return code + string(c), nil
}

func inCreditCharset(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(creditCharset, s[i]) < 0 {
			return false
		}
	}
	return true
}

// upperASCII upper-cases ASCII letters only, so that no other character
// (such as the dotless ı) can turn into an allowed one.
func upperASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}
