package sqlstore

import "context"

// lookup is ctx for a read of a few rows by key, such as every request
// makes (its session, an idempotency record, a draft, the files named): it
// takes microseconds, so it is not watched for cancellation. For a query
// whose context can be cancelled, database/sql and the SQLite driver each
// start a goroutine that waits for the end of it: seven such reads of an
// application's submission started fourteen. Measured alternately, four
// pairs of 20,000 submissions and lookups: 545–574 against 575–595 µs of
// CPU a submission, 2 % more submissions and tracker lookups a second
// (docs/benchmarks.md). Its values (the actor, the trace) are kept; a
// request whose client has gone still finishes its lookups. On SQLite
// those of requests that write (a session, an application's key, draft,
// licenses, materials, files) run on readers of their own (db.point),
// which do not map the file (readerMmap): they come between commits, and a
// reader that maps the file drops and remakes its map after every commit.
// Other reads do the same while the DB commits (readers.go).
func lookup(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }
