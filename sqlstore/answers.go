package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/yushan-gov/yiwang/idempotency"
)

// Idempotent answers are stored after they are sent (FinishLater), one per
// keyed request whose answer is not bound to a case (a change bound to its
// key stores none: a retry is answered from the case, see package
// idempotency): each its own transaction, on PostgreSQL that is a commit
// and a WAL flush per submission beside the grouped case creations. The
// concurrent CompleteKey calls are therefore stored together: the first
// caller stores what is waiting, up to maxAnswers, in one transaction (on
// PostgreSQL one statement over arrays), and keeps doing so while more
// arrives; the others wait for their batch.

// maxAnswers bounds the answers stored together.
const maxAnswers = 256

// answerBatches collects the waiting CompleteKey calls.
type answerBatches struct {
	mu       sync.Mutex
	pending  []*pendingAnswer
	flushing bool
}

type pendingAnswer struct {
	c        idempotency.Claim
	status   int
	response string
	at       time.Time
	done     chan error
}

// CompleteKey stores the answer, if owner still holds the reservation (or
// nobody stored one: a request that changed nothing).
func (db *DB) CompleteKey(ctx context.Context, c idempotency.Claim, status int, response []byte, at time.Time) error {
	p := &pendingAnswer{c: c, status: status, response: string(response), at: at.UTC(), done: make(chan error, 1)}
	b := &db.answers
	b.mu.Lock()
	b.pending = append(b.pending, p)
	if b.flushing {
		b.mu.Unlock()
		return <-p.done
	}
	b.flushing = true
	for len(b.pending) > 0 {
		n := min(len(b.pending), maxAnswers)
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		b.mu.Unlock()
		err := db.storeAnswers(context.WithoutCancel(ctx), batch)
		if err != nil {
			err = fmt.Errorf("complete idempotency keys: %w", err)
		}
		for _, q := range batch {
			q.done <- err
		}
		b.mu.Lock()
	}
	b.pending = nil
	b.flushing = false
	b.mu.Unlock()
	return <-p.done
}

// answerSet is the upsert's SET and WHERE: the answer is stored on the
// record its owner still holds in flight, or as a new record.
const answerSet = `status = excluded.status, response = excluded.response, completed_at = excluded.completed_at
	WHERE idempotency_keys.owner_token = excluded.owner_token AND idempotency_keys.status = 0`

// storeAnswers stores a batch in one transaction. One key appears at most
// once (the process holds a key for one request at a time; a batch with a
// repeat keeps the last, as one after the other would have).
func (db *DB) storeAnswers(ctx context.Context, batch []*pendingAnswer) error {
	type key struct{ account, key string }
	last := make(map[key]int, len(batch))
	for i, p := range batch {
		last[key{p.c.AccountID, p.c.Key}] = i
	}
	if db.Engine != Postgres { // with the next group, if one comes soon (lazy)
		w := newWork(ctx, func(ctx context.Context, tx *sql.Tx) error {
			for i, p := range batch {
				if last[key{p.c.AccountID, p.c.Key}] != i {
					continue
				}
				if _, err := tx.ExecContext(ctx, keyUpsert+answerSet,
					keyArgs(p.c, "", p.status, p.response, p.at)...); err != nil {
					return err
				}
			}
			return nil
		})
		w.lazy = true
		return db.commit.doWork(w)
	}
	var acc, keys, methods, paths, hashes, owners, responses []string
	var created, done []time.Time
	var statuses []int64
	for i, p := range batch {
		if last[key{p.c.AccountID, p.c.Key}] != i {
			continue
		}
		acc, keys, methods, paths = append(acc, p.c.AccountID), append(keys, p.c.Key), append(methods, p.c.Method), append(paths, p.c.Path)
		hashes, owners, responses = append(hashes, p.c.RequestHash), append(owners, p.c.Owner), append(responses, p.response)
		created, done, statuses = append(created, p.c.At.UTC()), append(done, p.at), append(statuses, int64(p.status))
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO idempotency_keys (account_id, idem_key, method, path, request_hash,
		owner_token, created_at, reserved_at, case_id, status, response, completed_at)
		SELECT a, k, m, p, h, o, c, c, '', s, r, d FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
		$6::text[], $7::timestamp[], $8::bigint[], $9::text[], $10::timestamp[]) AS t(a, k, m, p, h, o, c, s, r, d)
		ON CONFLICT (account_id, idem_key) DO UPDATE SET `+answerSet,
		acc, keys, methods, paths, hashes, owners, created, statuses, responses, done)
	return err
}
