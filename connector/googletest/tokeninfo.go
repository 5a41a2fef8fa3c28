package googletest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/scopetrail/scopetrail/scopes"
)

// tokeninfo serves /tokeninfo for an access_token or an id_token. Every
// value is a string, as at Google (spec §1.9).
func (s *Server) tokeninfo(w http.ResponseWriter, r *http.Request) {
	annotate(r, func(rec *RequestRecord) { rec.MethodID = "oauth.tokeninfo" })
	if err := r.ParseForm(); err != nil {
		writeInvalidToken(w, "Invalid Value")
		return
	}
	if raw := r.Form.Get("id_token"); raw != "" {
		s.idTokenInfo(w, raw)
		return
	}
	tok, ok := s.validAccess(r.Form.Get("access_token"))
	if !ok {
		writeInvalidToken(w, "Invalid Value")
		return
	}
	annotate(r, func(rec *RequestRecord) { rec.User, rec.ClientID = tok.grant.email, tok.grant.clientID })
	info := map[string]string{
		"azp": tok.grant.clientID, "aud": tok.grant.clientID,
		"scope":      strings.Join(tok.scopes, " "),
		"exp":        strconv.FormatInt(tok.expiry.Unix(), 10),
		"expires_in": strconv.FormatInt(int64(tok.expiry.Sub(s.now()).Seconds()), 10),
	}
	if p, ok := s.activePerson(tok.grant.email); ok {
		info["sub"] = p.ID
	}
	if slices.Contains(tok.scopes, scopes.UserinfoEmail) {
		info["email"], info["email_verified"] = tok.grant.email, "true"
	}
	if tok.offline {
		info["access_type"] = "offline"
	} else {
		info["access_type"] = "online"
	}
	writeJSON(w, http.StatusOK, info)
}

// idTokenInfo answers tokeninfo for an ID token the fake signed and that
// has not expired.
func (s *Server) idTokenInfo(w http.ResponseWriter, raw string) {
	claims, err := s.signer.verify(raw)
	if err != nil {
		writeInvalidToken(w, "Invalid Value")
		return
	}
	exp, _ := claims["exp"].(float64)
	if float64(s.now().Unix()) >= exp {
		writeInvalidToken(w, "Token expired")
		return
	}
	info := map[string]string{"alg": "RS256", "kid": s.signer.public.KeyID, "typ": "JWT"}
	for k, v := range claims {
		switch v := v.(type) {
		case string:
			info[k] = v
		case float64:
			info[k] = strconv.FormatFloat(v, 'f', -1, 64)
		default:
			info[k] = fmt.Sprint(v)
		}
	}
	writeJSON(w, http.StatusOK, info)
}

// writeInvalidToken writes tokeninfo's and revoke's 400 answer.
func writeInvalidToken(w http.ResponseWriter, description string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_token", "error_description": description})
}
