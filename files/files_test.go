package files_test

import (
	"archive/zip"
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/files"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func office(t *testing.T, dir string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create("[Content_Types].xml")
	w.Write([]byte("<Types/>"))
	w, _ = z.Create(dir + "document.xml")
	w.Write([]byte("<doc/>"))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPutAndRead(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			dir := t.TempDir()
			svc := &files.Service{Store: db, Blobs: files.Dir{Root: dir}, Sealer: yiwangtest.Protector(t),
				Clock: yiwangtest.NewClock(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))}
			actor := yiwang.Actor{AccountID: "m1"}
			pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
			tests := []struct {
				name, file string
				data       []byte
				ok         bool
				typ        string
			}{
				{"pdf", "申请表.pdf", pdf, true, "application/pdf"},
				{"png named .pdf", "x.pdf", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), true, "image/png"},
				{"docx", "表.docx", office(t, "word/"), true, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
				{"xlsx", "表.xlsx", office(t, "xl/"), true, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
				{"text named .pdf", "evil.pdf", []byte("just text"), false, ""},
				{"html", "a.html", []byte("<html><script>alert(1)</script></html>"), false, ""},
				{"plain zip", "a.zip", office(t, "other/"), false, ""},
				{"empty", "e.pdf", nil, false, ""},
				{"too big", "big.pdf", append(pdf, make([]byte, files.MaxSize)...), false, ""},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					f, err := svc.Put(ctx, actor, tc.file, tc.data, files.Form)
					if !tc.ok {
						if yiwang.ErrorCode(err) != yiwang.EINVALID {
							t.Fatalf("want EINVALID, got %v", err)
						}
						return
					}
					if err != nil || f.Type != tc.typ || len(f.ID) != 64 {
						t.Fatalf("put: %+v %v", f, err)
					}
					got, b, err := svc.Public(ctx, f.ID)
					if err != nil || !bytes.Equal(b, tc.data) || got.Type != tc.typ {
						t.Fatalf("read back: %v", err)
					}
				})
			}
			// Encrypted at rest: the blob on disk is not the content.
			f, _ := svc.Put(ctx, actor, "a.pdf", pdf, files.Material)
			raw, err := files.Dir{Root: dir}.Get(ctx, f.ID)
			if err != nil || bytes.Contains(raw, []byte("%PDF")) {
				t.Fatalf("blob not encrypted: %v", err)
			}
			// Private files are not public downloads.
			secret := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR private")
			priv, _ := svc.Put(ctx, actor, "张三的诊断证明.png", secret, files.Material)
			if _, _, err := svc.Public(ctx, priv.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("private file downloadable: %v", err)
			}
			// The same bytes uploaded as a public form are another file.
			pub, err := svc.Put(ctx, actor, "表.png", secret, files.Form)
			if err != nil || pub.ID == priv.ID {
				t.Fatalf("public copy shares the private ID: %v", err)
			}
			if _, _, err := svc.Public(ctx, priv.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("a public upload exposed the private file: %v", err)
			}
			// Materials are PDF or photos only.
			if _, err := svc.Put(ctx, actor, "表.docx", office(t, "word/"), files.Material); yiwang.ErrorCode(err) != yiwang.EINVALID {
				t.Fatalf("docx as a material: %v", err)
			}
		})
	}
}

// TestOwn: a material can be named only by an account that uploaded it,
// even when another account uploaded the same bytes first.
func TestOwn(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			svc := &files.Service{Store: db, Blobs: files.Dir{Root: t.TempDir()}, Sealer: yiwangtest.Protector(t),
				Clock: yiwangtest.NewClock(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))}
			a, b, c := yiwang.Actor{AccountID: "a"}, yiwang.Actor{AccountID: "b"}, yiwang.Actor{AccountID: "c"}
			pdf := []byte("%PDF-1.4\n% 户口本\n%%EOF\n")
			fa, err := svc.Put(ctx, a, "a.pdf", pdf, files.Material)
			if err != nil {
				t.Fatal(err)
			}
			fb, err := svc.Put(ctx, b, "b.pdf", pdf, files.Material)
			if err != nil || fb.ID != fa.ID {
				t.Fatalf("same content, another uploader: %+v %v", fb, err)
			}
			form, _ := svc.Put(ctx, a, "blank.pdf", []byte("%PDF-1.4\n% 空白表格\n%%EOF\n"), files.Form)
			for _, tc := range []struct {
				name  string
				actor yiwang.Actor
				id    string
				ok    bool
			}{
				{"first uploader", a, fa.ID, true},
				{"second uploader of the same bytes", b, fa.ID, true},
				{"someone who knows the ID", c, fa.ID, false},
				{"nobody", yiwang.Actor{}, fa.ID, false},
				{"a public form, even its uploader's", a, form.ID, false},
				{"no such file", a, "ffff", false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := svc.Own(ctx, tc.actor, tc.id)
					if tc.ok != (err == nil) || (err != nil && yiwang.ErrorCode(err) != yiwang.ENOTFOUND) {
						t.Fatalf("Own: %v", err)
					}
					// OwnAll, one read for many, says the same.
					got, err := svc.OwnAll(ctx, tc.actor, []string{tc.id, "", tc.id})
					if err != nil || got[tc.id] != tc.ok || len(got) > 1 {
						t.Fatalf("OwnAll: %v %v", got, err)
					}
				})
			}
			got, err := svc.OwnAll(ctx, a, []string{form.ID, fa.ID, "ffff", fa.ID})
			if err != nil || len(got) != 1 || !got[fa.ID] {
				t.Fatalf("OwnAll of several: %v %v", got, err)
			}
		})
	}
}
