package web

import (
	"net/http"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/files"
)

// apiFile is an uploaded file as the API shows it.
type apiFile struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

// apiFileUpload stores one material (multipart field "file": PDF, JPG or
// PNG, sniffed from its bytes, at most 10 MB) for the caller to name in an
// application or a resubmission. Files are content-addressed, so uploading
// the same bytes again is harmless and returns the same ID: the endpoint
// needs no stored Idempotency-Key, though a malformed one is still refused.
func (s *Server) apiFileUpload(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if _, err := requestKey(r); err != nil {
		return err
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return yiwang.Errorf(yiwang.EINVALID, "请以 multipart/form-data 上传，文件放在名为 file 的字段中")
	}
	name, b, err := readUpload(w, r)
	if err != nil {
		return err
	}
	f, err := s.Files.Put(r.Context(), actor, name, b, files.Material)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiFile{ID: f.ID, Name: f.Name, Type: f.Type, Size: f.Size})
	return nil
}
