package idempotency

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang"
)

// Claim is a request's hold on its key. The store binds it to the case the
// request creates or changes, in the same transaction as that change:
// inserting the key's record with the case (a new key is stored first
// there), or setting the case on the record a retry took over.
type Claim struct {
	AccountID   string
	Key         string
	Owner       string
	Method      string
	Path        string
	RequestHash string
	At          time.Time // when the request took the key

	hold   *hold // this process's hold, nil for a claim made elsewhere
	stored bool  // the record existed before the request ran (taken over)
}

// Lost reports whether a retry has taken the key over from this claim's
// request (abandoned, it was older than Stale): its change must not be
// stored. The store checks it before binding; two instances racing are
// settled by the record's primary key instead.
func (c Claim) Lost() bool { return c.hold != nil && c.hold.lost.Load() }

// MarkBound records that the store bound c to a case in the transaction of
// the request's change. A success of such a request stores no answer: the
// record bound to the case is its answer, and a retry is answered from the
// case (Finish).
func (c Claim) MarkBound() {
	if c.hold != nil {
		c.hold.bound.Store(true)
	}
}

// bound reports whether MarkBound was called on this request's claim.
func (c Claim) bound() bool { return c.hold != nil && c.hold.bound.Load() }

type claimKey struct{}

// WithClaim returns ctx carrying c, for the store to bind. It travels in
// the context rather than through every domain method because it belongs
// to the request, not to the case: no rule reads it, only the transaction
// that stores the change.
func WithClaim(ctx context.Context, c Claim) context.Context {
	return context.WithValue(ctx, claimKey{}, c)
}

// ClaimFrom returns the claim ctx carries, if any.
func ClaimFrom(ctx context.Context) (Claim, bool) {
	c, ok := ctx.Value(claimKey{}).(Claim)
	return c, ok && c.Owner != ""
}

// ErrClaimLost is returned by a store when a claim can no longer be bound
// because another attempt holds the key (it took the reservation over, or
// another instance stored the key first): the change is rolled back so
// that only one attempt ever takes effect.
func ErrClaimLost() error {
	return yiwang.Errorf(CodeInProgress, "使用该 Idempotency-Key 的另一次请求已在处理，本次未执行；请稍后用同一个键重试以取得结果")
}
