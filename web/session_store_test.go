package web

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
)

type countingStore struct {
	*memstore.MemStore
	commits int
}

func (c *countingStore) Commit(token string, b []byte, expiry time.Time) error {
	c.commits++
	return c.MemStore.Commit(token, b, expiry)
}

// TestQuietStore: a session is written when its data changes or its expiry
// moves by a minute or more, not on every request.
func TestQuietStore(t *testing.T) {
	inner := &countingStore{MemStore: memstore.New()}
	q := newQuietStore(inner)
	now := time.Now()
	steps := []struct {
		data   string
		expiry time.Time
		writes int
	}{
		{"a", now.Add(30 * time.Minute), 1},                // new
		{"a", now.Add(30*time.Minute + 10*time.Second), 1}, // only the expiry slid a little
		{"a", now.Add(30*time.Minute + 50*time.Second), 1}, // still within the minute
		{"a", now.Add(31*time.Minute + time.Second), 2},    // a minute later: written
		{"b", now.Add(31*time.Minute + 2*time.Second), 3},  // the data changed
		{"b", now.Add(20 * time.Minute), 4},                // an earlier expiry is always written
	}
	for i, s := range steps {
		if err := q.Commit("tok", []byte(s.data), s.expiry); err != nil {
			t.Fatal(err)
		}
		if inner.commits != s.writes {
			t.Fatalf("step %d: %d writes, want %d", i, inner.commits, s.writes)
		}
	}
	b, found, _ := q.Find("tok")
	if !found || string(b) != "b" {
		t.Fatalf("stored %q %v", b, found)
	}
	if err := q.Delete("tok"); err != nil {
		t.Fatal(err)
	}
	if err := q.Commit("tok", []byte("b"), now.Add(20*time.Minute)); err != nil || inner.commits != 5 {
		t.Fatalf("after delete, a commit must write: %d %v", inner.commits, err)
	}
}

// TestQuietStoreMapOrder: scs encodes a session's values with gob, whose
// map order varies from one encoding to the next; an unchanged session of
// several values must still be written once, not on every request.
func TestQuietStoreMapOrder(t *testing.T) {
	inner := &countingStore{MemStore: memstore.New()}
	q := newQuietStore(inner)
	now := time.Now()
	deadline := now.Add(12 * time.Hour)
	vals := map[string]any{"account": "0193a", "amr": "pwd", "kind": "citizen", "at": now.Unix(), "n": 3, "ent": "", "x": "y"}
	seen := map[string]bool{}
	for i := range 50 {
		b, err := scs.GobCodec{}.Encode(deadline, vals)
		if err != nil {
			t.Fatal(err)
		}
		seen[string(b)] = true
		if err := q.Commit("tok", b, now.Add(30*time.Minute+time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	if inner.commits != 1 {
		t.Fatalf("%d writes of an unchanged session (%d distinct encodings), want 1", inner.commits, len(seen))
	}
	vals["amr"] = "otp"
	b, _ := scs.GobCodec{}.Encode(deadline, vals)
	if err := q.Commit("tok", b, now.Add(30*time.Minute)); err != nil || inner.commits != 2 {
		t.Fatalf("a changed value must be written: %d writes, %v", inner.commits, err)
	}
}
