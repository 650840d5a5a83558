package idcode

import "testing"

// withCheck appends the computed check character to 17 digits.
func withCheck(t *testing.T, first17 string) string {
	t.Helper()
	c, err := IDCardCheckChar(first17)
	if err != nil {
		t.Fatalf("IDCardCheckChar(%q): %v", first17, err)
	}
	return first17 + string(c)
}

// wrongCheck returns s with its last character replaced by a wrong one.
func wrongCheck(s string) string {
	c := byte('0')
	if s[len(s)-1] == '0' {
		c = '1'
	}
	return s[:len(s)-1] + string(c)
}

func TestIDCard(t *testing.T) {
	valid := withCheck(t, "34050419900101123")
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"published example", "11010519491231002X", nil},
		{"lowercase x", "11010519491231002x", nil},
		{"surrounding spaces", " 11010519491231002X\t", nil},
		{"computed", valid, nil},
		{"leap day", withCheck(t, "11010520000229001"), nil},
		{"first day", withCheck(t, "11010519000101001"), nil},
		{"born in the future", withCheck(t, "11010521001231001"), errIDCardBirth},
		{"unknown province", withCheck(t, "99010519491231002"), errIDCardRegion},
		{"Hong Kong region", withCheck(t, "81000019800101001"), nil},
		{"empty", "", errIDCardEmpty},
		{"only spaces", "   ", errIDCardEmpty},
		{"17 chars", "11010519491231002", errIDCardLength},
		{"19 chars", "11010519491231002X1", errIDCardLength},
		{"15-digit old card", "110105491231002", errIDCardLength},
		{"inner space", "110105 19491231002X", errIDCardLength},
		{"letter inside", "1101051949123100AX", errIDCardChars},
		{"X not last", "1101051949123100X2", errIDCardChars},
		{"wrong last letter", "11010519491231002Y", errIDCardChars},
		{"full-width digit", "１1010519491231002X", errIDCardChars},
		{"region starts with 0", withCheck(t, "01010519491231002"), errIDCardRegion},
		{"month 13", withCheck(t, "11010519491331002"), errIDCardBirth},
		{"month 0", withCheck(t, "11010519490031002"), errIDCardBirth},
		{"day 0", withCheck(t, "11010519491200002"), errIDCardBirth},
		{"Feb 30", withCheck(t, "11010519490230002"), errIDCardBirth},
		{"Feb 29 not leap", withCheck(t, "11010519000229002"), errIDCardBirth},
		{"Apr 31", withCheck(t, "11010519490431002"), errIDCardBirth},
		{"before 1900", withCheck(t, "11010518991231002"), errIDCardBirth},
		{"after 2100", withCheck(t, "11010521010101002"), errIDCardBirth},
		{"wrong check", "110105194912310021", errIDCardCheck},
		{"wrong computed check", wrongCheck(valid), errIDCardCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IDCard(tt.in); got != tt.want {
				t.Errorf("IDCard(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeIDCard(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 11010519491231002x ", "11010519491231002X"},
		{"11010519491231002X", "11010519491231002X"},
		{"\u300011010519491231002x\u3000", "11010519491231002X"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeIDCard(tt.in); got != tt.want {
			t.Errorf("NormalizeIDCard(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIDCardCheckChar(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    byte
		wantErr bool
	}{
		{"published example", "11010519491231002", 'X', false},
		{"all zeros", "00000000000000000", '1', false},
		{"16 digits", "1101051949123100", 0, true},
		{"18 digits", "110105194912310021", 0, true},
		{"letter", "1101051949123100A", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := IDCardCheckChar(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("IDCardCheckChar(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
