package yiwang

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{1, 0, 30 * time.Second},
		{2, 0, time.Minute},
		{3, 0, 2 * time.Minute},
		{4, 0, 4 * time.Minute},
		{8, 0, time.Hour},
		{40, 0, time.Hour},
		{1, 0.5, 33 * time.Second},
		{8, 0.5, time.Hour + 6*time.Minute},
		{1, 7, 36 * time.Second}, // jitter is clamped to [0, 1]
	} {
		got := Backoff(tc.attempt, tc.jitter)
		if d := got - tc.want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("Backoff(%d, %v) = %v, want %v", tc.attempt, tc.jitter, got, tc.want)
		}
	}
}
