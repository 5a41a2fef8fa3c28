package googletest

import (
	"slices"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

// grantKey identifies what one user granted one client.
type grantKey struct{ clientID, email string }

// grant is everything one user granted one client: the union of the scopes
// consented to so far and the tokens issued under it. Revoking any one of
// its tokens, or the user removing the app, ends the whole grant.
type grant struct {
	key     grantKey
	scopes  []string        // sorted
	access  map[string]bool // live access token values
	refresh []string        // live refresh token values, oldest first
}

// recordConsentLocked adds scopes the user just consented to to the grant of
// key, creating it if needed. It reports whether this was the first consent
// of the user for the client. s.mu must be held.
func (s *Server) recordConsentLocked(key grantKey, granted []string) (g *grant, first bool) {
	g = s.grants[key]
	if g == nil {
		g = &grant{key: key, access: make(map[string]bool)}
		s.grants[key] = g
		first = true
	}
	g.scopes = union(g.scopes, granted)
	return g, first
}

// endGrantLocked ends a grant and every token issued under it. s.mu must be
// held.
func (s *Server) endGrantLocked(g *grant) {
	for v := range g.access {
		delete(s.access, v)
	}
	for _, v := range g.refresh {
		delete(s.refresh, v)
	}
	delete(s.grants, g.key)
}

// RevokeUser does what a user does by removing the app from their Google
// account: it ends every grant of the user, for every client. From then on
// their access tokens get 401 and their refresh tokens invalid_grant.
func (s *Server) RevokeUser(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, g := range s.grants {
		if strings.EqualFold(key.email, email) {
			s.endGrantLocked(g)
		}
	}
}

// revokeToken ends the grant of an access or refresh token, of clientID's
// when it is not empty. It reports whether the token was live.
func (s *Server) revokeToken(v, clientID string) (grantKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var key grantKey
	if t, ok := s.access[v]; ok && s.now().Before(t.expiry) {
		key = t.grant
	} else if t, ok := s.refresh[v]; ok {
		key = t.grant
	} else {
		return grantKey{}, false
	}
	if clientID != "" && key.clientID != clientID {
		return grantKey{}, false
	}
	if g := s.grants[key]; g != nil {
		s.endGrantLocked(g)
	}
	return key, true
}

// activePerson returns the workspace person with an email address, unless
// they were deleted.
func (s *Server) activePerson(email string) (workspace.Person, bool) {
	p, ok := s.ws.Person(email)
	if !ok || p.Deleted {
		return workspace.Person{}, false
	}
	return p, true
}

// union returns the sorted union of two scope lists.
func union(a, b []string) []string {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// onlySignIn reports whether every scope is a sign-in scope.
func onlySignIn(list []string) bool {
	for _, sc := range list {
		if !isSignIn(sc) {
			return false
		}
	}
	return true
}

// isSignIn reports whether a scope is one of openid, email and profile, in
// any of Google's spellings.
func isSignIn(scope string) bool {
	return slices.Contains(scopes.SignIn, scopes.Canonical(scope))
}
