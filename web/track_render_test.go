package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
)

// trackView is the view of a found case on the public tracker, as the
// handler builds it.
func trackView() *caseView {
	at := time.Date(2026, 5, 13, 12, 53, 0, 0, yiwang.Shanghai)
	no := "11340504MB5040079A4340100070010202605130001"
	v := &caseView{Page: Page{Title: "办件查询", Path: "/track", Nav: "track"}, Public: true, TrackNo: no, TrackWho: "钱丽",
		Form: Form{Values: map[string]string{"no": no, "who": "钱丽"}, Errors: map[string]string{}}}
	v.C = casework.Case{ID: "c1", No: no, EntryCode: "11340504MB5040079A4340100070010", ItemName: "公共场所卫生许可",
		Applicant: "钱丽", Channel: casework.ChannelWeb, State: casework.StateDelivered, Decision: "granted", SubmittedAt: at,
		Deadline: "2026-05-29", Delivery: &casework.Delivery{Method: "window"}}
	v.E = catalog.Entry{Version: 1, PromiseDays: 10}
	v.OrgName = "雨山区卫生和计划生育委员会"
	v.Events = []casework.Event{
		{At: at.Add(290 * time.Hour), Kind: "deliver", Note: "窗口领取，办件已归档"},
		{At: at.Add(280 * time.Hour), Kind: "decide", Note: "准予许可"},
		{At: at.Add(49 * time.Hour), Kind: "accept", Note: "已受理，承诺 10 个工作日内（2026-05-29 前）办结"},
		{At: at, Kind: "submit", Note: "网上申报：演示历史办件"},
	}
	return v
}

// BenchmarkRenderTrack renders a found case on the tracker for an
// anonymous visitor, as the handler does.
func BenchmarkRenderTrack(b *testing.B) {
	s := &Server{pages: mustParsePages(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	r := httptest.NewRequest("GET", "/track", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.render(w, r, "track", trackView())
	}
}

// BenchmarkTrackParts renders the parts of the tracker's content alone.
func BenchmarkTrackParts(b *testing.B) {
	pages := mustParsePages()
	t := pages["track"].t
	v := trackView()
	for _, part := range []struct {
		name string
		data any
	}{{"content", v}, {"errors", v.Form}, {"casehead", v}, {"timeline", v.Events}} {
		b.Run(part.name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := t.ExecuteTemplate(&buf, part.name, part.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTrackFieldsAsInput wants the tracker's two fields, which its template
// spells out, to be what the shared "input" template writes for them, with
// and without errors, up to blank lines.
func TestTrackFieldsAsInput(t *testing.T) {
	t.Parallel()
	pages := mustParsePages()
	fieldDiv := regexp.MustCompile(`(?s)<div class="field.*?</div>`)
	for _, f := range []Form{
		{Values: map[string]string{"no": "", "who": ""}, Errors: map[string]string{}},
		{Values: map[string]string{"no": `11340504MB<script>"&'`, "who": "张三"}, Errors: map[string]string{"_": "没有找到该办件"}},
		{Values: map[string]string{"no": "x", "who": "13800000000"}, Errors: map[string]string{"no": "请填写办件编号", "who": `请填写"姓名"<b>`}},
		{Values: map[string]string{"no": "x", "who": ""}, Errors: map[string]string{"who": "请填写申请人姓名或手机号"}},
	} {
		var page bytes.Buffer
		if err := pages["track"].t.ExecuteTemplate(&page, "content", &caseView{Page: Page{Title: "办件查询"}, Form: f}); err != nil {
			t.Fatal(err)
		}
		got := fieldDiv.FindAllString(page.String(), -1)
		if len(got) != 2 {
			t.Fatalf("%d fields on the tracker, want 2", len(got))
		}
		for i, fv := range []fieldView{
			{Name: "no", Label: "办件编号", Type: "text", Hint: "见受理回执或短信", Value: f.Values["no"], Error: f.Errors["no"]},
			{Name: "who", Label: "申请人姓名或手机号", Type: "text", Value: f.Values["who"], Error: f.Errors["who"]},
		} {
			var want bytes.Buffer
			if err := pages["track"].t.ExecuteTemplate(&want, "input", fv); err != nil {
				t.Fatal(err)
			}
			if nonBlank(got[i]) != nonBlank(want.String()) {
				t.Errorf("field %s on the tracker:\n%s\nthe input template:\n%s", fv.Name, got[i], want.String())
			}
		}
	}
}

// nonBlank drops the blank lines of s.
func nonBlank(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
