package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/publicinfo"
	"github.com/yushan-gov/yiwang/review"
	"github.com/yushan-gov/yiwang/webhook"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageTemplate is one page parsed together with the layout; its shell is
// the same with contentMark for the content, to render its frames (kept
// with the other pages').
type pageTemplate struct {
	t      *template.Template
	name   string
	shell  *template.Template
	frames *layoutFrames
}

var funcs = template.FuncMap{
	"asset":      assetURL,
	"roleName":   func(r yiwang.Role) string { return r.Name() },
	"maskMobile": idcode.MaskMobile,
	"maskID":     idcode.MaskIDCard,
	"maskName":   idcode.MaskName,
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(yiwang.Shanghai).Format("2006年1月2日 15:04:05")
	},
	"indent":       func(depth int) int { return depth * 24 },
	"inc":          func(i int) int { return i + 1 },
	"statusName":   catalog.StatusName,
	"infoKind":     publicinfo.KindName,
	"list":         func(xs ...string) []string { return xs },
	"caseState":    casework.StateName,
	"deliveryName": casework.DeliveryName,
	"opinionName":  casework.OpinionName,
	"nextStep":     casework.NextStep,
	"channelName":  casework.ChannelName,
	"eventName": func(k string) string {
		return eventNames[k]
	},
	"kindName":      webhook.KindName,
	"licenseStatus": license.StatusName,
	"licenseChange": license.ChangeName,
	"checkWords":    license.CheckWords,
	"reviewLevel":   review.LevelName,
	"reviewLevels":  func() []int { return review.Levels },
	"rectState":     review.RectName,
	"reviewChannel": review.ChannelName,
	"ratingArgs":    func(f Form, dims []review.Dimension) ratingArgs { return ratingArgs{Form: f, Dims: dims} },
	"matArgs": func(caseID string, m casework.Material, verb string) materialArgs {
		return materialArgs{CaseID: caseID, M: m, Verb: verb}
	},
	"deliveryStatus": webhook.StatusName,
	"pct":            func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
	"formArgs":       func(f Form, fields []catalog.Field) formArgs { return formArgs{f, fields} },
	"time":           func(t time.Time) string { return t.In(yiwang.Shanghai).Format("15:04") },
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(yiwang.Shanghai).Format("2006年1月2日")
	},
	"typeName":   func(code string) string { return catalog.Name(catalog.ItemTypes, code) },
	"formName":   func(f int) string { return catalog.Name(catalog.Forms, strconv.Itoa(f)) },
	"depthName":  func(d int) string { return catalog.Name(catalog.Depths, strconv.Itoa(d)) },
	"resultKind": func(k string) string { return catalog.Name(catalog.ResultKinds, k) },
	"sourceName": func(k string) string { return catalog.Name(catalog.Sources, k) },
	"yuan":       func(fen int64) string { return fmt.Sprintf("%d.%02d 元", fen/100, fen%100) },
	"fld": func(f Form, name, label, typ, hint string) fieldView {
		return fieldView{Name: name, Label: label, Type: typ, Hint: hint, Value: f.Values[name], Error: f.Errors[name]}
	},
}

// eventNames are the words of a case's timeline for its event kinds.
var eventNames = map[string]string{"submit": "提交申请", "correct_notice": "一次性告知补正", "resubmit": "提交补正材料",
	"accept": "受理", "refuse": "不予受理", "decide": "决定", "deliver": "送达", "withdraw": "撤回",
	"special_start": "启动特别程序", "special_end": "特别程序结束", "task": "办理环节", "verify": "核验原件",
	"forward": "转办", "reply": "答复"}

// formArgs feeds the "formfields" template: an item's form and the values.
type formArgs struct {
	Form   Form
	Fields []catalog.Field
}

// ratingArgs feeds the "ratings" template: the 好差评 dimensions of a form.
type ratingArgs struct {
	Form Form
	Dims []review.Dimension
}

// materialArgs feeds the "material" template: one material of a case.
type materialArgs struct {
	CaseID string
	M      casework.Material
	Verb   string
}

// fieldView is one labelled input with its hint and error.
type fieldView struct{ Name, Label, Type, Hint, Value, Error string }

