// Package idempotency makes a retried API request safe: the first request
// with an Idempotency-Key reserves the key and does its work; a retry with
// the same key and the same body gets its answer again without the work
// being done twice. A key belongs to one account and lives for 24 hours.
//
// The reservation is bound to the case it changes inside the same
// transaction as the change (see Claim). That record is the answer: a
// retry is answered from the case, as it stands (for a retry soon after,
// the same bytes), so a request that crashed right after its commit never
// has its work done again, and a success costs no second write to store
// its answer. Only an answer not bound to a case is stored: the answer a
// retry got from the case (later retries replay it), and a success that
// changed nothing.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"sync/atomic"
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
	// IdempotencyRecord returns the account's record of key, or ENOTFOUND.
	IdempotencyRecord(ctx context.Context, accountID, key string) (Record, error)
	// TakeOverKey hands an in-flight reservation still held by oldOwner to
	// newOwner, reporting whether it did and the case bound to it by then.
	TakeOverKey(ctx context.Context, accountID, key, oldOwner, newOwner string, at time.Time) (bool, string, error)
	// CompleteKey stores the answer of the request holding c: it completes
	// the record c's change stored, or stores a new one when the request
	// changed nothing; a record another owner holds is left alone.
	CompleteKey(ctx context.Context, c Claim, status int, response []byte, at time.Time) error
	// ReleaseKey deletes an in-flight reservation of owner that changed nothing.
	ReleaseKey(ctx context.Context, accountID, key, owner string) error
	// DeleteKey deletes the account's record of key if it was created before t.
	DeleteKey(ctx context.Context, accountID, key string, before time.Time) error
	// DeleteKeysBefore deletes every record created before t.
	DeleteKeysBefore(ctx context.Context, before time.Time) (int64, error)
}

// Service applies the rules.
//
// A new key costs no write of its own: Begin holds it in this process
// (holds), and the record is first stored by the transaction of the
// change the request makes (the store binds the Claim there, see
// ClaimFrom), or with the answer when the request changed nothing. Two
// instances racing with one key meet at that insert: the primary key lets
// one change commit and rolls the other back with CodeInProgress.
type Service struct {
	Store Store
	Clock yiwang.Clock

	mu      sync.Mutex
	holds   map[holdKey]*hold
	pending sync.WaitGroup // answers being stored by FinishLater
}

type holdKey struct{ account, key string }

