package googletest

import "net/http"

// revoke serves /revoke (and the legacy /o/oauth2/revoke): the token comes
// in the query or the form, and revoking an access or refresh token ends
// the whole grant it belongs to (spec §1.8). Google accepts client
// credentials but does not require them; strict mode requires them (RFC
// 7009 §2.1), revokes only the client's own tokens, and answers 200 for a
// token that is unknown or no longer valid (RFC 7009 §2.2).
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	annotate(r, func(rec *RequestRecord) { rec.MethodID = "oauth.revoke" })
	if err := r.ParseForm(); err != nil {
		writeInvalidToken(w, "Token expired or revoked")
		return
	}
	var c Client
	if s.strict {
		var oerr *oauthError
		if c, oerr = s.authenticate(r); oerr != nil {
			writeOAuthError(w, oerr)
			return
		}
		if hint := r.Form.Get("token_type_hint"); hint != "" && hint != "access_token" && hint != "refresh_token" {
			writeOAuthError(w, &oauthError{http.StatusBadRequest, "unsupported_token_type", "The token type hint is not supported."})
			return
		}
	}
	key, ok := s.revokeToken(r.Form.Get("token"), c.ID)
	switch {
	case ok:
		annotate(r, func(rec *RequestRecord) { rec.User, rec.ClientID = key.email, key.clientID })
	case !s.strict:
		writeInvalidToken(w, "Token expired or revoked")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte("{}\n"))
}
