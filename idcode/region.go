package idcode

import "errors"

var (
	errRegionFormat   = errors.New("行政区划代码应为6位、9位或12位数字")
	errRegionProvince = errors.New("行政区划代码中的省级代码不正确")
)

// provinces holds the GB/T 2260 province-level codes, the first two digits
// of every division code.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

// RegionCode validates a GB/T 2260 6-digit administrative division code,
// or a 9- or 12-digit statistical division code (统计用区划代码) whose first
// 6 digits are one, by checking that it is all digits and that its first
// two digits are a real province-level code. It does not check the code
// against the list of divisions, which changes every year. Unlike the
// other validators it does not trim spaces.
func RegionCode(s string) error {
	if n := len(s); n != 6 && n != 9 && n != 12 || !allDigits(s) {
		return errRegionFormat
	}
	if !provinces[s[:2]] {
		return errRegionProvince
	}
	return nil
}
