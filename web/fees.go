package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
)

// The fees charged on a case (收费): the decide form's lines, the API's
// field, and what the case pages show.

// feeLinesOf reads the decide form's fee lines, "fees[i].name" and
// "fees[i].amount", in order; reading stops at the first index sent with
// neither (the form numbers its rows from 0 without gaps).
func feeLinesOf(r *http.Request) []casework.FeeLine {
	var out []casework.FeeLine
	for i := 0; i < 2*casework.MaxFees; i++ {
		nk, ak := fmt.Sprintf("fees[%d].name", i), fmt.Sprintf("fees[%d].amount", i)
		_, hasName := r.PostForm[nk]
		_, hasAmount := r.PostForm[ak]
		if !hasName && !hasAmount {
			break
		}
		out = append(out, casework.FeeLine{Name: r.PostFormValue(nk), Amount: r.PostFormValue(ak)})
	}
	return out
}

// keepFeeValues keeps the fee lines a refused form sent, so that the page
// shows them again beside their errors.
func keepFeeValues(r *http.Request, f *Form) {
	for k, vs := range r.PostForm {
		if strings.HasPrefix(k, "fees[") && len(vs) > 0 {
			f.Values[k] = vs[0]
		}
	}
}

// feeRow is one line of the decide form's fee table.
type feeRow struct {
	I                                int
	Name, Amount, NameErr, AmountErr string
}

// FeeRows are the decide form's fee lines: one per fee item of the guide
// and one more (at least three), or as many as a refused form sent.
func (v *caseView) FeeRows() []feeRow {
	n := max(3, len(v.E.Guide.Fees)+1)
	for i := 0; i < 2*casework.MaxFees; i++ {
		if _, ok := v.Form.Values[fmt.Sprintf("fees[%d].name", i)]; ok {
			n = max(n, i+1)
		}
	}
	n = min(n, casework.MaxFees)
	rows := make([]feeRow, n)
	for i := range rows {
		nk, ak := fmt.Sprintf("fees[%d].name", i), fmt.Sprintf("fees[%d].amount", i)
		rows[i] = feeRow{I: i, Name: v.Form.Values[nk], Amount: v.Form.Values[ak], NameErr: v.Form.Errors[nk], AmountErr: v.Form.Errors[ak]}
	}
	return rows
}

// FeeTotal is the sum of the case's fees, in fen.
func (v *caseView) FeeTotal() int64 { return casework.FeeTotal(v.C.Fees) }

// apiFeeIn is one fee line of the decide API: the amount in yuan, as a
// JSON string ("12.50") or number (12.5); either is read as written, so
// that no binary fraction creeps in.
type apiFeeIn struct {
	Name   string  `json:"name"`
	Amount apiYuan `json:"amount"`
}

// apiYuan is an amount in yuan as the client wrote it.
type apiYuan string

// UnmarshalJSON keeps a number's digits or a string's text; other JSON
// values become text the amount check refuses.
func (y *apiYuan) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*y = apiYuan(s)
		return nil
	}
	*y = apiYuan(strings.TrimSpace(string(b)))
	return nil
}

func feeLinesAPI(in []apiFeeIn) []casework.FeeLine {
	out := make([]casework.FeeLine, len(in))
	for i, f := range in {
		out[i] = casework.FeeLine{Name: f.Name, Amount: string(f.Amount)}
	}
	return out
}

// apiFee is a fee charged, as the API shows it.
type apiFee struct {
	Name   string `json:"name"`
	Fen    int64  `json:"fen"`
	Amount string `json:"amount"` // yuan, two decimals
}

func apiFeesOf(fees []casework.Fee) []apiFee {
	out := make([]apiFee, len(fees))
	for i, f := range fees {
		out[i] = apiFee{Name: f.Name, Fen: f.Fen, Amount: catalog.Yuan(f.Fen)}
	}
	return out
}
