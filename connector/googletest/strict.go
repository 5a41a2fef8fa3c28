package googletest

import (
	"net/http"
	"slices"
	"strings"
)

// offlineAccess is the OpenID Connect scope that asks a standards-conformant
// server for a refresh token (OIDC Core §11).
const offlineAccess = "offline_access"

// Strict mode makes the fake behave as a standards-conformant OAuth 2.0 and
// OpenID Connect server (Ory Hydra, say) rather than as Google, in the ways
// that matter to a client written against Google:
//
//   - the token and revoke endpoints require client authentication, and
//     only client_secret_basic (RFC 6749 §2.3.1): credentials in the form
//     body are refused with invalid_client;
//   - a refresh token is issued only when the offline_access scope was
//     granted (OIDC Core §11); access_type is ignored;
//   - include_granted_scopes is not honoured: a token carries the scopes of
//     its own authorization only;
//   - the token response omits scope when it equals the request's (RFC
//     6749 §5.1), and a refresh response always omits it;
//   - revoking an unknown or invalid token answers 200 (RFC 7009 §2.2).
//
// In Google mode (the default) offline_access is not a scope Google lists:
// the fake drops it from an authorization request, so that a client asking
// any OpenID server for it works here too.

// requestedScope says what becomes of a requested scope: whether it is
// kept and whether it is known. offline_access is a scope in strict mode and
// is dropped in Google mode.
func (s *Server) requestedScope(sc string) (keep, known bool) {
	if sc != offlineAccess {
		return true, knownScopes()[sc]
	}
	return s.strict, true
}

// withRefreshStrict reports whether a strict-mode code exchange returns a
// refresh token: when offline_access was granted.
func withRefreshStrict(granted []string) bool { return slices.Contains(granted, offlineAccess) }

// responseScope is the scope member of a token response: omitted in strict
// mode when it equals the requested scopes.
func (s *Server) responseScope(granted, requested []string) string {
	if s.strict && (requested == nil || slices.Equal(union(nil, granted), union(nil, requested))) {
		return ""
	}
	return strings.Join(granted, " ")
}

// authenticate checks the client authentication of a token or revoke
// request, as Google does or, in strict mode, as strictClientAuth says.
func (s *Server) authenticate(r *http.Request) (Client, *oauthError) {
	if s.strict {
		if oerr := strictClientAuth(r); oerr != nil {
			return Client{}, oerr
		}
	}
	return s.authenticateClient(r)
}

// strictClientAuth checks a strict-mode token or revoke request's client
// authentication: HTTP Basic only. Credentials in the form body, or none,
// are refused as invalid_client.
func strictClientAuth(r *http.Request) *oauthError {
	if _, _, basic := r.BasicAuth(); basic {
		return nil
	}
	if r.PostForm.Get("client_secret") != "" {
		return &oauthError{http.StatusUnauthorized, "invalid_client",
			"Client authentication failed: this server accepts client_secret_basic only."}
	}
	return &oauthError{http.StatusBadRequest, "invalid_client",
		"Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)."}
}
