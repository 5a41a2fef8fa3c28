package web

import (
	"context"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// driveAccess is where a member's drive.readonly stands, in the words of
// every page (scopeStatus), for the recordings page to offer the next
// step: grant it, turn it on again, ask whoever suspended it, or
// reconnect.
type driveAccess struct {
	scopeStatus
	// Reconnect is true when the scope is granted but Google no longer
	// accepts the grant.
	Reconnect bool
}

// NeedsGrant reports whether Drive must be granted (again) before any
// recording shows.
func (a driveAccess) NeedsGrant() bool { return a.State == scopeNotGranted || a.State == scopeRevoked }

// CanFind reports whether ScopeTrail can look for recordings now.
func (a driveAccess) CanFind() bool { return a.Usable() && !a.Reconnect }

// driveAccess reads where u's Drive access stands.
func (s *Server) driveAccess(ctx context.Context, u identity.User) (driveAccess, error) {
	v, err := s.readGrant(ctx, u.ID)
	if err != nil {
		return driveAccess{}, err // names the user
	}
	a := driveAccess{scopeStatus: v.status(scopes.DriveReadonly, u.ID)}
	a.Reconnect = a.Usable() && v.Grant.Status == grant.StatusReconnectNeeded
	return a, nil
}
