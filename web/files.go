package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/files"
)

// publicFile downloads a public file (a blank form or a sample).
func (s *Server) publicFile(w http.ResponseWriter, r *http.Request) error {
	f, b, err := s.Files.Public(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.Type)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	w.Header().Set("Cache-Control", "public, max-age=86400, immutable")
	_, err = w.Write(b)
	return err
}

// readUpload reads the "file" part of a multipart form, refusing bodies over
// files.MaxSize with a clear message.
func readUpload(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, files.MaxSize+1<<20)
	f, h, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, yiwang.Invalid(map[string]string{"file": "文件不能超过 10 MB"})
		}
		return "", nil, yiwang.Invalid(map[string]string{"file": "请选择要上传的文件"})
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, files.MaxSize+1))
	if err != nil {
		return "", nil, err
	}
	return h.Filename, b, nil
}

// catalogFile uploads a blank form or sample for a material of a draft.
func (s *Server) catalogFile(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCatalogMaintainer)
	if err != nil {
		return err
	}
	name, b, err := readUpload(w, r)
	i, _ := strconv.Atoi(r.FormValue("m"))
	if err == nil {
		// The right to change the draft is checked before anything is stored.
		_, err = s.Catalog.SetMaterialFile(r.Context(), actor, r.PathValue("id"), i, r.FormValue("kind"), "", true)
	}
	if err == nil {
		var f files.File
		if f, err = s.Files.Put(r.Context(), actor, name, b, files.Form); err == nil {
			_, err = s.Catalog.SetMaterialFile(r.Context(), actor, r.PathValue("id"), i, r.FormValue("kind"), f.ID, false)
		}
	}
	if err != nil {
		if yiwang.ErrorCode(err) != yiwang.EINVALID {
			return err
		}
		v, verr := s.catalogEntryView(r)
		if verr != nil {
			return verr
		}
		v.Form.Fail(err)
		w.WriteHeader(http.StatusBadRequest)
		s.render(w, r, "catalog_entry", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "文件已上传")
	http.Redirect(w, r, "/admin/catalog/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
