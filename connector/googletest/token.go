package googletest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/scopetrail/scopetrail/scopes"
)

// tokenResponse is the JSON body of a successful /token call (spec §1.4).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	TokenType    string `json:"token_type"`
	IDToken      string `json:"id_token,omitempty"`
}

// oauthError is an OAuth error answer of the token endpoint (spec §1.7).
type oauthError struct {
	status      int
	code        string
	description string
}

// The token endpoint's error answers, with Google's observed descriptions.
var (
	errClientNotFound = &oauthError{http.StatusUnauthorized, "invalid_client", "The OAuth client was not found."}
	errInvalidClient  = &oauthError{http.StatusUnauthorized, "invalid_client", "Unauthorized"}
	errMalformedCode  = &oauthError{http.StatusBadRequest, "invalid_grant", "Malformed auth code."}
	errBadGrant       = &oauthError{http.StatusBadRequest, "invalid_grant", "Bad Request"}
	errExpiredGrant   = &oauthError{http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked."}
	errOtherClient    = &oauthError{http.StatusBadRequest, "unauthorized_client", "Unauthorized"}
)

func invalidRequest(msg string) *oauthError {
	return &oauthError{http.StatusBadRequest, "invalid_request", msg}
}

// token serves POST /token: the authorization_code and refresh_token grants.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	annotate(r, func(rec *RequestRecord) { rec.MethodID = "oauth.token" })
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, invalidRequest("The request body could not be read."))
		return
	}
	c, oerr := s.authenticate(r)
	if oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	annotate(r, func(rec *RequestRecord) { rec.ClientID = c.ID })
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "authorization_code":
		resp, oerr := s.exchangeCode(r, c)
		writeTokenResult(w, resp, oerr)
	case "refresh_token":
		s.refreshGrant(w, r, c)
	case "":
		writeOAuthError(w, invalidRequest("Missing required parameter: grant_type"))
	default:
		writeOAuthError(w, &oauthError{http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: " + gt})
	}
}

// exchangeCode redeems an authorization code, once.
func (s *Server) exchangeCode(r *http.Request, c Client) (*tokenResponse, *oauthError) {
	f := r.PostForm
	v := f.Get("code")
	if v == "" {
		return nil, invalidRequest("Missing required parameter: code")
	}
	issuer := s.baseURL(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	code, ok := s.codes[v]
	if !ok {
		return nil, errMalformedCode
	}
	if code.used || !s.now().Before(code.expires) || code.grant.clientID != c.ID {
		return nil, errBadGrant
	}
	annotate(r, func(rec *RequestRecord) { rec.User = code.grant.email })
	switch redirectURI := f.Get("redirect_uri"); {
	case redirectURI == "":
		return nil, invalidRequest("Missing required parameter: redirect_uri")
	case redirectURI != code.redirectURI:
		return nil, &oauthError{http.StatusBadRequest, "redirect_uri_mismatch", "Bad Request"}
	}
	if code.challenge != "" {
		verifier := f.Get("code_verifier")
		if verifier == "" {
			return nil, &oauthError{http.StatusBadRequest, "invalid_grant", "Missing code verifier."}
		}
		if !pkceMatches(code.challenge, code.method, verifier) {
			return nil, &oauthError{http.StatusBadRequest, "invalid_grant", "Invalid code verifier."}
		}
	}
	g := s.grants[code.grant]
	if _, active := s.activePerson(code.grant.email); g == nil || !active {
		return nil, errExpiredGrant
	}
	code.used = true
	resp := s.issueTokensLocked(issuer, g, code.scopes, code.requested, code.offline, code.nonce)
	if code.withRefresh {
		resp.RefreshToken = s.issueRefreshLocked(g, code.scopes, c.Testing)
	}
	return resp, nil
}

// issueTokensLocked issues an access token, and an ID token from issuer
// when openid was granted. requested are the scopes the client asked for,
// nil for a refresh. s.mu must be held.
func (s *Server) issueTokensLocked(issuer string, g *grant, granted, requested []string, offline bool, nonce string) *tokenResponse {
	at := s.issueAccessLocked(g, granted, offline)
	resp := &tokenResponse{
		AccessToken: at, ExpiresIn: int(accessTokenTTL.Seconds()),
		Scope: s.responseScope(granted, requested), TokenType: "Bearer",
	}
	if slices.Contains(granted, scopes.OpenID) {
		if p, ok := s.activePerson(g.key.email); ok {
			resp.IDToken = s.signer.sign(s.idClaims(issuer, p, g.key.clientID, granted, nonce, at))
		}
	}
	return resp
}

// pkceMatches checks a PKCE verifier against the challenge, in constant
// time.
func pkceMatches(challenge, method, verifier string) bool {
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

// writeTokenResult writes a token response, or the error that took its
// place.
func writeTokenResult(w http.ResponseWriter, resp *tokenResponse, oerr *oauthError) {
	if oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	writeTokenJSON(w, http.StatusOK, resp)
}

// writeOAuthError writes an OAuth error body.
func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="https://accounts.google.com/"`)
	}
	writeTokenJSON(w, e.status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{e.code, e.description})
}

// writeTokenJSON writes a token endpoint answer, pretty-printed and not
// cacheable like Google's.
func writeTokenJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.MarshalIndent(v, "", "  ") // v is always a plain struct
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
