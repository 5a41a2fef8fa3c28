package googletest

import (
	"net/http"
	"slices"
	"strings"
)

// refreshGrant serves a refresh_token grant at /token.
func (s *Server) refreshGrant(w http.ResponseWriter, r *http.Request, c Client) {
	v := r.PostForm.Get("refresh_token")
	if v == "" {
		writeOAuthError(w, invalidRequest("Missing required parameter: refresh_token"))
		return
	}
	email := s.refreshOwner(v)
	annotate(r, func(rec *RequestRecord) { rec.User = email })
	redeem := func(w http.ResponseWriter, r *http.Request) {
		resp, oerr := s.redeemRefresh(s.baseURL(r), v, c)
		writeTokenResult(w, resp, oerr)
	}
	if f, ok := s.faults.match(MethodToken, email); ok {
		s.injectTokenFault(w, r, f, v, redeem)
		return
	}
	redeem(w, r)
}

// redeemRefresh issues a new access token (and ID token, from issuer) for
// a live refresh token of c. The token keeps the scopes of the exchange
// that issued it.
func (s *Server) redeemRefresh(issuer, v string, c Client) (*tokenResponse, *oauthError) {
	if !strings.HasPrefix(v, refreshPrefix) {
		return nil, errBadGrant
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.refresh[v]
	if !ok {
		s.reuseLocked(v)
		return nil, errExpiredGrant
	}
	if t.grant.clientID != c.ID {
		return nil, errOtherClient
	}
	now := s.now()
	g := s.grants[t.grant]
	if _, active := s.activePerson(t.grant.email); g == nil || !active || t.expired(now) {
		s.dropRefreshLocked(v)
		return nil, errExpiredGrant
	}
	t.lastUsed = now
	resp := s.issueTokensLocked(issuer, g, t.scopes, nil, true, "")
	resp.RefreshToken = s.rotateLocked(g, v, t)
	return resp, nil
}

// refreshOwner returns the email of the user of a refresh token, live or
// retired by rotation, "" when the token is unknown.
func (s *Server) refreshOwner(v string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if t, ok := s.refresh[v]; ok {
		return t.grant.email
	}
	return s.rotation.retired[v].email
}

// dropRefresh makes one refresh token stop working, leaving the rest of
// its grant alone.
func (s *Server) dropRefresh(v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropRefreshLocked(v)
}

func (s *Server) dropRefreshLocked(v string) {
	t, ok := s.refresh[v]
	if !ok {
		return
	}
	delete(s.refresh, v)
	if g := s.grants[t.grant]; g != nil {
		g.refresh = slices.DeleteFunc(g.refresh, func(x string) bool { return x == v })
	}
}
