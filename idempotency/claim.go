package idempotency

import (
	"context"

	"github.com/yushan-gov/yiwang"
)

// Claim is a request's hold on its key. The store binds it to the case the
// request creates or changes, in the same transaction as that change.
type Claim struct {
	AccountID string
	Key       string
	Owner     string
}

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
// because another attempt took the reservation over: the change is rolled
// back so that only one attempt ever takes effect.
func ErrClaimLost() error {
	return yiwang.Errorf(CodeInProgress, "使用该 Idempotency-Key 的请求已由另一次重试接手，本次未执行")
}
