package web

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// quietStore is also a Codec, for the session manager that keeps its
// sessions in it (sm.Store and sm.Codec the same quietStore): it keeps
// scs's gob encoding, but remembers the encodings it decoded or
// made, by their bytes, with what they hold. A request of an unchanged
// session then decodes nothing (the stored bytes are known), encodes
// nothing (the same data gives back the bytes it was read from) and
// fingerprints nothing: scs loads and commits the session on every
// request, and gob's decoder and encoder cost more than the rest of a
// small API request's session handling. The session is still read from
// the store on every request, so a logout on another instance ends it
// here too: what is remembered is only what given bytes decode to.

// sessionCodes bounds the encodings remembered; when full, half go.
const sessionCodes = 10000

// decoded is what a remembered encoding holds. values is never handed out,
// only copies of it.
type decoded struct {
	deadline time.Time
	values   map[string]any
	sum      [32]byte // canonicalSum of the two
}

// Decode returns what scs encoded in b.
func (q *quietStore) Decode(b []byte) (time.Time, map[string]any, error) {
	q.mu.Lock()
	d, ok := q.codes[string(b)]
	if ok {
		vals := copyValues(d.values)
		q.mu.Unlock()
		return d.deadline, vals, nil
	}
	q.mu.Unlock()
	deadline, vals, err := scs.GobCodec{}.Decode(b)
	if err != nil {
		return deadline, vals, err
	}
	if sum, ok := canonicalSum(deadline, vals); ok {
		q.remember(string(b), deadline, vals, sum)
	}
	return deadline, vals, nil
}

// Encode encodes a session as scs.GobCodec does; the same data as a
// remembered encoding gets that encoding's bytes.
func (q *quietStore) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	sum, canonical := canonicalSum(deadline, values)
	if canonical {
		q.mu.Lock()
		b, ok := q.bySum[sum]
		q.mu.Unlock()
		if ok {
			return []byte(b), nil
		}
	}
	b, err := scs.GobCodec{}.Encode(deadline, values)
	if err != nil || !canonical {
		return b, err
	}
	q.remember(string(b), deadline, values, sum)
	return b, nil
}

// remember keeps encoding b of deadline and a copy of vals.
func (q *quietStore) remember(b string, deadline time.Time, vals map[string]any, sum [32]byte) {
	d := &decoded{deadline: deadline, values: copyValues(vals), sum: sum}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.codes) >= sessionCodes {
		for k, old := range q.codes {
			delete(q.codes, k)
			if q.bySum[old.sum] == k {
				delete(q.bySum, old.sum)
			}
			if len(q.codes) < sessionCodes/2 {
				break
			}
		}
	}
	q.codes[b] = d
	q.bySum[sum] = b
}

// fingerprint hashes session data so that the same data hashes the same:
// scs encodes the values map with gob, whose map order is random, so one
// unchanged session of two or more values gave other bytes on almost every
// request, and was written every time. Remembered encodings answer at
// once; others are decoded, and the deadline and the values hashed in key
// order. Bytes that are not scs's encoding are hashed as they are.
func (q *quietStore) fingerprint(b []byte) [32]byte {
	q.mu.Lock()
	d, ok := q.codes[string(b)]
	q.mu.Unlock()
	if ok {
		return d.sum
	}
	deadline, vals, err := scs.GobCodec{}.Decode(b)
	if err != nil {
		return sha256.Sum256(b)
	}
	if sum, ok := canonicalSum(deadline, vals); ok {
		q.remember(string(b), deadline, vals, sum)
		return sum
	}
	h := sha256.New()
	fmt.Fprintf(h, "F%d\x00", deadline.UnixNano())
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		fmt.Fprintf(h, "%q\x00%T\x00%#v\x00", k, vals[k], vals[k])
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// canonicalSum hashes a session's deadline and values, keys in order, each
// value with its type, so that two sessions hash the same exactly when gob
// encodes them the same but for map order. ok is false when a value is of
// a type it does not know (sessions hold strings, string lists, numbers
// and flags); such sessions are not remembered.
func canonicalSum(deadline time.Time, vals map[string]any) (sum [32]byte, ok bool) {
	buf := make([]byte, 0, 256)
	str := func(tag byte, s string) {
		buf = append(buf, tag)
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	db, err := deadline.MarshalBinary() // with its zone, as gob has it
	if err != nil {
		return sum, false
	}
	str('D', string(db))
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		str('k', k)
		switch v := vals[k].(type) {
		case string:
			str('s', v)
		case []string:
			buf = append(buf, 'l')
			buf = binary.AppendUvarint(buf, uint64(len(v)))
			for _, s := range v {
				str('s', s)
			}
		case int64:
			buf = binary.AppendVarint(append(buf, 'I'), v)
		case int:
			buf = binary.AppendVarint(append(buf, 'i'), int64(v))
		case bool:
			buf = append(buf, 'b')
			if v {
				buf = append(buf, 1)
			} else {
				buf = append(buf, 0)
			}
		case float64:
			buf = binary.BigEndian.AppendUint64(append(buf, 'f'), math.Float64bits(v))
		default:
			return sum, false
		}
	}
	return sha256.Sum256(buf), true
}

// copyValues copies a session's values deep enough that changing the copy
// (scs puts and removes keys; a handler may change a list it got) changes
// nothing remembered.
func copyValues(vals map[string]any) map[string]any {
	out := make(map[string]any, len(vals))
	for k, v := range vals {
		if l, ok := v.([]string); ok && l != nil {
			v = slices.Clone(l)
		}
		out[k] = v
	}
	return out
}
