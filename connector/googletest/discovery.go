package googletest

import (
	"encoding/json"
	"net/http"

	"github.com/go-jose/go-jose/v4"
)

// openIDConfiguration serves /.well-known/openid-configuration, the OpenID
// Connect discovery document, in the shape of Google's.
func (s *Server) openIDConfiguration(w http.ResponseWriter, r *http.Request) {
	annotate(r, func(rec *RequestRecord) { rec.MethodID = "oauth.discovery" })
	u := Endpoints(s.baseURL(r))
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                u.Issuer,
		"authorization_endpoint":                u.AuthURL,
		"token_endpoint":                        u.TokenURL,
		"userinfo_endpoint":                     u.UserinfoURL,
		"revocation_endpoint":                   u.RevokeURL,
		"jwks_uri":                              u.JWKSURL,
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "email", "profile"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":      []string{"plain", "S256"},
		"claims_supported": []string{"aud", "email", "email_verified", "exp", "family_name", "given_name",
			"hd", "iat", "iss", "name", "nonce", "picture", "sub"},
	})
}

// jwks serves /oauth2/v3/certs, the key set that verifies ID tokens.
func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	annotate(r, func(rec *RequestRecord) { rec.MethodID = "oauth.certs" })
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{s.signer.public}})
}

// writeJSON writes v as a JSON answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
