package googletest

import "sync/atomic"

// rotation is the fake's refresh token rotation (Options.RotateRefreshTokens),
// as a standards-conformant server may do it (RFC 9700 §4.14.2): every
// refresh_token grant answers a new refresh token and retires the one it
// used. A retired token used again is taken for a stolen one: the answer is
// invalid_grant, and every refresh token of its family (the ones issued by
// refreshing, one after the other, from one code exchange) stops working,
// the newest included. Google itself does not rotate refresh tokens.
type rotation struct {
	on atomic.Bool
	// reuses counts the retired tokens used again.
	reuses atomic.Int64
	// retired maps each refresh token retired by a refresh, or ended with
	// its family, to its family and user. s.mu guards it.
	retired map[string]retiredRefresh
}

// retiredRefresh is what the fake remembers of a retired refresh token.
type retiredRefresh struct {
	family, email string
	// ended is true for a token ended with its family rather than retired
	// by a refresh: using it is not a reuse.
	ended bool
}

// SetRotateRefreshTokens turns refresh token rotation on or off; see
// Options.RotateRefreshTokens. Tokens retired while it was on stay retired.
func (s *Server) SetRotateRefreshTokens(on bool) { s.rotation.on.Store(on) }

// RefreshTokenReuses returns how many times a retired refresh token was used
// again, each of which ended a family of refresh tokens.
func (s *Server) RefreshTokenReuses() int64 { return s.rotation.reuses.Load() }

// rotateLocked retires the refresh token v, which the grant refreshing it
// used, and returns its successor in the same family, when rotation is on;
// otherwise it returns "". s.mu must be held.
func (s *Server) rotateLocked(g *grant, v string, t *refreshToken) string {
	if !s.rotation.on.Load() {
		return ""
	}
	next := s.issueRefreshLocked(g, t.scopes, t.testing)
	n := s.refresh[next]
	n.family, n.issued = t.family, t.issued
	s.retireLocked(v, retiredRefresh{family: t.family, email: t.grant.email})
	return next
}

// retireLocked drops the live refresh token v and remembers it as r. s.mu
// must be held.
func (s *Server) retireLocked(v string, r retiredRefresh) {
	s.dropRefreshLocked(v)
	if s.rotation.retired == nil {
		s.rotation.retired = make(map[string]retiredRefresh)
	}
	s.rotation.retired[v] = r
}

// reuseLocked ends the family of v when v is a retired refresh token, and
// reports whether it was. s.mu must be held.
func (s *Server) reuseLocked(v string) bool {
	r, ok := s.rotation.retired[v]
	if !ok || r.ended {
		return false
	}
	s.rotation.reuses.Add(1)
	for live, t := range s.refresh {
		if t.family == r.family {
			s.retireLocked(live, retiredRefresh{family: r.family, email: r.email, ended: true})
		}
	}
	return true
}
