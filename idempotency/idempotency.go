// Package idempotency makes a retried API request safe: the first request
// with an Idempotency-Key reserves the key, does its work and stores its
// answer; a retry with the same key and the same body gets that answer again
// without the work being done twice. A key belongs to one account and lives
// for 24 hours.
//
// The reservation is bound to the case it changes inside the same
// transaction as the change (see Claim), so even a request that crashed
// between committing its change and storing its answer never has its work
// done again: the retry answers from the case instead.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/yushan-gov/yiwang"
)

// Error codes of this package. They are part of the API: never rename one.
const (
	CodeKeyInvalid = "idempotency_key_invalid" // the header is malformed (HTTP 400)
	CodeKeyReused  = "idempotency_key_reused"  // the key was used for another request (HTTP 422)
	CodeInProgress = "idempotency_in_progress" // the first request with the key is still running (HTTP 409)
)

// TTL is how long a key is remembered.
const TTL = 24 * time.Hour

// Stale is how long a reservation may stay in flight before it counts as
// abandoned (its request crashed) and a retry may take it over. Requests
// time out after 60 seconds, so a live one is never this old.
const Stale = 2 * time.Minute

// MaxKeyLen is the longest key accepted.
const MaxKeyLen = 64

// ParseKey checks an Idempotency-Key header value: 1 to 64 visible ASCII
// characters (no spaces). It returns CodeKeyInvalid otherwise.
func ParseKey(v string) (string, error) {
	bad := yiwang.Errorf(CodeKeyInvalid, "Idempotency-Key 须为 1 至 %d 个可见 ASCII 字符（不含空格），例如一个 UUID", MaxKeyLen)
	if len(v) == 0 || len(v) > MaxKeyLen {
		return "", bad
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x21 || v[i] > 0x7e {
			return "", bad
		}
	}
	return v, nil
}

// Record is what is kept of one key.
type Record struct {
	AccountID   string
	Key         string
	Method      string
	Path        string
	RequestHash string // hex SHA-256 of the request body
	Owner       string // token of the request holding the reservation
	CaseID      string // the case the request changed, bound in the change's transaction
	Status      int    // the answer's HTTP status; 0 while the request is in flight
	Response    []byte // the answer's body
	CreatedAt   time.Time
	ReservedAt  time.Time // when the current owner took the reservation
}

// InFlight reports whether the request holding the key has not answered yet.
func (r Record) InFlight() bool { return r.Status == 0 }

// Store keeps the records. Every method is one statement, safe under
// concurrency on every engine.
type Store interface {
	// ReserveKey inserts r unless the account already has a record for the
	// key, and reports whether it did.
	ReserveKey(ctx context.Context, r Record) (bool, error)
	// IdempotencyRecord returns the account's record of key, or ENOTFOUND.
	IdempotencyRecord(ctx context.Context, accountID, key string) (Record, error)
	// TakeOverKey hands an in-flight reservation still held by oldOwner to
	// newOwner, reporting whether it did and the case bound to it by then.
	TakeOverKey(ctx context.Context, accountID, key, oldOwner, newOwner string, at time.Time) (bool, string, error)
	// CompleteKey stores the answer of the request holding the reservation.
	CompleteKey(ctx context.Context, accountID, key, owner string, status int, response []byte, at time.Time) error
	// ReleaseKey deletes an in-flight reservation of owner that changed nothing.
	ReleaseKey(ctx context.Context, accountID, key, owner string) error
	// DeleteKey deletes the account's record of key if it was created before t.
	DeleteKey(ctx context.Context, accountID, key string, before time.Time) error
	// DeleteKeysBefore deletes every record created before t.
	DeleteKeysBefore(ctx context.Context, before time.Time) (int64, error)
}

// Service applies the rules.
type Service struct {
	Store Store
	Clock yiwang.Clock
}

// Request is one keyed request.
type Request struct {
	AccountID string
	Key       string
	Method    string
	Path      string
	Body      []byte
}

// Outcome says what to do with a keyed request: replay a stored answer,
// answer from the case an abandoned request already changed, or run it.
type Outcome struct {
	// Replay, when not nil, is the stored answer: send it, do nothing else.
	Replay *Record
	// Claim is the reservation to run the request under (when Replay is nil).
	Claim Claim
	// CaseID, when set, is the case an abandoned earlier attempt already
	// changed: answer with it instead of running the request again.
	CaseID string
}

// Begin looks the key up and reserves it when it is new. It returns
// CodeKeyReused when the key was used with another method, path or body,
// and CodeInProgress while the first request with it is still running.
func (s *Service) Begin(ctx context.Context, req Request) (Outcome, error) {
	sum := sha256.Sum256(req.Body)
	now := s.Clock.Now()
	mine := Record{AccountID: req.AccountID, Key: req.Key, Method: req.Method, Path: req.Path,
		RequestHash: hex.EncodeToString(sum[:]), Owner: yiwang.NewID(), CreatedAt: now, ReservedAt: now}
	claim := Claim{AccountID: req.AccountID, Key: req.Key, Owner: mine.Owner}
	// Each pass either decides or sees the record change under it (deleted
	// or taken over); a few passes settle any race.
	for range 4 {
		ok, err := s.Store.ReserveKey(ctx, mine)
		if err != nil {
			return Outcome{}, err
		}
		if ok {
			return Outcome{Claim: claim}, nil
		}
		old, err := s.Store.IdempotencyRecord(ctx, req.AccountID, req.Key)
		if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
			continue
		}
		if err != nil {
			return Outcome{}, err
		}
		if old.CreatedAt.Before(now.Add(-TTL)) {
			if err := s.Store.DeleteKey(ctx, req.AccountID, req.Key, now.Add(-TTL)); err != nil {
				return Outcome{}, err
			}
			continue
		}
		if old.Method != mine.Method || old.Path != mine.Path || old.RequestHash != mine.RequestHash {
			return Outcome{}, yiwang.Errorf(CodeKeyReused, "该 Idempotency-Key 已用于另一个请求（%s %s），请为新的请求使用新的键", old.Method, old.Path)
		}
		if !old.InFlight() {
			return Outcome{Replay: &old}, nil
		}
		if old.ReservedAt.After(now.Add(-Stale)) {
			return Outcome{}, errInProgress()
		}
		took, caseID, err := s.Store.TakeOverKey(ctx, req.AccountID, req.Key, old.Owner, mine.Owner, now)
		if err != nil {
			return Outcome{}, err
		}
		if took {
			return Outcome{Claim: claim, CaseID: caseID}, nil
		}
	}
	return Outcome{}, errInProgress()
}

func errInProgress() error {
	return yiwang.Errorf(CodeInProgress, "使用该 Idempotency-Key 的请求正在处理中，请稍后用同一个键重试以取得结果")
}

// Finish stores the answer of a claimed request so that retries get it.
// Only a success (2xx) is kept: a refusal or a failure changed nothing, so
// the reservation is released (unless the request already changed a case)
// and the client may fix the request, or simply retry, with the same key.
// It uses a context that outlives the request's, so a client that hung up
// still leaves a complete record.
func (s *Service) Finish(ctx context.Context, c Claim, status int, response []byte) error {
	ctx = context.WithoutCancel(ctx)
	if status < 200 || status > 299 {
		return s.Store.ReleaseKey(ctx, c.AccountID, c.Key, c.Owner)
	}
	return s.Store.CompleteKey(ctx, c.AccountID, c.Key, c.Owner, status, response, s.Clock.Now())
}

// Purge deletes the records older than TTL and returns how many.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	return s.Store.DeleteKeysBefore(ctx, s.Clock.Now().Add(-TTL))
}
