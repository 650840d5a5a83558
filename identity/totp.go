package identity

import (
	"crypto/subtle"
	"net/url"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

const totpPeriod = 30

func (s *Service) issuer() string {
	if s.Issuer != "" {
		return s.Issuer
	}
	return "雨山区政务服务网"
}

// NewTOTPSecret makes a fresh TOTP secret (base32) for an account.
func NewTOTPSecret(issuer, account string) (string, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod})
	if err != nil {
		return "", err
	}
	return k.Secret(), nil
}

// TOTPURL returns the otpauth:// URL an authenticator app scans to enrol.
func (s *Service) TOTPURL(a Account) string {
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + s.issuer() + ":" + a.Username}
	u.RawQuery = url.Values{"secret": {a.TOTPSecret}, "issuer": {s.issuer()}, "period": {"30"},
		"digits": {"6"}, "algorithm": {"SHA1"}}.Encode()
	return u.String()
}

// Secret returns the account's TOTP secret (base32), for enrolment.
func (a Account) Secret() string { return a.TOTPSecret }

// TOTPEnrolled reports whether a TOTP code was ever accepted for the account.
func (a Account) TOTPEnrolled() bool { return a.TOTPLastStep > 0 }

// CurrentTOTP returns the code valid now for a secret (tests, and the dev
// outbox page for demo accounts).
func CurrentTOTP(secret string, now time.Time) string {
	c, _ := totp.GenerateCodeCustom(secret, now, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	return c
}

// matchTOTP returns the time step of code if it is valid at now, allowing
// one step of clock skew either way.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	for _, k := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(k*totpPeriod) * time.Second)
		want := CurrentTOTP(secret, t)
		if want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / totpPeriod, true
		}
	}
	return 0, false
}
