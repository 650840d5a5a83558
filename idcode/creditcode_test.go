package idcode

import "testing"

func TestCreditCode(t *testing.T) {
	made, err := MakeCreditCode('5', '2', "110105", "12345678")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"published example", "91350100M000100Y43", nil},
		{"lowercase and spaces", " 91350100m000100y43 ", nil},
		{"made", made, nil},
		{"legacy org code check fails", withCreditCheck(t, "91350100M000100Y5"), nil},
		{"national level region", withCreditCheck(t, "11100000MB0123456"), nil},
		{"empty", "", errCreditEmpty},
		{"17 chars", "91350100M000100Y4", errCreditLength},
		{"19 chars", "91350100M000100Y433", errCreditLength},
		{"letter I", "91350100I000100Y43", errCreditChars},
		{"letter O", "91350100O000100Y43", errCreditChars},
		{"letter Z", "91350100Z000100Y43", errCreditChars},
		{"letter S", "91350100S000100Y43", errCreditChars},
		{"letter V", "91350100V000100Y43", errCreditChars},
		{"punctuation", "91350100-000100Y43", errCreditChars},
		{"Chinese character", "91350100中000100Y43", errCreditChars},
		{"authority 0", withCreditCheck(t, "01350100M000100Y4"), errCreditCategory},
		{"category 0", withCreditCheck(t, "90350100M000100Y4"), errCreditCategory},
		{"letter in region", withCreditCheck(t, "9135A100M000100Y4"), errCreditRegion},
		{"wrong check", "91350100M000100Y44", errCreditCheck},
		{"swapped characters", "91351000M000100Y43", errCreditCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CreditCode(tt.in); got != tt.want {
				t.Errorf("CreditCode(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// withCreditCheck appends the computed GB 32100 check character.
func withCreditCheck(t *testing.T, first17 string) string {
	t.Helper()
	c, err := CreditCodeCheckChar(first17)
	if err != nil {
		t.Fatalf("CreditCodeCheckChar(%q): %v", first17, err)
	}
	return first17 + string(c)
}

func TestCreditCodeCheckChar(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    byte
		wantErr bool
	}{
		{"published example", "91350100M000100Y4", '3', false},
		{"sum divisible by 31", "00000000000000000", '0', false},
		{"16 chars", "91350100M000100Y", 0, true},
		{"lowercase", "91350100m000100Y4", 0, true},
		{"letter I", "91350100I000100Y4", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CreditCodeCheckChar(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("CreditCodeCheckChar(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestMakeCreditCode(t *testing.T) {
	tests := []struct {
		name                string
		authority, category byte
		region, body        string
		want                string
		wantErr             error
	}{
		{"published example", '9', '1', "350100", "M000100Y", "91350100M000100Y43", nil},
		{"authority 0", '0', '1', "350100", "M000100Y", "", errCreditCategory},
		{"authority I", 'I', '1', "350100", "M000100Y", "", errCreditCategory},
		{"lowercase category", '9', 'a', "350100", "M000100Y", "", errCreditCategory},
		{"short region", '9', '1', "35010", "M000100Y", "", errCreditRegionIn},
		{"letter in region", '9', '1', "35010A", "M000100Y", "", errCreditRegionIn},
		{"short body", '9', '1', "350100", "M000100", "", errOrgBody},
		{"lowercase body", '9', '1', "350100", "m000100Y", "", errOrgBody},
		{"body with Z", '9', '1', "350100", "Z000100Y", "", errCreditChars},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MakeCreditCode(tt.authority, tt.category, tt.region, tt.body)
			if got != tt.want || err != tt.wantErr {
				t.Fatalf("MakeCreditCode = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
			if err == nil {
				if err := CreditCode(got); err != nil {
					t.Errorf("CreditCode(%q) = %v", got, err)
				}
				org, _ := OrgCodeCheckChar(tt.body)
				if got[16] != org {
					t.Errorf("org code check char %q, want %q", got[16], org)
				}
			}
		})
	}
}
