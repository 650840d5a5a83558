package catalog_test

import (
	"testing"

	"github.com/yushan-gov/yiwang/catalog"
)

func TestParseYuan(t *testing.T) {
	for _, tc := range []struct {
		in  string
		fen int64
		ok  bool
	}{
		{"0", 0, true}, {"20", 2000, true}, {"12.5", 1250, true}, {"12.50", 1250, true}, {" 3.07 ", 307, true},
		{"", 0, false}, {"-1", 0, false}, {"1.234", 0, false}, {"1e3", 0, false}, {"NaN", 0, false}, {"Inf", 0, false},
		{"0x10", 0, false}, {"1,000", 0, false}, {"１２", 0, false}, {".5", 0, false}, {"5.", 0, false},
		{"100000000", 10000000000, true}, {"100000000.01", 0, false}, {"999999999999", 0, false},
	} {
		fen, ok := catalog.ParseYuan(tc.in)
		if fen != tc.fen || ok != tc.ok {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d, %v", tc.in, fen, ok, tc.fen, tc.ok)
		}
	}
	if got := catalog.Yuan(1205); got != "12.05" {
		t.Errorf("Yuan(1205) = %q", got)
	}
}
