// Package audit keeps the append-only, tamper-evident log of who did what.
// Each record holds the SM3 hash of the previous record, so removing or
// changing any record breaks the chain, and Verify names the first broken link.
package audit

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/yushan-gov/yiwang"
)

// Results of an audited action. Stored: never change a value.
const (
	ResultOK     = "ok"     // done
	ResultFailed = "failed" // tried and failed (wrong password, invalid input)
	ResultDenied = "denied" // refused for lack of permission
)

// Entry is one audit record.
type Entry struct {
	Seq       int64     // position in the chain, from 1
	ID        string    //
	At        time.Time // UTC, microsecond precision
	ActorID   string    // account ID, "system", or "" for an anonymous caller
	ActorName string    //
	Action    string    // e.g. "login.staff", "account.create", "pii.read"
	Object    string    // what was acted on, e.g. "account:0193…"
	Result    string    // ResultOK, ResultFailed or ResultDenied
	IP        string    // where from
	Detail    string    // free text, never a secret or a full personal identifier
	PrevHash  string    // hex SM3 of the previous entry; "" for the first
	Hash      string    // hex SM3 of this entry including PrevHash
}

// New returns an entry for an action by actor, stamped with at.
func New(actor yiwang.Actor, at time.Time, action, object, result, detail string) Entry {
	return Entry{
		ID: yiwang.NewID(), At: at.UTC().Truncate(time.Microsecond),
		ActorID: actor.AccountID, ActorName: actor.Name, IP: actor.IP,
		Action: action, Object: object, Result: result, Detail: detail,
	}
}

// Link sets e's sequence number, previous hash and own hash so that it
// follows the entry whose sequence and hash are given.
func Link(e *Entry, prevSeq int64, prevHash string) {
	e.Seq = prevSeq + 1
	e.PrevHash = prevHash
	e.Hash = Sum(e)
}

// Sum computes the chained hash of e: SM3 over the previous hash and every
// field, each prefixed with its length so that fields cannot run together.
func Sum(e *Entry) string {
	h := sm3.New()
	var n [8]byte
	put := func(s string) {
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	put(e.PrevHash)
	put(strconv.FormatInt(e.Seq, 10))
	put(e.ID)
	put(e.At.UTC().Format(time.RFC3339Nano))
	put(e.ActorID)
	put(e.ActorName)
	put(e.Action)
	put(e.Object)
	put(e.Result)
	put(e.IP)
	put(e.Detail)
	return hex.EncodeToString(h.Sum(nil))
}

// Filter selects entries for browsing. Zero fields select everything.
type Filter struct {
	ActorID string
	Action  string // prefix match, e.g. "login"
	Object  string
	Result  string
	From    time.Time
	To      time.Time
	Limit   int
	Offset  int
}

// Store is what the audit log needs from storage. Appending happens inside
// the storage's own transactions (so an audited change and its record commit
// together); Append is for actions that change nothing else.
type Store interface {
	AppendAudit(ctx context.Context, e Entry) error
	ListAudit(ctx context.Context, f Filter) ([]Entry, int, error)
	// WalkAudit calls fn for every entry in sequence order, then returns the head.
	WalkAudit(ctx context.Context, fn func(Entry) error) (headSeq int64, headHash string, err error)
}
