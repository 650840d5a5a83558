package idcode

import "testing"

func TestOrgCodeCheckChar(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    byte
		wantErr bool
	}{
		{"published example", "M000100Y", '4', false},
		{"check 10 is X", "00000006", 'X', false}, // sum 12
		{"check 11 is 0", "00000000", '0', false}, // sum 0
		{"digits", "12345678", '8', false},
		{"7 chars", "M000100", 0, true},
		{"9 chars", "M000100Y4", 0, true},
		{"lowercase", "m000100Y", 0, true},
		{"punctuation", "M000-00Y", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OrgCodeCheckChar(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("OrgCodeCheckChar(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
