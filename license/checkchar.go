package license

// alphabet is the character set of ISO 7064 MOD 37,36: a character's value
// is its index.
const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// charValue returns the value of c in alphabet, or -1.
func charValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// CheckChar returns the ISO 7064 MOD 37,36 (hybrid system, M = 36) check
// character of s, which must hold only digits and upper-case letters; ok is
// false otherwise or when s is empty.
//
// The hybrid system keeps a running product p, starting at M:
// for each character of value v, s = (p + v) mod M (with 0 read as M) and
// p = 2s mod (M+1); the check character is the one of value (M+1 - p) mod M,
// which makes the same recurrence over s followed by it end with
// (p + check) mod M = 1.
func CheckChar(s string) (c byte, ok bool) {
	const m = 36
	if s == "" {
		return 0, false
	}
	p := m
	for i := 0; i < len(s); i++ {
		v := charValue(s[i])
		if v < 0 {
			return 0, false
		}
		t := (p + v) % m
		if t == 0 {
			t = m
		}
		p = (2 * t) % (m + 1)
	}
	return alphabet[(m+1-p)%m], true
}
