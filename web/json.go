package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/yushan-gov/yiwang"
)

// maxJSONBody is the largest JSON body the API reads.
const maxJSONBody = 1 << 20

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func writeJSONError(w http.ResponseWriter, status int, e *yiwang.Error) {
	writeJSON(w, status, map[string]apiError{"error": {Code: e.Code, Message: e.Message, Fields: e.Fields}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)

	_ = enc.Encode(v)
}

// decodeJSON reads one JSON object into v, refusing unknown fields, trailing
// data and bodies over maxJSONBody, with a Chinese message.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return yiwang.Errorf(yiwang.EINVALID, "请求内容须为 JSON（Content-Type: application/json）")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		return err
	}
	// NUL cannot be stored in a PostgreSQL text column; refuse it here
	// rather than fail deep inside (invalid UTF-8 is replaced by the decoder).
	// JSON writes it only as \u0000 (the u in lower case; \U0000 is a
	// syntax error the decoder refuses).
	if bytes.Contains(body, []byte(`\u0000`)) {
		return yiwang.Errorf(yiwang.EINVALID, "请求内容含有无法识别的字符（\\u0000）")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return yiwang.Errorf(yiwang.EINVALID, "请求内容不是有效的 JSON：%s", jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return yiwang.Errorf(yiwang.EINVALID, "请求内容只能包含一个 JSON 对象")
	}
	return nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "语法错误"
	case errors.As(err, &te) && te.Field == "":
		return "内容应为一个 JSON 对象"
	case errors.As(err, &te):
		return "字段 " + te.Field + " 的类型不正确"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return "含有未知字段 " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.EOF):
		return "内容为空"
	}
	return "格式不正确"
}