// hold is a key held by a request running in this process.
type hold struct {
	owner, method, path, hash string
	at                        time.Time
	// lost is set when a retry took the key over from an abandoned
	// request: its change must then not be stored (Claim.Lost).
	lost atomic.Bool
	// bound is set when the store bound the claim to a case, in the
	// transaction of the request's change (Claim.MarkBound).
	bound atomic.Bool
	// answer is the request's success while FinishLater stores it (s.mu).
	answer *Record
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
// answer from the case an earlier attempt already changed, or run it.
type Outcome struct {
	// Replay, when not nil, is the stored answer: send it, do nothing else.
	Replay *Record
	// Claim is the reservation to run the request under (when Replay is nil).
	Claim Claim
	// CaseID, when set, is the case an earlier attempt already changed:
	// answer with it instead of running the request again.
	CaseID string
}

// Begin looks the key up and holds it when it is new. It returns
// CodeKeyReused when the key was used with another method, path or body,
// and CodeInProgress while the first request with it is still running.
// Every Outcome with a Claim must be followed by Finish or FinishLater.
func (s *Service) Begin(ctx context.Context, req Request) (Outcome, error) {
	sum := sha256.Sum256(req.Body)
	now := s.Clock.Now()
	h := &hold{owner: yiwang.NewID(), method: req.Method, path: req.Path, hash: hex.EncodeToString(sum[:]), at: now}
	if replay, err := s.hold(req, h); err != nil || replay != nil {
		return Outcome{Replay: replay}, err
	}
	out, err := s.begin(ctx, req, h)
	if err != nil || out.Replay != nil {
		s.unhold(req.AccountID, req.Key, h.owner)
	}
	return out, err
}

// hold records that this process runs a request with the key, unless one
// still does (or did with another body). A hold older than Stale was
// abandoned: it is taken over, and the request that held it can no longer
// store its change. A request that has answered but whose answer is still
// being stored is replayed from memory.
func (s *Service) hold(req Request, h *hold) (*Record, error) {
	k := holdKey{req.AccountID, req.Key}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holds == nil {
		s.holds = map[holdKey]*hold{}
	}
	if old := s.holds[k]; old != nil {
		if old.method != h.method || old.path != h.path || old.hash != h.hash {
			return nil, keyReused(old.method, old.path)
		}
		if old.answer != nil {
			r := *old.answer
			return &r, nil
		}
		if old.at.After(h.at.Add(-Stale)) {
			return nil, errInProgress()
		}
		old.lost.Store(true)
	}
	if len(s.holds) >= maxHolds {
		s.sweep(h.at)
	}
	s.holds[k] = h
	return nil, nil
}

// maxHolds bounds the holds kept before the abandoned ones are swept.
const maxHolds = 10000

// sweep forgets abandoned holds; s.mu is held.
func (s *Service) sweep(now time.Time) {
	for k, h := range s.holds {
		if !h.at.After(now.Add(-Stale)) {
			h.lost.Store(true)
			delete(s.holds, k)
		}
	}
}

// unhold lets the key go if owner still holds it, reporting whether it did.
func (s *Service) unhold(account, key, owner string) bool {
	k := holdKey{account, key}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.holds[k]; h != nil && h.owner == owner {
		delete(s.holds, k)
		return true
	}
	return false
}

// begin decides from the stored record, if any.
func (s *Service) begin(ctx context.Context, req Request, h *hold) (Outcome, error) {
	now := h.at
	claim := Claim{AccountID: req.AccountID, Key: req.Key, Owner: h.owner, Method: req.Method, Path: req.Path,
		RequestHash: h.hash, At: now, hold: h}
	old, err := s.Store.IdempotencyRecord(ctx, req.AccountID, req.Key)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Outcome{Claim: claim}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	if old.CreatedAt.Before(now.Add(-TTL)) {
		if err := s.Store.DeleteKey(ctx, req.AccountID, req.Key, now.Add(-TTL)); err != nil {
			return Outcome{}, err
		}
		return Outcome{Claim: claim}, nil
	}
	if old.Method != req.Method || old.Path != req.Path || old.RequestHash != h.hash {
		return Outcome{}, keyReused(old.Method, old.Path)
	}
	if !old.InFlight() {
		return Outcome{Replay: &old}, nil
	}
	// In flight. A record bound to a case is a change already committed
	// (its answer may not be stored yet, or never was): answer from the
	// case. Without a case, only an abandoned reservation is taken over.
	if old.CaseID == "" && old.ReservedAt.After(now.Add(-Stale)) {
		return Outcome{}, errInProgress()
	}
	took, caseID, err := s.Store.TakeOverKey(ctx, req.AccountID, req.Key, old.Owner, h.owner, now)
	if err != nil {
		return Outcome{}, err
	}
	if !took {
		// The record changed since it was read: another attempt took it
		// over, or its answer was stored meanwhile (then replay it).
		if cur, err := s.Store.IdempotencyRecord(ctx, req.AccountID, req.Key); err == nil && !cur.InFlight() &&
			cur.Method == req.Method && cur.Path == req.Path && cur.RequestHash == h.hash {
			return Outcome{Replay: &cur}, nil
		}
		return Outcome{}, errInProgress()
	}
	claim.stored = true
	return Outcome{Claim: claim, CaseID: caseID}, nil
}

func keyReused(method, path string) error {
	return yiwang.Errorf(CodeKeyReused, "该 Idempotency-Key 已用于另一个请求（%s %s），请为新的请求使用新的键", method, path)
}

func errInProgress() error {
	return yiwang.Errorf(CodeInProgress, "使用该 Idempotency-Key 的请求正在处理中，请稍后用同一个键重试以取得结果")
}

// Finish settles a claimed request's key so that retries get its answer,
// and lets the key go. Only a success (2xx) is kept: one whose change the
// store bound to the key needs nothing more (a retry is answered from the
// case); any other success's answer is stored. A refusal or a failure
// changed nothing, so the reservation is released (unless the request
// already changed a case) and the client may fix the request, or simply
// retry, with the same key. It uses a context that outlives the
// request's, so a client that hung up still leaves a complete record.
func (s *Service) Finish(ctx context.Context, c Claim, status int, response []byte) error {
	if c.Owner == "" {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	if status < 200 || status > 299 {
		if !s.unhold(c.AccountID, c.Key, c.Owner) && c.hold != nil {
			return nil // taken over meanwhile: the record is no longer ours
		}
		if !c.stored {
			// The record exists only if the change stored it, and then it
			// is bound to a case and kept: nothing to release.
			return nil
		}
		return s.Store.ReleaseKey(ctx, c.AccountID, c.Key, c.Owner)
	}
	defer s.unhold(c.AccountID, c.Key, c.Owner)
	if c.Lost() || c.bound() {
		// A change bound to the key needs no stored answer: its record,
		// committed with the change, names the case, and a retry is
		// answered from the case (begin), as after a crash.
		return nil
	}
	return s.Store.CompleteKey(ctx, c, status, response, s.Clock.Now())
}

// FinishLater is Finish without waiting for a success's answer to be
// stored (a success bound to a case stores none and is settled at once):
// the request's change is already durable and bound to the key, so if the
// answer is lost (a crash) a retry is answered from the case.
// Failures are settled at once, so that a corrected retry may follow
// immediately. Wait waits for the answers still being stored.
func (s *Service) FinishLater(ctx context.Context, c Claim, status int, response []byte, onErr func(error)) {
	if status < 200 || status > 299 || c.Owner == "" || c.bound() {
		if err := s.Finish(ctx, c, status, response); err != nil {
			onErr(err)
		}
		return
	}
	ctx = context.WithoutCancel(ctx)
	s.mu.Lock()
	if h := s.holds[holdKey{c.AccountID, c.Key}]; h != nil && h.owner == c.Owner {
		h.answer = &Record{AccountID: c.AccountID, Key: c.Key, Method: c.Method, Path: c.Path, RequestHash: c.RequestHash,
			Owner: c.Owner, Status: status, Response: response, CreatedAt: c.At, ReservedAt: c.At}
	}
	s.mu.Unlock()
	s.pending.Go(func() {
		if err := s.Finish(ctx, c, status, response); err != nil {
			onErr(err)
		}
	})
}

// Wait waits until the answers handed to FinishLater are stored.
func (s *Service) Wait() { s.pending.Wait() }

// Purge deletes the records older than TTL and returns how many.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	return s.Store.DeleteKeysBefore(ctx, s.Clock.Now().Add(-TTL))
}
