package files

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
)

// Stand-ins for the database, the blob store and the sealer.
type memStore map[string]File

func (m memStore) SaveFile(_ context.Context, f File) error { m[f.ID] = f; return nil }
func (m memStore) File(_ context.Context, id string) (File, error) {
	if f, ok := m[id]; ok {
		return f, nil
	}
	return File{}, yiwang.Errorf(yiwang.ENOTFOUND, "文件不存在")
}
func (m memStore) FileUploadedBy(context.Context, string, string) (bool, error) { return true, nil }

type memBlobs map[string][]byte

func (m memBlobs) Put(_ context.Context, k string, b []byte) error { m[k] = bytes.Clone(b); return nil }
func (m memBlobs) Get(_ context.Context, k string) ([]byte, error) { return m[k], nil }

type plainSealer struct{}

func (plainSealer) SealBytes(b []byte) []byte          { return b }
func (plainSealer) OpenBytes(b []byte) ([]byte, error) { return b, nil }

type fixedClock struct{}

func (fixedClock) Now() time.Time { return time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC) }

func zipOf(names ...string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, n := range names {
		w, _ := z.Create(n)
		w.Write([]byte("<x/>"))
	}
	z.Close()
	return buf.Bytes()
}

// zipHolds reports whether b is a zip archive with an entry under dir.
func zipHolds(b []byte, dir string) bool {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return false
	}
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, dir) {
			return true
		}
	}
	return false
}

// FuzzPut: an upload (any name, any bytes, either kind) is refused with
// EINVALID and a Chinese message on "file", storing nothing, or stored
// under a type its bytes really are (PDF, JPEG, PNG, or for forms a zip
// holding word/ or xl/) that the kind allows, named safely for a download
// (1 to 60 characters of the name given, or "file", without path, quotes,
// C0 control or reserved characters, and the type's extension), and read
// back as sent.
func FuzzPut(f *testing.F) {
	docx, xlsx := zipOf("[Content_Types].xml", "word/document.xml"), zipOf("xl/workbook.xml")
	for _, s := range []struct {
		name string
		b    []byte
	}{
		{"营业执照.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")}, {"photo.JPG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")},
		{"../../etc/passwd.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")}, {"C:\\Users\\张三\\申请表.docx", docx},
		{"表.xlsx", xlsx}, {"x.zip", zipOf("other/a.txt")}, {"a.exe", []byte("MZ\x90\x00")}, {"", nil}, {".", []byte("%PDF-")},
		{"\"; filename=evil.html", []byte("%PDF-")}, {"..", []byte("%PDF-")}, {"\xff\xfe.pdf", []byte("%PDF-")},
		{strings.Repeat("长", 61) + ".pdf", []byte("%PDF-")}, {"a\x00b\r\nc.pdf", []byte("%PDF-")}, {"<script>.html", []byte("<html><script>")},
		{"a.svg", []byte("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")}, {"\u202egpj.exe", []byte("\xff\xd8\xff")},
	} {
		f.Add(s.name, s.b, false)
		f.Add(s.name, s.b, true)
	}
	f.Fuzz(func(t *testing.T, name string, b []byte, form bool) {
		kind := Material
		if form {
			kind = Form
		}
		store, blobs := memStore{}, memBlobs{}
		s := &Service{Store: store, Blobs: blobs, Sealer: plainSealer{}, Clock: fixedClock{}}
		actor := yiwang.Actor{AccountID: "a1", Kind: yiwang.KindCitizen}
		got, err := s.Put(context.Background(), actor, name, b, kind)
		if err != nil {
			var e *yiwang.Error
			if !errors.As(err, &e) || e.Code != yiwang.EINVALID || len(e.Fields) != 1 || !utf8.ValidString(e.Fields["file"]) ||
				!strings.Contains(e.Fields["file"], "文件") && !strings.Contains(e.Fields["file"], "上传") {
				t.Fatalf("%q refused with %v", name, err)
			}
			if len(store) > 0 || len(blobs) > 0 {
				t.Fatal("a refused upload was stored")
			}
			return
		}
		ext, ok := allowed[kind][got.Type]
		if !ok {
			t.Fatalf("stored as %q", got.Type)
		}
		switch got.Type {
		case "application/pdf":
			ok = bytes.HasPrefix(b, []byte("%PDF-"))
		case "image/jpeg":
			ok = bytes.HasPrefix(b, []byte("\xff\xd8\xff"))
		case "image/png":
			ok = bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n"))
		case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
			ok = zipHolds(b, "word/")
		case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
			ok = zipHolds(b, "xl/")
		}
		if !ok {
			t.Fatalf("%q stored as %s", b[:min(len(b), 16)], got.Type)
		}
		base, found := strings.CutSuffix(got.Name, ext)
		if n := utf8.RuneCountInString(base); !found || n < 1 || n > 60 || !utf8.ValidString(base) || base == "." || unsafeName.MatchString(base) {
			t.Fatalf("%q named %q", name, got.Name)
		}
		if base != "file" {
			for _, r := range base {
				if r != utf8.RuneError && !strings.ContainsRune(name, r) {
					t.Fatalf("%q named %q", name, got.Name)
				}
			}
		}
		if got.Public != form || got.Size != int64(len(b)) {
			t.Fatalf("stored as %+v", got)
		}
		meta, back, err := s.Read(context.Background(), got.ID)
		if err != nil || !bytes.Equal(back, b) || meta != got {
			t.Fatalf("read back as %+v, %d bytes, %v", meta, len(back), err)
		}
	})
}
