package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
)

// assetURL is the address of a static file with its content's hash: a
// page served after a deploy names the new stylesheet and script, which a
// browser has not cached yet, while an unchanged file keeps its address and
// its cached copy (staticCache).
func assetURL(name string) string {
	if v, ok := assetVersions[name]; ok {
		return "/static/" + name + "?v=" + v
	}
	return "/static/" + name
}

// assetVersions are the static files' content hashes, by name.
var assetVersions = func() map[string]string {
	out := map[string]string{}
	_ = fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(staticFS, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[path[len("static/"):]] = hex.EncodeToString(sum[:6])
		return nil
	})
	return out
}()
