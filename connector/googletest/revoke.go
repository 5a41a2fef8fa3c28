package googletest

import "net/http"

// revoke serves /revoke (and the legacy /o/oauth2/revoke): the token comes
// in the query or the form, and revoking an access or refresh token ends
// the whole grant it belongs to (spec §1.8).
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	annotate(r, func(rec *RequestRecord) { rec.MethodID = "oauth.revoke" })
	if err := r.ParseForm(); err != nil {
		writeInvalidToken(w, "Token expired or revoked")
		return
	}
	key, ok := s.revokeToken(r.Form.Get("token"))
	if !ok {
		writeInvalidToken(w, "Token expired or revoked")
		return
	}
	annotate(r, func(rec *RequestRecord) { rec.User, rec.ClientID = key.email, key.clientID })
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("{}\n"))
}
