package idcode

import (
	"errors"
	"strings"
	"unicode"
)

var (
	errMobileEmpty  = errors.New("请输入手机号码")
	errMobileFormat = errors.New("手机号码应为11位数字，以1开头")
	errMobilePrefix = errors.New("手机号码第2位应为3至9，请核对后重新输入")
)

// Mobile validates a mainland China mobile number: 11 digits, the first 1
// and the second 3-9. It validates NormalizeMobile(s), so a "+86" or "86"
// prefix and spaces or hyphens are accepted.
func Mobile(s string) error {
	s = NormalizeMobile(s)
	switch {
	case s == "":
		return errMobileEmpty
	case len(s) != 11 || !allDigits(s) || s[0] != '1':
		return errMobileFormat
	case s[1] < '3':
		return errMobilePrefix
	}
	return nil
}

// NormalizeMobile removes white space and hyphens and a leading "+86", or
// a leading "86" before 11 more characters, leaving the bare 11 digits of
// a valid number.
func NormalizeMobile(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	switch {
	case strings.HasPrefix(s, "+86"):
		return s[3:]
	case strings.HasPrefix(s, "86") && len(s) == 13:
		return s[2:]
	}
	return s
}
