package catalog

import (
	"context"
	"reflect"
	"sync"
)

// Published entry versions never change: publishing another version or
// retiring one only changes their status, and every such change moves the
// catalog generation. So the service keeps the published versions it has
// read, by ID and by code, for as long as the generation stays, and hands
// out deep copies: reading an entry costs one small query instead of
// decoding its guide again (a tenth of the CPU of a tracker lookup).

// entryCacheSize bounds the cached versions; when full, the cache starts over.
const entryCacheSize = 1024

type entryCache struct {
	gen    int64
	byID   map[string]Entry
	byCode map[string]Entry // the published version of a code
}

// cached returns the published version id (or, when byCode, of code) if
// it is cached at generation gen.
func (s *Service) cached(gen int64, key string, byCode bool) (Entry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries.gen != gen {
		return Entry{}, false
	}
	m := s.entries.byID
	if byCode {
		m = s.entries.byCode
	}
	en, ok := m[key]
	if !ok {
		return Entry{}, false
	}
	return deepCopy(en), true
}

// remember caches en, a published version read at generation gen.
func (s *Service) remember(gen int64, en Entry) {
	if en.Status != StatusPublished {
		return
	}
	en = deepCopy(en)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.entries.gen != gen || len(s.entries.byID) >= entryCacheSize {
		s.entries = entryCache{gen: gen, byID: map[string]Entry{}, byCode: map[string]Entry{}}
	}
	s.entries.byID[en.ID] = en
	s.entries.byCode[en.Code] = en
}

// generation reads the catalog generation; ok is false when it cannot be
// read (the caller then reads the store without the cache).
func (s *Service) generation(ctx context.Context) (int64, bool) {
	gen, err := s.Store.Generation(ctx)
	return gen, err == nil
}

// deepCopy copies x with every slice, map and pointer reached through
// exported fields, so that a caller changing what it got changes nothing
// cached.
func deepCopy[T any](x T) T {
	deepen(reflect.ValueOf(&x).Elem())
	return x
}

func deepen(v reflect.Value) {
	if flat(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		if !flat(v.Type().Elem()) {
			for i := range c.Len() {
				deepen(c.Index(i))
			}
		}
		v.Set(c)
	case reflect.Map:
		if v.IsNil() {
			return
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			deepen(e)
			c.SetMapIndex(it.Key(), e)
		}
		v.Set(c)
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(v.Elem())
		deepen(c.Elem())
		v.Set(c)
	case reflect.Struct:
		for _, i := range shapeOf(v.Type()).deep {
			deepen(v.Field(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			deepen(v.Index(i))
		}
	}
}

// shapes remembers, by type, whether a value of it reaches no slice, map
// or pointer through exported fields (flat: a copy of it is already deep,
// and deepen skips it rather than walk its fields; most of an entry is
// strings), and for a struct which exported fields are not flat.
var shapes sync.Map

type shape struct {
	flat bool
	deep []int // struct fields deepen walks
}

func shapeOf(t reflect.Type) *shape {
	if sh, ok := shapes.Load(t); ok {
		return sh.(*shape)
	}
	sh := &shape{flat: true}
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer:
		sh.flat = false
	case reflect.Array:
		sh.flat = flat(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && !flat(f.Type) {
				sh.deep = append(sh.deep, i)
			}
		}
		sh.flat = len(sh.deep) == 0
	}
	shapes.Store(t, sh)
	return sh
}

func flat(t reflect.Type) bool { return shapeOf(t).flat }
