package googletest

import (
	"net/http"
	"slices"

	"github.com/scopetrail/scopetrail/scopes"
)

// userinfo serves /oauth2/v3/userinfo: the signed-in user's claims, for an
// access token that carries openid, email or profile.
func (s *Server) userinfo(w http.ResponseWriter, r *http.Request) {
	annotate(r, func(rec *RequestRecord) { rec.MethodID = "oauth.userinfo" })
	tok, ok := s.validAccess(bearerToken(r))
	if !ok {
		w.Header().Set("WWW-Authenticate", realm+`, error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_request", "error_description": "Invalid Credentials"})
		return
	}
	annotate(r, func(rec *RequestRecord) { rec.User, rec.ClientID = tok.grant.email, tok.grant.clientID })
	if !slices.ContainsFunc(tok.scopes, isSignIn) {
		w.Header().Set("WWW-Authenticate", realm+`, error="insufficient_scope", scope="openid email profile"`)
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "insufficient_scope", "error_description": "Insufficient Permission"})
		return
	}
	p, ok := s.activePerson(tok.grant.email)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_request", "error_description": "Invalid Credentials"})
		return
	}
	info := map[string]any{"sub": p.ID, "hd": s.ws.Domain}
	if slices.Contains(tok.scopes, scopes.UserinfoEmail) {
		info["email"], info["email_verified"] = p.Email, true
	}
	if slices.Contains(tok.scopes, scopes.UserinfoProfile) {
		info["name"], info["given_name"], info["family_name"], info["picture"] = p.DisplayName, p.GivenName, p.FamilyName, p.PhotoURL
	}
	writeJSON(w, http.StatusOK, info)
}
