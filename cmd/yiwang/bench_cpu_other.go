//go:build !unix

package main

import "time"

// processCPU is unknown here: the harness then reports no CPU figures.
func processCPU() time.Duration { return 0 }
