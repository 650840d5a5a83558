package idcode

import "testing"

func TestRegionCode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"Beijing", "110000", nil},
		{"county", "340504", nil},
		{"Xinjiang", "650100", nil},
		{"Taiwan", "710000", nil},
		{"Macao", "820000", nil},
		{"9 digits", "340504001", nil},
		{"12 digits", "340504001001", nil},
		{"empty", "", errRegionFormat},
		{"5 digits", "34050", errRegionFormat},
		{"7 digits", "3405040", errRegionFormat},
		{"letter", "34050A", errRegionFormat},
		{"space", " 340504", errRegionFormat},
		{"all zeros", "000000", errRegionProvince},
		{"province 10", "100000", errRegionProvince},
		{"province 16", "160000", errRegionProvince},
		{"province 55", "550000", errRegionProvince},
		{"province 83", "830000", errRegionProvince},
		{"bad province 12 digits", "990504001001", errRegionProvince},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RegionCode(tt.in); got != tt.want {
				t.Errorf("RegionCode(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
