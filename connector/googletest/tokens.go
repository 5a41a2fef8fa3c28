package googletest

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// Lifetimes and limits of what the fake issues, as at Google.
const (
	// codeTTL is how long an authorization code can be exchanged.
	codeTTL = 10 * time.Minute
	// accessTokenTTL is the lifetime of an access token (expires_in 3599).
	accessTokenTTL = 3599 * time.Second
	// testingRefreshTTL is the lifetime of a refresh token issued to a
	// client whose consent screen is in Testing status.
	testingRefreshTTL = 7 * 24 * time.Hour
	// refreshIdleTTL is how long an unused refresh token stays valid.
	refreshIdleTTL = 183 * 24 * time.Hour
	// maxRefreshTokens is the live refresh tokens per user and client; the
	// next one silently invalidates the oldest.
	maxRefreshTokens = 100
	// usedCodeMemory is how long a used or expired code is remembered, so
	// that reusing it fails with "Bad Request" rather than "Malformed".
	usedCodeMemory = time.Hour
)

// Prefixes Google's codes and tokens start with.
const (
	codePrefix    = "4/0A"
	accessPrefix  = "ya29.a0"
	refreshPrefix = "1//0"
)

// authCode is an authorization code waiting to be exchanged. It is bound to
// the client, the redirect URI, the PKCE challenge and the scopes granted.
type authCode struct {
	grant       grantKey
	redirectURI string
	scopes      []string
	requested   []string // the scopes of the authorization request
	nonce       string
	challenge   string
	method      string // PKCE method, "S256" or "plain"
	offline     bool   // access_type=offline
	withRefresh bool   // the exchange returns a refresh token
	expires     time.Time
	used        bool
}

// accessToken is an issued access token. It is immutable once issued.
type accessToken struct {
	grant   grantKey
	scopes  []string
	expiry  time.Time
	offline bool
}

// refreshToken is an issued refresh token.
type refreshToken struct {
	grant    grantKey
	scopes   []string
	issued   time.Time
	lastUsed time.Time
	testing  bool // issued to a client in Testing status
	// family is the first refresh token of the chain this one belongs to
	// when refresh tokens rotate (see rotation): the token an exchange
	// issued, whose successors each replaced the one before.
	family string
}

// randomToken returns prefix followed by n random bytes in base64url.
func randomToken(prefix string, n int) string {
	b := make([]byte, n)
	rand.Read(b) // never returns an error
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// expired reports whether a refresh token stopped working by itself: the
// 7-day life of a Testing client's token, or six months without use.
func (t *refreshToken) expired(now time.Time) bool {
	if t.testing && !onlySignIn(t.scopes) && !now.Before(t.issued.Add(testingRefreshTTL)) {
		return true
	}
	return !now.Before(t.lastUsed.Add(refreshIdleTTL))
}

// issueAccessLocked issues an access token for g. s.mu must be held.
func (s *Server) issueAccessLocked(g *grant, scopes []string, offline bool) string {
	v := randomToken(accessPrefix, 96)
	s.access[v] = &accessToken{grant: g.key, scopes: scopes, expiry: s.now().Add(accessTokenTTL), offline: offline}
	g.access[v] = true
	return v
}

// issueRefreshLocked issues a refresh token for g, invalidating the oldest
// one beyond the live limit. s.mu must be held.
func (s *Server) issueRefreshLocked(g *grant, scopes []string, testing bool) string {
	v := randomToken(refreshPrefix, 64)
	now := s.now()
	s.refresh[v] = &refreshToken{grant: g.key, scopes: scopes, issued: now, lastUsed: now, testing: testing, family: v}
	g.refresh = append(g.refresh, v)
	if len(g.refresh) > maxRefreshTokens {
		delete(s.refresh, g.refresh[0])
		g.refresh = g.refresh[1:]
	}
	return v
}

// validAccess returns the access token with value v if it is live and its
// user is still in the workspace.
func (s *Server) validAccess(v string) (accessToken, bool) {
	s.mu.RLock()
	t, ok := s.access[v]
	s.mu.RUnlock()
	if !ok || !s.now().Before(t.expiry) {
		return accessToken{}, false
	}
	if _, ok := s.activePerson(t.grant.email); !ok {
		return accessToken{}, false
	}
	return *t, true
}

// sweepLocked forgets expired codes, consent requests and access tokens.
// s.mu must be held.
func (s *Server) sweepLocked() {
	now := s.now()
	for v, c := range s.codes {
		if now.After(c.expires.Add(usedCodeMemory)) {
			delete(s.codes, v)
		}
	}
	for id, p := range s.pending {
		if !now.Before(p.expires) {
			delete(s.pending, id)
		}
	}
	for v, t := range s.access {
		if !now.Before(t.expiry) {
			delete(s.access, v)
			if g := s.grants[t.grant]; g != nil {
				delete(g.access, v)
			}
		}
	}
}
