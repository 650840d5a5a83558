// Package yiwang holds the vocabulary shared by every part of the platform:
// error codes, the acting user, typed identifiers and the clock.
package yiwang

import (
	"time"

	"github.com/google/uuid"
)

// NewID returns a new time-ordered identifier (UUIDv7). IDs are made in Go,
// never by the database, so the same SQL runs on every engine.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Clock tells the time. Production uses SystemClock; tests use a fixed one.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real wall clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// Shanghai is the time zone in which dates are shown and working days counted.
var Shanghai = mustLoadShanghai()

func mustLoadShanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		// The binary may run without tzdata; China has had no DST since 1991.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}
