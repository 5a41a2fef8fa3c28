package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// scopeState is where one scope of a user stands. Every page says it in
// the same four words, through templates/partials/scope_status.html.
type scopeState string

// Scope states.
const (
	// scopeGranted: Google granted it and ScopeTrail may use it.
	scopeGranted scopeState = "granted"
	// scopeNotGranted: the user never granted it, or unticked it.
	scopeNotGranted scopeState = "not-granted"
	// scopeSuspended: granted or not, ScopeTrail refuses every use of it
	// until the suspension is lifted: an admin suspended it, or the user
	// turned its feature off.
	scopeSuspended scopeState = "suspended"
	// scopeRevoked: the whole grant was revoked.
	scopeRevoked scopeState = "revoked"
)

// scopeLabels are the words shown for each state.
var scopeLabels = map[scopeState]string{
	scopeGranted:    "Granted",
	scopeNotGranted: "Not granted",
	scopeSuspended:  "Suspended",
	scopeRevoked:    "Revoked",
}

// scopeStatus is one scope of one user as every page shows it.
type scopeStatus struct {
	// Name is the full scope; Short, Tier and Description come from the
	// registry.
	Name, Short, Tier, Description string
	State                          scopeState
	// By, At and Why say who suspended the scope, when and why, or why the
	// grant was revoked; each may be empty. By is "you" for the viewer.
	By  string
	At  time.Time
	Why string
	// ByUser is true when the user suspended it themselves by turning its
	// feature off, so that they may turn it on again.
	ByUser bool
}

// Label is the state in words: Granted, Not granted, Suspended or Revoked.
func (s scopeStatus) Label() string { return scopeLabels[s.State] }

// Usable reports whether ScopeTrail may use the scope.
func (s scopeStatus) Usable() bool { return s.State == scopeGranted }

// Suspended reports whether the scope is suspended.
func (s scopeStatus) Suspended() bool { return s.State == scopeSuspended }

// statusOf works out where a scope of g stands. found is false when the
// user never granted anything; notes are the user's suspensions
// (FeatureSwitch.Suspensions, nil when unknown); viewerID is who looks,
// named "you".
func statusOf(g grant.Grant, found bool, name string, notes map[string]revoke.Suspension, viewerID string) scopeStatus {
	st := scopeStatus{Name: name, Short: name, State: scopeNotGranted}
	if sc, ok := scopes.Lookup(name); ok {
		st.Name, st.Short, st.Tier, st.Description = sc.Name, sc.Short, string(sc.Tier), sc.Description
	}
	switch {
	case !found:
	case g.Status == grant.StatusRevoked:
		if g.Has(name) {
			st.State, st.Why = scopeRevoked, g.Reason
		}
	case g.IsSuspended(name):
		st.State = scopeSuspended
		if n, ok := notes[st.Name]; ok {
			st.By, st.At, st.Why, st.ByUser = n.By.Email, n.At, n.Reason, n.ByUser()
			if n.By.Email == "" {
				st.By = n.By.ID
			}
			if n.By.ID == viewerID {
				st.By = "you"
			}
		}
	case g.Has(name):
		st.State = scopeGranted
	}
	return st
}

// grantView is a user's grant and suspensions, read once for the statuses
// of all their scopes.
type grantView struct {
	Grant grant.Grant
	// Found is false when the user never granted anything.
	Found bool
	Notes map[string]revoke.Suspension
}

// readGrant reads a user's grant and, when the revocation service can say,
// who suspended what.
func (s *Server) readGrant(ctx context.Context, userID string) (grantView, error) {
	var v grantView
	g, err := s.deps.Grants.Get(ctx, userID)
	switch {
	case err == nil:
		v.Grant, v.Found = g, true
	case !errors.Is(err, grant.ErrNotFound):
		return v, fmt.Errorf("reading the grant of %s: %w", userID, err)
	}
	if sw, ok := s.deps.Revocations.(FeatureSwitch); ok && v.Found && len(g.Suspended) > 0 {
		if v.Notes, err = sw.Suspensions(ctx, userID); err != nil {
			return v, fmt.Errorf("reading the suspensions of %s: %w", userID, err)
		}
	}
	return v, nil
}

// status is where one scope of the grant stands, for viewerID.
func (v grantView) status(name, viewerID string) scopeStatus {
	return statusOf(v.Grant, v.Found, name, v.Notes, viewerID)
}
