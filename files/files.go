// Package files stores uploaded files: blank forms and samples of the
// catalog now, applicants' materials later. Files are content-addressed (the
// ID is the SHA-256 of the content), type-sniffed from their bytes rather
// than trusted from their name, size-limited, encrypted at rest, and written
// durably (temp file, fsync, rename) before they are acknowledged.
package files

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
)

// MaxSize is the largest file accepted.
const MaxSize = 10 << 20

// File is a stored file's metadata.
type File struct {
	ID        string // hex SHA-256 of the content (public files: of a prefix and the content)
	Name      string // the uploader's file name, for downloads
	Type      string // sniffed MIME type
	Size      int64
	Public    bool // may be downloaded by anyone (blank forms, samples)
	CreatedBy string
	CreatedAt time.Time
}

// Blobs keeps file contents by key.
type Blobs interface {
	Put(ctx context.Context, key string, b []byte) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// Store keeps file metadata.
type Store interface {
	// SaveFile records a file and that f.CreatedBy uploaded it.
	SaveFile(ctx context.Context, f File) error
	File(ctx context.Context, id string) (File, error)
	// FileUploadedBy reports whether account uploaded file id (the same
	// content may have been uploaded by several accounts).
	FileUploadedBy(ctx context.Context, id, accountID string) (bool, error)
}

// Sealer encrypts contents at rest; pii.Protector satisfies it.
type Sealer interface {
	SealBytes(b []byte) []byte
	OpenBytes(b []byte) ([]byte, error)
}

// Service stores and reads files.
type Service struct {
	Store  Store
	Blobs  Blobs
	Sealer Sealer
	Clock  yiwang.Clock
}

// Kinds of upload and the types each accepts (by sniffed MIME type, with the
// extension a download gets).
const (
	// Material is an applicant's material: PDF or a photo.
	Material = iota
	// Form is a blank form or sample of the catalog: also Word and Excel.
	Form
)

var allowed = []map[string]string{
	Material: {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"},
	Form: {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       ".xlsx"},
}

var allowedWords = []string{Material: "只能上传 PDF 或 JPG、PNG 图片", Form: "只能上传 PDF、JPG、PNG 图片或 Word（.docx）、Excel（.xlsx）文件"}

// Sniff returns the MIME type of b from its content: PDF, JPEG, PNG, or an
// Office Open XML document or workbook (a zip holding word/ or xl/).
func Sniff(b []byte) string {
	t := http.DetectContentType(b)
	if i := strings.Index(t, ";"); i > 0 {
		t = t[:i]
	}
	if t != "application/zip" {
		return t
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return t
	}
	for _, f := range z.File {
		switch {
		case strings.HasPrefix(f.Name, "word/"):
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		case strings.HasPrefix(f.Name, "xl/"):
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
	}
	return t
}

var unsafeName = regexp.MustCompile(`[\x00-\x1f"\\/<>:|?*]`)

// cleanName keeps a file name safe for a Content-Disposition header.
func cleanName(name, ext string) string {
	name = unsafeName.ReplaceAllString(filepath.Base(strings.ReplaceAll(name, "\\", "/")), "")
	name = strings.TrimSuffix(name, filepath.Ext(name))
	if n := []rune(name); len(n) > 60 {
		name = string(n[:60])
	}
	if name == "" || !utf8.ValidString(name) || name == "." {
		name = "file"
	}
	return name + ext
}

// Put stores content of a kind (Material or Form) uploaded as name by actor
// and returns its metadata. Forms are public downloads, materials private.
// It refuses empty, oversized and unsupported files with EINVALID.
//
// A public and a private copy of the same bytes get different IDs, so
// uploading a public form can never make someone's private material a
// public download.
func (s *Service) Put(ctx context.Context, actor yiwang.Actor, name string, b []byte, kind int) (File, error) {
	switch {
	case len(b) == 0:
		return File{}, yiwang.Invalid(map[string]string{"file": "文件是空的，请重新选择"})
	case len(b) > MaxSize:
		return File{}, yiwang.Invalid(map[string]string{"file": fmt.Sprintf("文件不能超过 %d MB", MaxSize>>20)})
	}
	typ := Sniff(b)
	ext, ok := allowed[kind][typ]
	if !ok {
		return File{}, yiwang.Invalid(map[string]string{"file": allowedWords[kind]})
	}
	public := kind == Form
	f := File{ID: contentID(b, public), Name: cleanName(name, ext), Type: typ, Size: int64(len(b)),
		Public: public, CreatedBy: actor.AccountID, CreatedAt: s.Clock.Now()}
	if err := s.Blobs.Put(ctx, f.ID, s.Sealer.SealBytes(b)); err != nil {
		return File{}, fmt.Errorf("store file: %w", err)
	}
	if err := s.Store.SaveFile(ctx, f); err != nil {
		return File{}, fmt.Errorf("save file: %w", err)
	}
	return f, nil
}

// Public returns a public file and its content; others are ENOTFOUND.
func (s *Service) Public(ctx context.Context, id string) (File, []byte, error) {
	f, b, err := s.Read(ctx, id)
	if err != nil {
		return File{}, nil, err
	}
	if !f.Public {
		return File{}, nil, yiwang.Errorf(yiwang.ENOTFOUND, "文件不存在")
	}
	return f, b, nil
}

// Read returns any file and its content. Callers check that the reader may
// see it (e.g. the file belongs to a case the reader may see).
func (s *Service) Read(ctx context.Context, id string) (File, []byte, error) {
	f, err := s.Store.File(ctx, id)
	if err != nil {
		return File{}, nil, err
	}
	sealed, err := s.Blobs.Get(ctx, f.ID)
	if err != nil {
		return File{}, nil, fmt.Errorf("read file %s: %w", f.ID, err)
	}
	b, err := s.Sealer.OpenBytes(sealed)
	if err != nil {
		return File{}, nil, fmt.Errorf("open file %s: %w", f.ID, err)
	}
	if contentID(b, f.Public) != f.ID {
		return File{}, nil, fmt.Errorf("file %s: content does not match its hash", f.ID)
	}
	return f, b, nil
}

// contentID is the SHA-256 of the content, with public files in a namespace
// of their own.
func contentID(b []byte, public bool) string {
	h := sha256.New()
	if public {
		h.Write([]byte("yiwang-public-file\x00"))
	}
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// Meta returns a file's metadata.
func (s *Service) Meta(ctx context.Context, id string) (File, error) { return s.Store.File(ctx, id) }

// OwnedStore is a Store that finds in one read which of several files an
// account may name as materials.
type OwnedStore interface {
	// OwnedFiles returns those of ids that are private files account
	// uploaded.
	OwnedFiles(ctx context.Context, accountID string, ids []string) (map[string]bool, error)
}

// OwnAll reports which of ids are files Own returns for actor: one read
// for all the materials of an application.
func (s *Service) OwnAll(ctx context.Context, actor yiwang.Actor, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if actor.Anonymous() {
		return out, nil
	}
	var uniq []string
	seen := map[string]bool{}
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	if len(uniq) == 0 {
		return out, nil
	}
	if st, ok := s.Store.(OwnedStore); ok {
		return st.OwnedFiles(ctx, actor.AccountID, uniq)
	}
	for _, id := range uniq {
		_, err := s.Own(ctx, actor, id)
		switch {
		case err == nil:
			out[id] = true
		case yiwang.ErrorCode(err) != yiwang.ENOTFOUND:
			return nil, err
		}
	}
	return out, nil
}

// Own returns a private file the actor uploaded, for them to name as a
// material; any other file (someone else's, a public form, none) is
// ENOTFOUND, so a leaked file ID cannot be attached to another case.
func (s *Service) Own(ctx context.Context, actor yiwang.Actor, id string) (File, error) {
	missing := yiwang.Errorf(yiwang.ENOTFOUND, "文件不存在，或不是您上传的")
	f, err := s.Store.File(ctx, id)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return File{}, missing
	}
	if err != nil {
		return File{}, err
	}
	if f.Public || actor.Anonymous() {
		return File{}, missing
	}
	ok, err := s.Store.FileUploadedBy(ctx, id, actor.AccountID)
	if err != nil {
		return File{}, err
	}
	if !ok {
		return File{}, missing
	}
	return f, nil
}
