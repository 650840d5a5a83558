package identity_test

import (
	"sync"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity"
)

// TestCodeConcurrent sends many guesses at once: a code still works only
// once, and no more than CodeMaxAttempts guesses are ever checked.
func TestCodeConcurrent(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		zhang := person(t, "张三")
		const n = 12
		parallel := func(codes ...string) []error {
			errs := make([]error, len(codes))
			var wg sync.WaitGroup
			for i, c := range codes {
				wg.Go(func() { _, errs[i] = e.svc.LoginWithCode(e.ctx, zhang.Mobile, c, "10.0.0.9") })
			}
			wg.Wait()
			return errs
		}

		code := e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
		same := make([]string, n)
		for i := range same {
			same[i] = code
		}
		ok := 0
		for _, err := range parallel(same...) {
			if err == nil {
				ok++
			} else if yiwang.ErrorCode(err) != yiwang.EINVALID {
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("one code logged in %d times", ok)
		}

		// Guesses made at once count like guesses made one after another.
		e.clk.Advance(identity.CodeInterval)
		code = e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
		wrong := make([]string, n)
		for i := range wrong {
			wrong[i] = otherCode(code)
		}
		parallel(wrong...)
		_, err := e.svc.LoginWithCode(e.ctx, zhang.Mobile, code, "10.0.0.9")
		wantErr(t, err, yiwang.EINVALID, "code")
	})
}
