package web

import (
	"bytes"
	"html/template"
	"reflect"
	"testing"
	"text/template/parse"

	"github.com/yushan-gov/yiwang"
)

// TestLayoutFramesSameBytes renders pages both ways, the content inside a
// kept frame and the whole layout, and wants the same bytes.
func TestLayoutFramesSameBytes(t *testing.T) {
	pages := mustParsePages()
	found := trackView()
	empty := &caseView{Page: Page{Title: "办件查询", Path: "/track", Nav: "track"}, Public: true,
		Form: Form{Values: map[string]string{"no": "", "who": ""}, Errors: map[string]string{}}}
	wrong := &caseView{Page: Page{Title: "办件查询", Path: "/track", Nav: "track", Elder: true}, Public: true,
		Form: Form{Values: map[string]string{"no": `<script>"`, "who": "李四"},
			Errors: map[string]string{"_": "没有找到该办件，请核对办件编号和申请人姓名（或手机号）"}}}
	elderDev := trackView()
	elderDev.Elder, elderDev.Dev = true, true
	letter := trackView()
	letter.C.Kind, letter.C.State = "complaint", "accepted"
	cases := []struct {
		name, page string
		view       any
	}{
		{"track found", "track", found},
		{"track empty", "track", empty},
		{"track not found, elder", "track", wrong},
		{"track elder, dev", "track", elderDev},
		{"track letter", "track", letter},
		{"error page", "error", &errorView{Page: Page{Title: "出错了", Path: "/x?<\"'>"}, Status: 404, Message: "页面不存在"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pt := pages[c.page]
			if _, ok := framedPage(c.view); !ok {
				t.Fatal("an anonymous page without a flash should be framed")
			}
			for range 2 { // the first time makes the frame, the second uses it
				var framed, whole bytes.Buffer
				if err := pt.execute(&framed, c.view); err != nil {
					t.Fatal(err)
				}
				if err := pt.t.ExecuteTemplate(&whole, "layout.html", c.view); err != nil {
					t.Fatal(err)
				}
				if framed.String() != whole.String() {
					t.Fatalf("framed page differs from the whole layout:\n%s\n----\n%s", framed.String(), whole.String())
				}
			}
		})
	}
	if n := len(pages["track"].frames.m); n != 4 {
		t.Errorf("%d frames kept, want 4 (track, track elder, track elder dev, error)", n)
	}
}

type shadowTitle struct {
	Page
	Title string // a notice's own title: the layout shows this one
}

type plainView struct {
	Page
	Rows []string
}

type navMethod struct{ Page }

func (navMethod) Nav() string { return "x" }

type pageByValue struct{ P Page }

// TestLayoutFramesOnlyWhenSafe keeps the whole layout for the views and
// visitors whose layout depends on more than the frame's key.
func TestLayoutFramesOnlyWhenSafe(t *testing.T) {
	anon := Page{Title: "t", Path: "/p"}
	cases := []struct {
		name string
		view any
		want bool
	}{
		{"anonymous", &plainView{Page: anon}, true},
		{"view by value", plainView{Page: anon}, false},
		{"own Title field", &shadowTitle{Page: anon}, false},
		{"Nav method", &navMethod{Page: anon}, false},
		{"no embedded Page", &pageByValue{P: anon}, false},
		{"signed in", &plainView{Page: Page{Title: "t", LoggedIn: true, Actor: yiwang.Actor{Name: "张三"}}}, false},
		{"staff", &plainView{Page: Page{Title: "t", LoggedIn: true, IsStaff: true}}, false},
		{"flash", &plainView{Page: Page{Title: "t", Flash: "已保存"}}, false},
	}
	for _, c := range cases {
		if _, got := framedPage(c.view); got != c.want {
			t.Errorf("%s: framed %v, want %v", c.name, got, c.want)
		}
	}
}

// TestLayoutFramesBounded keeps at most maxFrames frames however many
// paths visitors make up.
func TestLayoutFramesBounded(t *testing.T) {
	pt := mustParsePages()["error"]
	for i := range maxFrames + 10 {
		v := &errorView{Page: Page{Title: "出错了", Path: "/nope/" + string(rune('a'+i%26)) + string(rune('a'+i/26))}, Status: 404}
		var b bytes.Buffer
		if err := pt.execute(&b, v); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(pt.frames.m); n == 0 || n > maxFrames {
		t.Errorf("%d frames kept, want 1 to %d", n, maxFrames)
	}
}

// TestLayoutFieldsKnown wants every field the layout reads (outside the
// content) listed in layoutFields, and each of those either in the frame's
// key or pinned by framedPage: a field added to the layout for a visitor
// (a nonce, a token) must not be served from another visitor's frame.
func TestLayoutFieldsKnown(t *testing.T) {
	set := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	read := map[string]bool{}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			read[n.Ident[0]] = true
		case *parse.VariableNode:
			if len(n.Ident) > 1 {
				read[n.Ident[1]] = true
			}
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			if n.Name != "content" {
				t.Errorf("the layout calls template %q: check what it reads and extend this test", n.Name)
			}
		}
	}
	walk(set.Lookup("layout.html").Tree.Root)
	known := map[string]bool{}
	for _, f := range layoutFields {
		known[f] = true
	}
	for f := range read {
		if !known[f] {
			t.Errorf("the layout reads %s, which layoutFields does not list", f)
		}
	}
	keyed := map[string]bool{"Actor": true} // read only for a signed-in visitor
	for i := range reflect.TypeFor[frameKey]().NumField() {
		keyed[reflect.TypeFor[frameKey]().Field(i).Name] = true
	}
	pinned := Page{LoggedIn: true, IsStaff: true, Flash: "x", Enterprise: "x", Unread: 1}
	pv := reflect.ValueOf(pinned)
	for _, f := range layoutFields {
		if keyed[f] {
			continue
		}
		one := Page{}
		reflect.ValueOf(&one).Elem().FieldByName(f).Set(pv.FieldByName(f))
		if pv.FieldByName(f).IsZero() {
			t.Errorf("layout field %s is neither in the frame's key nor pinned", f)
			continue
		}
		if _, ok := framedPage(&plainView{Page: one}); ok {
			t.Errorf("a page with %s set is framed, but %s is not in the frame's key", f, f)
		}
	}
}
