package webhook

import (
	"crypto/hmac"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/yushan-gov/yiwang"
)

// Request headers of a delivery.
const (
	HeaderEvent     = "X-Yiwang-Event"
	HeaderDelivery  = "X-Yiwang-Delivery"
	HeaderTimestamp = "X-Yiwang-Timestamp"
	HeaderSignature = "X-Yiwang-Signature"
)

// signaturePrefix names the algorithm in the signature header.
const signaturePrefix = "hmac-sm3="

// Sign returns the X-Yiwang-Signature value for body sent at unix second
// ts: "hmac-sm3=" and the lower-case hex HMAC-SM3, keyed with the secret's
// characters as they are, of the bytes ts (decimal) + "." + body.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sm3.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a received delivery, for Go receivers and for tests: the
// signature must match and the timestamp be within tolerance of now, so a
// recorded request cannot be replayed later. Errors are EUNAUTHORIZED.
func Verify(secret, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return yiwang.Errorf(yiwang.EUNAUTHORIZED, "时间戳无效")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return yiwang.Errorf(yiwang.EUNAUTHORIZED, "时间戳超出允许范围")
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(strings.TrimSpace(signature))) {
		return yiwang.Errorf(yiwang.EUNAUTHORIZED, "签名不正确")
	}
	return nil
}
