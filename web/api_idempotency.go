package web

import (
	"bytes"
	"io"
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/idempotency"
)

// idempotencyHeader carries the client's key; replayedHeader marks an
// answer that was stored (or rebuilt), not made by running the request again.
const (
	idempotencyHeader = "Idempotency-Key"
	replayedHeader    = "Idempotent-Replayed"
)

// requestKey returns the request's Idempotency-Key, "" when it has none, or
// CodeKeyInvalid when the header is malformed or sent twice.
func requestKey(r *http.Request) (string, error) {
	vals := r.Header.Values(idempotencyHeader)
	switch len(vals) {
	case 0:
		return "", nil
	case 1:
		return idempotency.ParseKey(vals[0])
	}
	return "", yiwang.Errorf(idempotency.CodeKeyInvalid, "只能发送一个 Idempotency-Key")
}

// keyed runs h at most once per Idempotency-Key of the caller. A retry with
// the same key, method, path and body gets the stored answer with
// "Idempotent-Replayed: true"; another body gets 422, and a retry while the
// first attempt still runs gets 409. If an earlier attempt changed a case
// but its answer is not stored (not yet, or it died first), the retry is
// answered from that case with status ok (h's success status) instead of
// changing it again.
// Without the header, h runs as usual.
func (s *Server) keyed(ok int, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key, err := requestKey(r)
		if err != nil {
			return err
		}
		if key == "" {
			return h(w, r)
		}
		actor, err := requireLogin(r)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
		if err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		out, err := s.Idempotency.Begin(r.Context(), idempotency.Request{AccountID: actor.AccountID, Key: key,
			Method: r.Method, Path: r.URL.Path, Body: body})
		if err != nil {
			return err
		}
		if out.Replay != nil {
			w.Header().Set(replayedHeader, "true")
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(out.Replay.Status)
			_, err := w.Write(out.Replay.Response)
			return err
		}
		r = r.WithContext(idempotency.WithClaim(r.Context(), out.Claim))
		// The key is let go when the handler returns, also when it panics
		// (as a failure: a case it changed first keeps the key bound to
		// it); a success's change is durable and bound to the key already,
		// so its answer is not waited for: if storing it fails, or the
		// process dies first, a retry finds the key bound to the case and
		// is answered from it. The answer reaches the client only after
		// this, when the handler has returned.
		status, answer := http.StatusInternalServerError, []byte(nil)
		defer func() {
			s.Idempotency.FinishLater(r.Context(), out.Claim, status, answer, func(err error) {
				s.Log.Error("store idempotent answer", "path", r.URL.Path, "err", err)
			})
		}()
		rec := newRecorder()
		if out.CaseID != "" {
			rec.Header().Set(replayedHeader, "true")
			err = s.writeCase(rec, r, actor, out.CaseID, ok)
			if code := yiwang.ErrorCode(err); code == yiwang.ENOTFOUND || code == yiwang.EFORBIDDEN {
				// The request's own change took the case out of the
				// caller's sight (a letter forwarded to another
				// department): answer with its summary, as that route did.
				err = s.writeCaseSummary(rec, r, out.CaseID, ok)
			}
		} else {
			err = h(rec, r)
		}
		if err != nil {
			s.renderError(rec, r, err)
		}
		status, answer = rec.status, rec.body.Bytes()
		rec.copyTo(w)
		return nil
	}
}

// writeCaseSummary answers with the summary of case id, read without the
// caller's access check: only for a key the caller's own earlier request
// bound to the case, in the transaction of its change.
func (s *Server) writeCaseSummary(w http.ResponseWriter, r *http.Request, id string, status int) error {
	c, err := s.Cases.Store.Case(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, status, summaryCase(c))
	return nil
}

// recorder keeps an answer so that it can be stored before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (rc *recorder) Header() http.Header { return rc.header }

func (rc *recorder) WriteHeader(status int) {
	if rc.status == 0 {
		rc.status = status
	}
}

func (rc *recorder) Write(b []byte) (int, error) {
	if rc.status == 0 {
		rc.status = http.StatusOK
	}
	return rc.body.Write(b)
}

func (rc *recorder) copyTo(w http.ResponseWriter) {
	for k, v := range rc.header {
		w.Header()[k] = v
	}
	if rc.status == 0 {
		rc.status = http.StatusOK
	}
	w.WriteHeader(rc.status)
	_, _ = w.Write(rc.body.Bytes())
}
