package identity

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
)

// Policy numbers. 等保 level 3 asks for lockout after repeated failures.
const (
	MaxFailures     = 5                // failed logins before the account locks
	LockDuration    = 30 * time.Minute // how long it stays locked
	CodeTTL         = 5 * time.Minute  // a one-time code's life
	CodeMaxAttempts = 5                // wrong guesses before a code is void
	CodeInterval    = time.Minute      // at most one code per phone per minute
	CodesPerDay     = 10               // and at most this many per day
	TokenTTL        = 90 * 24 * time.Hour
)

// OrgLookup finds orgs; org.Service satisfies it.
type OrgLookup interface {
	Get(ctx context.Context, id string) (org.Org, error)
}

// Service runs accounts and logins.
type Service struct {
	Store Store
	Orgs  OrgLookup
	Clock yiwang.Clock
	Log   *slog.Logger
	// Issuer names the platform in authenticator apps.
	Issuer string
}

// audit records an attempt that changes nothing else (a failed login, a
// refusal) and returns then: the error for the caller, unless the record
// could not be written, which is then the error. Nothing is refused or
// allowed without its record.
func (s *Service) audit(ctx context.Context, actor yiwang.Actor, action, object, result, detail string, then error) error {
	e := audit.New(actor, s.Clock.Now(), action, object, result, detail)
	if err := s.Store.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return then
}

func anon(ip string) yiwang.Actor { return yiwang.Actor{IP: ip, Channel: "web"} }

var errForbidden = yiwang.Errorf(yiwang.EFORBIDDEN, "您没有权限进行此操作")
