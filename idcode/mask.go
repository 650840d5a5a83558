package idcode

import "strings"

// MaskIDCard keeps the first 6 and last 4 characters of an 18- or
// 15-character 身份证号 and replaces the rest with '*':
// "340504********1234". Any other input comes back fully masked, one '*'
// per character.
func MaskIDCard(s string) string {
	r := []rune(s)
	if len(r) != 18 && len(r) != 15 {
		return mask(r, 0, 0)
	}
	return mask(r, 6, 4)
}

// MaskMobile keeps the first 3 and last 4 digits of an 11-character mobile
// number: "138****5678". Any other input comes back fully masked.
func MaskMobile(s string) string {
	r := []rune(s)
	if len(r) != 11 {
		return mask(r, 0, 0)
	}
	return mask(r, 3, 4)
}

// MaskName keeps the surname and masks the rest: "张*", "欧阳**". A name of
// three or more characters that starts with a common compound surname
// (复姓) keeps both of its characters; any other name keeps its first
// character. A one-character name comes back as "*".
func MaskName(s string) string {
	r := []rune(s)
	switch {
	case len(r) <= 1:
		return mask(r, 0, 0)
	case len(r) >= 3 && compoundSurnames[string(r[:2])]:
		return mask(r, 2, 0)
	default:
		return mask(r, 1, 0)
	}
}

// mask keeps the first head and last tail runes of r and replaces every
// other rune with '*'.
func mask(r []rune, head, tail int) string {
	var b strings.Builder
	for i, c := range r {
		if i < head || i >= len(r)-tail {
			b.WriteRune(c)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}
