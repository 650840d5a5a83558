package idcode

import "testing"

func TestMobile(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"bare", "13812345678", nil},
		{"second digit 9", "19912345678", nil},
		{"second digit 3", "13012345678", nil},
		{"plus 86", "+8613812345678", nil},
		{"86", "8613812345678", nil},
		{"spaces and hyphens", "+86 138-1234-5678", nil},
		{"full-width space", "138\u30001234\u30005678", nil},
		{"surrounding spaces", " 13812345678 ", nil},
		{"empty", "", errMobileEmpty},
		{"only separators", " - ", errMobileEmpty},
		{"10 digits", "1381234567", errMobileFormat},
		{"12 digits", "138123456789", errMobileFormat},
		{"starts with 2", "23812345678", errMobileFormat},
		{"letter", "1381234567a", errMobileFormat},
		{"landline", "010-12345678", errMobileFormat},
		{"plus 86 too short", "+86138123456", errMobileFormat},
		{"other country", "+4413812345678", errMobileFormat},
		{"two prefixes", "+86 86 13812345678", errMobileFormat},
		{"full-width digits", "１３８１２３４５６７８", errMobileFormat},
		{"second digit 2", "12812345678", errMobilePrefix},
		{"second digit 0", "10012345678", errMobilePrefix},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mobile(tt.in); got != tt.want {
				t.Errorf("Mobile(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeMobile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+86 138-1234-5678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"13812345678", "13812345678"},
		{"86123", "86123"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeMobile(tt.in); got != tt.want {
			t.Errorf("NormalizeMobile(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
