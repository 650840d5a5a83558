package idcode

// orgWeights are the GB 11714-1997 weights for the 8-character body.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// OrgCodeCheckChar returns the GB 11714-1997 check character ('0'-'9' or
// 'X') for the 8-character body of an organization code. The body holds
// digits and uppercase letters; a letter counts as 10 for A up to 35 for Z.
func OrgCodeCheckChar(first8 string) (byte, error) {
	if len(first8) != 8 {
		return 0, errOrgBody
	}
	sum := 0
	for i, w := range orgWeights {
		c := first8[i]
		var v int
		switch {
		case isDigit(c):
			v = int(c - '0')
		case 'A' <= c && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0, errOrgBody
		}
		sum += v * w
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X', nil
	case 11:
		return '0', nil
	default:
		return byte('0' + c), nil
	}
}
