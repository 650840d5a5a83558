package yiwang

import "context"

type writesKey struct{}

// Writes marks ctx as that of a request that changes something (a POST):
// its reads come between the commits of the writes around it. A store may
// serve such reads from other connections than the rest (on SQLite, readers
// that do not map the database file, which every commit would make them
// map again).
func Writes(ctx context.Context) context.Context {
	return context.WithValue(ctx, writesKey{}, true)
}

// IsWrites reports whether ctx was marked by Writes.
func IsWrites(ctx context.Context) bool {
	v, _ := ctx.Value(writesKey{}).(bool)
	return v
}
