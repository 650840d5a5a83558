package web

import "net/http"

// sealKeys publishes every org's signature public keys, current and
// retired, for verifying license files offline (docs/license-format.md §4).
// Anyone may read it: public keys are public.
func (s *Server) sealKeys(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.Seals.Keys(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, ks)
	return nil
}