// mustParsePages parses each page template together with the layout.
func mustParsePages() map[string]*pageTemplate {
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	frames := &layoutFrames{m: map[frameKey]layoutFrame{}}
	out := map[string]*pageTemplate{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		t := template.Must(template.Must(layout.Clone()).ParseFS(templateFS, f))
		shell := template.Must(template.Must(t.Clone()).Parse(`{{define "content"}}` + contentMark + `{{end}}`))
		out[name] = &pageTemplate{t: t, name: name, shell: shell, frames: frames}
	}
	return out
}

// Page is what every page's view has: the title, who is looking, and the
// state the layout needs.
type Page struct {
	Title      string
	Actor      yiwang.Actor
	LoggedIn   bool
	IsStaff    bool
	Enterprise string // name of the enterprise the user acts for
	Elder      bool
	Path       string
	Flash      string
	Dev        bool
	Nav        string
	Unread     int // unread messages of a signed-in citizen or enterprise user
}

// Can reports whether the viewer holds a role, for menus.
func (p Page) Can(role string) bool { return p.Actor.Has(yiwang.Role(role)) }

func (s *Server) page(r *http.Request, title string) Page {
	a := actorFrom(r)
	p := Page{Title: title, Actor: a, LoggedIn: !a.Anonymous(), IsStaff: a.Kind == yiwang.KindStaff,
		Path: r.URL.Path, Dev: s.Dev}
	if c, err := r.Cookie(elderCookie); err == nil && c.Value == "1" {
		p.Elder = true
	}
	if a.EnterpriseID != "" {
		p.Enterprise = s.Sessions.GetString(r.Context(), sessEnterpriseName)
	}
	if p.LoggedIn && !p.IsStaff && s.Box != nil {
		// A badge is not worth failing a page for.
		if n, err := s.Box.Unread(r.Context(), a); err != nil {
			s.Log.Warn("count unread messages", "err", err)
		} else {
			p.Unread = n
		}
	}
	p.Flash = s.Sessions.PopString(r.Context(), sessFlash)
	return p
}

// render writes a page. Rendering into a buffer first means a template error
// never leaves half a page on the wire.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, view any) {
	pt, ok := s.pages[name]
	if !ok {
		s.Log.Error("no such template", "name", name)
		http.Error(w, "页面模板缺失", http.StatusInternalServerError)
		return
	}
	buf := renderBufs.Get().(*bytes.Buffer)
	defer putRenderBuf(buf)
	if err := pt.execute(buf, view); err != nil {
		s.Log.Error("render", "template", name, "err", err)
		http.Error(w, "页面生成失败", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w)
}

// renderBufs are the buffers pages are rendered into.
var renderBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putRenderBuf(b *bytes.Buffer) {
	if b.Cap() > 256<<10 {
		return // a rare huge page: let it go
	}
	b.Reset()
	renderBufs.Put(b)
}

// Form carries a submitted form back to the page: the values typed and the
// problem with each field, in the order the page shows them.
type Form struct {
	Values map[string]string
	Errors map[string]string
	Order  []string
}

// FieldError is one entry of the error summary.
type FieldError struct{ Field, Message string }

func newForm(r *http.Request, fields ...string) Form {
	f := Form{Values: map[string]string{}, Errors: map[string]string{}, Order: fields}
	for _, k := range fields {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return f
}

// Fail records err on the form: field errors on their fields, anything
// else under "_".
func (f *Form) Fail(err error) {
	pe := publicError(err)
	if len(pe.Fields) == 0 {
		f.Errors["_"] = pe.Message
		return
	}
	for k, v := range pe.Fields {
		f.Errors[k] = v
	}
}

// Summary lists the form's errors in page order, for the box at the top.
func (f Form) Summary() []FieldError {
	var out []FieldError
	seen := map[string]bool{}
	for _, k := range f.Order {
		if m, ok := f.Errors[k]; ok {
			out = append(out, FieldError{k, m})
			seen[k] = true
		}
	}
	var rest []string
	for k := range f.Errors {
		if !seen[k] && k != "_" {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, FieldError{k, f.Errors[k]})
	}
	if m, ok := f.Errors["_"]; ok {
		out = append([]FieldError{{"", m}}, out...)
	}
	return out
}

// HasErrors reports whether the form has any error.
func (f Form) HasErrors() bool { return len(f.Errors) > 0 }
