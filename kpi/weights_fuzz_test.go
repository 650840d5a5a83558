package kpi

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang"
)

// FuzzParseWeights: the weights form is refused with EINVALID and Chinese
// messages on the figures (or their sum), exactly when a weight is not a
// whole number from 0 to 100 or they do not add up to 100; accepted
// weights are the numbers typed, blank being 0.
func FuzzParseWeights(f *testing.F) {
	for _, s := range []string{"15,10,5,10,5,5,25,5,10,5,5", "100", ",,,,,,100", "15,10,5,10,5,5,25,5,10,5,5,1", "101,-1", "50, 50 ",
		"+50,50", "50.0,50", "1e2", "９９,1", "99999999999999999999,-99999999999999999899", "0x64"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := map[string]string{}
		typed := strings.Split(s, ",")
		for i, fig := range Figures {
			if i < len(typed) {
				in[fig.Key] = typed[i]
			}
		}
		valid, sum := true, 0
		for _, fig := range Figures {
			v := strings.TrimSpace(in[fig.Key])
			if v == "" {
				v = "0"
			}
			n, err := strconv.Atoi(v)
			valid = valid && err == nil && n >= 0 && n <= 100
			if valid {
				sum += n
			}
		}
		valid = valid && sum == 100
		w, err := ParseWeights(in)
		if (err == nil) != valid {
			t.Fatalf("%q: %v, %v", s, w, err)
		}
		if err != nil {
			var e *yiwang.Error
			if !errors.As(err, &e) || e.Code != yiwang.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("%q refused with %v", s, err)
			}
			for k, msg := range e.Fields {
				if _, ok := FigureByKey(k); (!ok && k != "sum") || !hasHan(msg) {
					t.Fatalf("%q: problem %q: %q", s, k, msg)
				}
			}
			return
		}
		if len(w) != len(Figures) {
			t.Fatalf("%q read as %v", s, w)
		}
		for _, fig := range Figures {
			v := strings.TrimSpace(in[fig.Key])
			if n, _ := strconv.Atoi(v); w[fig.Key] != n {
				t.Fatalf("%s: %q read as %d", fig.Key, v, w[fig.Key])
			}
		}
	})
}
