package web

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"sync"
)

// A page seen by an anonymous visitor without a flash message has a layout
// (header, navigation, footer) that depends on nothing but the title, the
// path, the highlighted menu entry and the elder and development modes. Its
// two halves around the content are rendered once from the layout itself
// and kept; each request then only runs the page's own "content" template.
// The bytes are the same as rendering the whole layout.

// contentMark stands for the content in the layout's shell: text no layout
// field can carry (every input with NUL is refused at the door).
const contentMark = "\x00yiwang-content\x00"

// maxFrames bounds the frames kept: titles and paths of some pages vary
// with what they show (a guide's name) or with what a visitor typed.
const maxFrames = 512

// layoutFields are the fields of Page the layout reads.
var layoutFields = []string{"Title", "Actor", "LoggedIn", "IsStaff", "Enterprise", "Elder", "Path", "Flash", "Dev", "Nav", "Unread"}

type frameKey struct {
	Page, Title, Path, Nav string
	Elder, Dev             bool
}

type layoutFrame struct{ head, tail []byte }

type layoutFrames struct {
	mu sync.RWMutex
	m  map[frameKey]layoutFrame
}

// framedPage reports the Page of a view whose layout may come from a
// frame: an anonymous visitor's page without a flash, of a view type whose
// layout fields are all its embedded Page's.
func framedPage(view any) (*Page, bool) {
	pv, ok := view.(interface{ layoutPage() *Page })
	if !ok || !layoutFromPage(reflect.TypeOf(view)) {
		return nil, false
	}
	p := pv.layoutPage()
	if p.LoggedIn || p.IsStaff || p.Flash != "" || p.Enterprise != "" || p.Unread != 0 {
		return nil, false
	}
	return p, true
}

// layoutPage returns the page a view embeds.
func (p *Page) layoutPage() *Page { return p }

var layoutTypes sync.Map // reflect.Type → bool

// layoutFromPage reports whether each field the layout reads resolves, on
// a pointer to a view of type t, to the field of the embedded Page: no
// view field or method of the same name shadows it (a notice's own Title).
func layoutFromPage(t reflect.Type) bool {
	if ok, seen := layoutTypes.Load(t); seen {
		return ok.(bool)
	}
	ok := func() bool {
		if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
			return false
		}
		st := t.Elem()
		pf, found := st.FieldByName("Page")
		if !found || !pf.Anonymous || pf.Type != reflect.TypeFor[Page]() {
			return false
		}
		for _, name := range layoutFields {
			if _, isMethod := t.MethodByName(name); isMethod {
				return false
			}
			f, found := st.FieldByName(name)
			inPage, _ := reflect.TypeFor[Page]().FieldByName(name)
			if !found || len(f.Index) != len(pf.Index)+1 || !slices.Equal(f.Index[:len(pf.Index)], pf.Index) ||
				f.Index[len(pf.Index)] != inPage.Index[0] {
				return false
			}
		}
		return true
	}()
	layoutTypes.Store(t, ok)
	return ok
}

// frame returns the layout of page pt around its content for p, rendering
// it from pt's shell the first time.
func (fs *layoutFrames) frame(pt *pageTemplate, p *Page) (layoutFrame, error) {
	k := frameKey{Page: pt.name, Title: p.Title, Path: p.Path, Nav: p.Nav, Elder: p.Elder, Dev: p.Dev}
	fs.mu.RLock()
	f, ok := fs.m[k]
	fs.mu.RUnlock()
	if ok {
		return f, nil
	}
	var b bytes.Buffer
	if err := pt.shell.ExecuteTemplate(&b, "layout.html", p); err != nil {
		return layoutFrame{}, err
	}
	head, tail, found := bytes.Cut(b.Bytes(), []byte(contentMark))
	if !found || bytes.Contains(tail, []byte(contentMark)) {
		return layoutFrame{}, errors.New("layout: the content mark is not where the content goes")
	}
	f = layoutFrame{head: head, tail: tail}
	fs.mu.Lock()
	if len(fs.m) >= maxFrames {
		clear(fs.m) // made by odd paths; the pages people use come back at once
	}
	fs.m[k] = f
	fs.mu.Unlock()
	return f, nil
}

// execute renders the page into buf: the content inside a kept frame when
// the view allows it, else the whole layout.
func (pt *pageTemplate) execute(buf *bytes.Buffer, view any) error {
	if p, ok := framedPage(view); ok && pt.frames != nil && pt.shell != nil {
		if f, err := pt.frames.frame(pt, p); err == nil {
			buf.Write(f.head)
			if err := pt.t.ExecuteTemplate(buf, "content", view); err != nil {
				return err
			}
			buf.Write(f.tail)
			return nil
		}
	}
	return pt.t.ExecuteTemplate(buf, "layout.html", view)
}
