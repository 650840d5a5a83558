package idcode

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	errIDCardEmpty  = errors.New("请输入身份证号")
	errIDCardLength = errors.New("身份证号应为18位")
	errIDCardChars  = errors.New("身份证号前17位应为数字，最后一位应为数字或字母X")
	errIDCardRegion = errors.New("身份证号中的地区码不正确")
	errIDCardBirth  = errors.New("身份证号中的出生日期不正确")
	errIDCardCheck  = errors.New("身份证号校验位不正确，请核对后重新输入")
	errIDCardFirst  = errors.New("身份证号前17位应为17位数字")
)

// idCardWeights are the GB 11643-1999 weights, 2^(17-i) mod 11.
var idCardWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCardChecks maps the weighted sum mod 11 to the check character.
const idCardChecks = "10X98765432"

// IDCard validates an 18-character 居民身份证号 (GB 11643-1999): a 6-digit
// region code not starting with 0, a birth date YYYYMMDD between 1900-01-01
// and 2100-12-31, a 3-digit sequence number and an ISO 7064 MOD 11-2 check
// character ('X' stands for 10). It validates NormalizeIDCard(s), so
// surrounding spaces and a lowercase x are accepted.
func IDCard(s string) error {
	s = NormalizeIDCard(s)
	switch {
	case s == "":
		return errIDCardEmpty
	case utf8.RuneCountInString(s) != 18:
		return errIDCardLength
	case len(s) != 18 || !allDigits(s[:17]) || !isDigit(s[17]) && s[17] != 'X':
		return errIDCardChars
	case !provinces[s[:2]] && s[:2] != "83":
		// 83: residence permits for Taiwan residents use this prefix.
		return errIDCardRegion
	case !validBirthDate(s[6:14]):
		return errIDCardBirth
	}
	c, _ := IDCardCheckChar(s[:17])
	if s[17] != c {
		return errIDCardCheck
	}
	return nil
}

// NormalizeIDCard trims surrounding white space and turns a lowercase x
// into 'X'.
func NormalizeIDCard(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "x", "X")
}

// IDCardCheckChar returns the check character ('0'-'9' or 'X') for the
// first 17 digits of a 居民身份证号.
func IDCardCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 || !allDigits(first17) {
		return 0, errIDCardFirst
	}
	sum := 0
	for i, w := range idCardWeights {
		sum += int(first17[i]-'0') * w
	}
	return idCardChecks[sum%11], nil
}

// validBirthDate reports whether the 8 digits d are a real calendar date
// YYYYMMDD between 1900-01-01 and 2100-12-31.
func validBirthDate(d string) bool {
	y, m, day := atoi(d[:4]), atoi(d[4:6]), atoi(d[6:])
	if y < 1900 || y > 2100 || m < 1 || m > 12 || day < 1 {
		return false
	}
	// Day 0 of the next month is the last day of month m.
	if day > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return false
	}
	// Nobody is born tomorrow (a day of slack for time zones).
	return !time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC).After(time.Now().AddDate(0, 0, 1))
}
