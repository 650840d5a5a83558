package web

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/idempotency"
)

// handlerFunc is a handler that returns its error for one place to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) h(fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.renderError(w, r, err)
		}
	}
}

// status maps an error code to its HTTP status. The one place that does.
func status(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	switch yiwang.ErrorCode(err) {
	case yiwang.EINVALID:
		return http.StatusBadRequest
	case yiwang.ENOTFOUND:
		return http.StatusNotFound
	case yiwang.ECONFLICT:
		return http.StatusConflict
	case yiwang.EFORBIDDEN:
		return http.StatusForbidden
	case yiwang.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case yiwang.ETOOMANY:
		return http.StatusTooManyRequests
	case yiwang.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case idempotency.CodeKeyInvalid:
		return http.StatusBadRequest
	case idempotency.CodeKeyReused:
		return http.StatusUnprocessableEntity
	case idempotency.CodeInProgress:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// publicError turns any error into one fit to show: internal errors become
// a generic message (and are logged by the caller); a too-large body becomes
// EINVALID with a clear message.
func publicError(err error) *yiwang.Error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &yiwang.Error{Code: yiwang.EINVALID, Message: "提交的内容过大，请缩小后重试"}
	}
	var e *yiwang.Error
	if errors.As(err, &e) {
		return e
	}
	return &yiwang.Error{Code: yiwang.EINTERNAL, Message: yiwang.ErrorMessage(err)}
}

// renderError answers with the error as JSON for API requests and as a page
// for people.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	pe := publicError(err)
	if code == http.StatusInternalServerError {
		s.Log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		writeJSONError(w, code, pe)
		return
	}
	if code == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.WriteHeader(code)
	v := &errorView{Page: s.page(r, "出错了"), Status: code, Message: pe.Message}
	for _, k := range slices.Sorted(maps.Keys(pe.Fields)) {
		v.Problems = append(v.Problems, pe.Fields[k])
	}
	s.render(w, r, "error", v)
}

type errorView struct {
	Page
	Status  int
	Message string
	// Problems are what a request without a form to show them beside
	// (a link with a wrong filter, say) got wrong, one by one.
	Problems []string
}
