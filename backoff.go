package yiwang

import "time"

// Retry schedule shared by everything that delivers to the outside (SMS,
// webhooks): the first retry after RetryBase, each later one twice as long,
// never more than RetryCap.
const (
	RetryBase = 30 * time.Second
	RetryCap  = time.Hour
)

// Backoff returns how long to wait after the attempt-th failed attempt
// (counting from 1): 30 s, 1 min, 2 min, 4 min … at most an hour, plus up to
// a fifth more chosen by jitter (in [0, 1)), so that retries of many
// messages that failed together do not all come back at the same second.
func Backoff(attempt int, jitter float64) time.Duration {
	d := RetryBase
	for i := 1; i < attempt && d < RetryCap; i++ {
		d *= 2
	}
	d = min(d, RetryCap)
	jitter = min(max(jitter, 0), 1)
	return d + time.Duration(float64(d)*jitter/5)
}
