package casework

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang/catalog"
)

// prefill is what the platform already knows about the applicant.
func prefill(f catalog.Field, who Applicant) (string, bool) {
	switch f.Prefill {
	case "name":
		return who.Name, true
	case "idcard":
		return who.IDCard, true
	case "mobile":
		return who.Mobile, true
	case "enterprise":
		return who.EnterpriseName, true
	}
	return "", false
}

// plainNumber is a number as people write it on a form: no exponent, no
// hexadecimal, no NaN or infinity that ParseFloat would take.
var plainNumber = regexp.MustCompile(`^-?[0-9]{1,18}(\.[0-9]{1,6})?$`)

// formValues checks the values entered in an item's application form and
// returns the values to keep and the problems, keyed "f.<key>". Prefilled
// fields take the platform's values whatever was sent; fields whose
// condition does not hold are dropped; required fields must be there;
// numbers and dates must parse; choices must be offered ones.
func formValues(fields []catalog.Field, in map[string]string, who Applicant) (map[string]string, map[string]string) {
	out, bad := map[string]string{}, map[string]string{}
	for _, f := range fields {
		v := strings.TrimSpace(in[f.Key])
		if pv, ok := prefill(f, who); ok {
			v = pv
		}
		if !catalog.Applies(f.When, out) {
			continue
		}
		key := "f." + f.Key
		switch {
		case v == "" && f.Required:
			bad[key] = "请填写“" + f.Label + "”"
			continue
		case v == "":
			continue
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			bad[key] = "“" + f.Label + "”含有无法识别的字符，请重新输入"
			continue
		case utf8.RuneCountInString(v) > 1000:
			bad[key] = "“" + f.Label + "”不能超过1000个字"
			continue
		}
		switch f.Type {
		case "number":
			if !plainNumber.MatchString(v) {
				bad[key] = "“" + f.Label + "”应为数字，例如 5 或 12.5"
				continue
			}
		case "date":
			if _, err := time.Parse("2006-01-02", v); err != nil {
				bad[key] = "“" + f.Label + "”应为日期，例如 2026-11-25"
				continue
			}
		case "select":
			ok := false
			for _, o := range f.Options {
				ok = ok || o == v
			}
			if !ok {
				bad[key] = "“" + f.Label + "”请从选项中选择"
				continue
			}
		case "text":
			if strings.ContainsAny(v, "\n\r") {
				v = strings.Join(strings.Fields(v), " ")
			}
		}
		out[f.Key] = v
	}
	return out, bad
}
