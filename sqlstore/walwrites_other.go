//go:build !(linux && (amd64 || arm64))

package sqlstore

import "sync/atomic"

// coalesceWALWrites is walwrites.go's, on the platforms it is written for;
// elsewhere SQLite writes its log frame by frame.
func coalesceWALWrites() error { return nil }

// walWrites counts the pwrite calls made to log files where they are
// coalesced (tests).
var walWrites atomic.Int64
