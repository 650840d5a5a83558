package catalog

import (
	"reflect"
	"testing"
)

// fill gives every exported slice, map and pointer reachable from v one
// element, so that a copy can be checked for sharing any of them.
func fill(v reflect.Value, depth int) {
	if depth > 6 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(1)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), depth+1)
		}
	}
}

// shared reports the path of a slice, map or pointer a and b share.
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), path+"[]"); p != "" {
				return p
			}
		}
	case reflect.Map:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for it := a.MapRange(); it.Next(); {
			if p := shared(it.Value(), b.MapIndex(it.Key()), path+"{}"); p != "" {
				return p
			}
		}
	case reflect.Pointer:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return path
		}
		if !a.IsNil() {
			return shared(a.Elem(), b.Elem(), path+"*")
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	case reflect.Array:
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), path+"[]"); p != "" {
				return p
			}
		}
	}
	return ""
}

// TestDeepCopyShares: a cached entry's copy shares nothing a caller could
// change, whatever fields an entry gains; flat types are copied as they are.
func TestDeepCopyShares(t *testing.T) {
	var en Entry
	fill(reflect.ValueOf(&en).Elem(), 0)
	if shared(reflect.ValueOf(en), reflect.ValueOf(en), "Entry") == "" {
		t.Fatal("fill left nothing to share")
	}
	c := deepCopy(en)
	if !reflect.DeepEqual(c, en) {
		t.Fatal("the copy differs")
	}
	if p := shared(reflect.ValueOf(en), reflect.ValueOf(c), "Entry"); p != "" {
		t.Fatalf("the copy shares %s", p)
	}
	type flatOne struct {
		A    string
		N    int
		Arr  [2]string
		priv []string
	}
	type withList struct {
		A string
		L []flatOne
	}
	if !flat(reflect.TypeOf(flatOne{})) || flat(reflect.TypeOf(withList{})) || flat(reflect.TypeOf([]flatOne{})) {
		t.Fatal("flat is wrong")
	}
}
