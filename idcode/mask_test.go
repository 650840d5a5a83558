package idcode

import (
	"testing"
	"unicode/utf8"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"id card", MaskIDCard, "340504199001011234", "340504********1234"},
		{"id card with x", MaskIDCard, "11010519491231002X", "110105********002X"},
		{"15-digit id card", MaskIDCard, "110105491231002", "110105*****1002"},
		{"short id card", MaskIDCard, "1234", "****"},
		{"odd id card", MaskIDCard, "身份证", "***"},
		{"empty id card", MaskIDCard, "", ""},
		{"mobile", MaskMobile, "13812345678", "138****5678"},
		{"short mobile", MaskMobile, "138", "***"},
		{"long mobile", MaskMobile, "+8613812345678", "**************"},
		{"empty mobile", MaskMobile, "", ""},
		{"two-character name", MaskName, "张三", "张*"},
		{"three-character name", MaskName, "李小龙", "李**"},
		{"compound surname", MaskName, "欧阳娜娜", "欧阳**"},
		{"compound surname, 3 characters", MaskName, "诸葛亮", "诸葛*"},
		{"surname 欧, given name 阳", MaskName, "欧阳", "欧*"},
		{"one character", MaskName, "张", "*"},
		{"empty name", MaskName, "", ""},
		{"latin name", MaskName, "Anna", "A***"},
		{"invalid UTF-8", MaskName, "\xff\xfe", "\uFFFD*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// checkMask fails unless masked has one rune for each rune of s.
func checkMask(t *testing.T, name, s, masked string) {
	t.Helper()
	if utf8.RuneCountInString(masked) != utf8.RuneCountInString(s) {
		t.Errorf("%s(%q) = %q: length changed", name, s, masked)
	}
}
