package identity_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
)

// parallel runs fn n times at once and returns how many calls succeeded
// and the errors of the others.
func parallel(n int, fn func(i int) error) (ok int, errs []error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var oks atomic.Int64
	for i := range n {
		wg.Go(func() {
			if err := fn(i); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return
			}
			oks.Add(1)
		})
	}
	wg.Wait()
	return int(oks.Load()), errs
}

// The limits on guesses hold for requests made at the same time, not only
// for requests made one after another.

func TestCodeConcurrent(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		zhang := person(t, "张三")
		const n = 12

		code := e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
		ok, errs := parallel(n, func(int) error {
			_, err := e.svc.LoginWithCode(e.ctx, zhang.Mobile, code, "10.0.0.9")
			return err
		})
		if ok != 1 {
			t.Errorf("one code logged in %d times", ok)
		}
		for _, err := range errs {
			wantErr(t, err, yiwang.EINVALID, "code")
		}

		e.clk.Advance(identity.CodeInterval)
		code = e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
		parallel(n, func(int) error {
			_, err := e.svc.LoginWithCode(e.ctx, zhang.Mobile, otherCode(code), "10.0.0.9")
			return err
		})
		_, err := e.svc.LoginWithCode(e.ctx, zhang.Mobile, code, "10.0.0.9")
		wantErr(t, err, yiwang.EINVALID, "code")
	})
}

func TestPasswordFailuresConcurrent(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		wang := person(t, "王五")
		id := e.citizen(t, wang.Mobile).ID
		const n = identity.MaxFailures + 2
		ok, errs := parallel(n, func(int) error {
			_, err := e.svc.LoginWithPassword(e.ctx, wang.Mobile, "wrong-password1", "10.0.0.9")
			return err
		})
		if ok != 0 || len(errs) != n {
			t.Fatalf("%d wrong passwords succeeded", ok)
		}
		a := e.citizen(t, wang.Mobile)
		if !a.Locked(e.clk.Now()) {
			t.Errorf("not locked after %d failures made at once (failures counted: %d)", n, a.FailedLogins)
		}
		_, err := e.svc.LoginWithPassword(e.ctx, wang.Mobile, demo.CitizenPassword, "10.0.0.9")
		wantErr(t, err, yiwang.ETOOMANY, "")
		if got := len(e.audits(t, audit.Filter{Action: "login", Object: "account:" + id, Result: audit.ResultFailed})); got != n {
			t.Errorf("failed logins audited = %d, want %d", got, n)
		}
		if r, err := audit.Verify(e.ctx, e.db); err != nil || !r.OK() {
			t.Errorf("audit chain: %v, %v", r, err)
		}
	})
}

func TestTOTPConcurrent(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		a := e.staff(t, "officer")
		code := identity.CurrentTOTP(a.TOTPSecret, e.clk.Now())
		ok, errs := parallel(8, func(int) error {
			_, err := e.svc.VerifyTOTP(e.ctx, a.ID, code, "10.0.0.5")
			return err
		})
		if ok != 1 {
			t.Errorf("one TOTP code accepted %d times", ok)
		}
		for _, err := range errs {
			if c := yiwang.ErrorCode(err); c != yiwang.EUNAUTHORIZED && c != yiwang.ETOOMANY {
				t.Errorf("error %v", err)
			}
		}
	})
}
