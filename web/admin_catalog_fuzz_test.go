package web

import (
	"math/big"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang/catalog"
)

// feeLineREs are a fee line of the edit form as it is shown (name, amount,
// basis, separated by the first two ｜ or |) and as people may type it
// (by the first two commas of either kind).
var feeLineREs = []*regexp.Regexp{regexp.MustCompile(`^([^｜|]*)[｜|]([^｜|]*)[｜|](.*)$`),
	regexp.MustCompile(`^([^,，]*)[,，]([^,，]*)[,，](.*)$`)}

// FuzzParseEntryForm: the catalog edit form's text areas and numbers are
// either refused with a Chinese message on the field, or read as typed
// (a fee's name and basis, an FAQ's question and answer unchanged, an
// amount in fen exactly the yuan written, never negative or past 100
// million yuan), and what the form then shows reads back the same.
func FuzzParseEntryForm(f *testing.F) {
	for _, s := range [][5]string{
		{"工本费,10,《行政事业性收费标准》", "需要本人到场吗？｜不需要，可委托他人", "受理｜0\n审查｜3｜审查｜城管局", "operator｜经营者｜text｜是｜｜name｜", "20"},
		{"检测费，12.50，依据甲，第三条", "问|答|再答", "决定,1,决定,,部门负责人", "", " 5 "},
		{"a,1e3,b\na,NaN,b\na,-1,b", "没有分隔符", "审查｜x", "k｜l｜date｜也许｜｜｜", "+5"},
		{"a,100000001,b", "｜", "", "", "1.5"},
		{"名称,1,", "\r\n", "｜", "a｜b｜select｜否｜甲、乙｜｜", "-0"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	for _, fee := range []string{"a,1e3,b", "a,Inf,b", "a,0.285,b", "a,0x10,b", "a, 1_000 ,b", "a,１２,b", "a,.5,b", "a,5.,b",
		"工本费（含照片，每本）｜10｜《办法》，第三条", "复印费,A4|0.5|依据", "a｜1｜b|c", "a,1,b｜c"} {
		f.Add(fee, "", "", "", "0")
	}
	orgs := orgNames{byID: map[string]string{"org-urban": "城管局"},
		byName: map[string]string{"城管局": "org-urban", "11340504MB0000000X": "org-urban"}}
	known := map[string]bool{"fees": true, "faqs": true, "steps": true, "fields": true, "kind": true,
		"legal_days": true, "promise_days": true, "visits": true}
	f.Fuzz(func(t *testing.T, fees, faqs, steps, fields, days string) {
		form := url.Values{"fees": {fees}, "faqs": {faqs}, "steps": {steps}, "fields": {fields},
			"kind": {"1"}, "legal_days": {days}, "promise_days": {"1"}, "visits": {"0"}}
		if !cleanValues(form) {
			return // refused at the door (invalid UTF-8, NUL): never parsed
		}
		var en catalog.Entry
		bad := map[string]string{}
		parseEntryForm(&http.Request{PostForm: form}, &en, bad, orgs)
		for k, msg := range bad {
			if !known[k] || !utf8.ValidString(msg) || !hasHan(msg) {
				t.Fatalf("problem %q: %q", k, msg)
			}
		}
		if bad["fees"] == "" {
			ls := formLines(fees)
			if len(ls) != len(en.Guide.Fees) {
				t.Fatalf("%d fee lines read as %d fees", len(ls), len(en.Guide.Fees))
			}
			for i, l := range ls {
				fe := en.Guide.Fees[i]
				var m []string
				for _, re := range feeLineREs { // the reading the parser took
					if mm := re.FindStringSubmatch(l); mm != nil && fe.Name == strings.TrimSpace(mm[1]) && fe.Basis == strings.TrimSpace(mm[3]) {
						m = mm
						break
					}
				}
				if m == nil {
					t.Fatalf("fee line %q read as %+v", l, fe)
				}
				typed, ok := new(big.Rat).SetString(strings.TrimSpace(m[2]))
				if !ok || fe.Fen < 0 || fe.Fen > 100_000_000_00 || typed.Mul(typed, big.NewRat(100, 1)).Cmp(big.NewRat(fe.Fen, 1)) != 0 {
					t.Fatalf("amount %q read as %d fen", m[2], fe.Fen)
				}
			}
		}
		if bad["faqs"] == "" {
			ls := formLines(faqs)
			if len(ls) != len(en.Guide.FAQs) {
				t.Fatalf("%d FAQ lines read as %d", len(ls), len(en.Guide.FAQs))
			}
			for i, l := range ls {
				i0 := strings.IndexAny(l, "｜|")
				_, n := utf8.DecodeRuneInString(l[i0:])
				if q := en.Guide.FAQs[i]; q.Q != strings.TrimSpace(l[:i0]) || q.A != strings.TrimSpace(l[i0+n:]) {
					t.Fatalf("FAQ line %q read as %+v", l, q)
				}
			}
		}
		if _, err := strconv.Atoi(strings.TrimSpace(days)); (err == nil) != (bad["legal_days"] == "") {
			t.Fatalf("legal days %q: %q", days, bad["legal_days"])
		}
		if len(bad) > 0 {
			return
		}
		// What the form shows of the entry reads back as the same entry.
		back, en2, bad2 := showAndRead(en, orgs)
		if len(bad2) > 0 {
			t.Fatalf("the form as shown is refused: %v\n%v", bad2, back)
		}
		g, g2 := en.Guide, en2.Guide
		if !reflect.DeepEqual(g.Fees, g2.Fees) || !reflect.DeepEqual(g.FAQs, g2.FAQs) || !reflect.DeepEqual(g.Steps, g2.Steps) ||
			!reflect.DeepEqual(g.Fields, g2.Fields) || en.LegalDays != en2.LegalDays {
			t.Fatalf("read as %+v\nshown as %v\nread back as %+v", g, back, g2)
		}
	})
}

// formLines are the non-blank lines of a text area, trimmed, as the edit
// form reads them.
func formLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
