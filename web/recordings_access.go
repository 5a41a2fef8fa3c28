package web

import (
	"context"
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// Where a member's Drive access stands, as the recordings page says it.
const (
	accessGranted    = "granted"
	accessNotGranted = "not-granted"
	accessSuspended  = "suspended"
	accessReconnect  = "reconnect"
)

// driveAccess is where a member's drive.readonly stands, for the
// recordings page to offer the next step: grant it, reconnect, or ask
// whoever suspended it.
type driveAccess struct {
	// State is one of the access constants.
	State string
	// By names who suspended it ("you" for the member), When says when
	// and Why why, each "" when the audit trail is not at hand or says
	// nothing.
	By, When, Why string
}

// driveAccess reads where u's Drive access stands. A revoked grant counts
// as nothing granted, as on the dashboard.
func (s *Server) driveAccess(ctx context.Context, u identity.User) (driveAccess, error) {
	g, err := s.deps.Grants.Get(ctx, u.ID)
	if err != nil && !errors.Is(err, grant.ErrNotFound) {
		return driveAccess{}, fmt.Errorf("reading grant: %w", err)
	}
	switch {
	case err != nil || g.Status == grant.StatusRevoked || !g.Has(scopes.DriveReadonly):
		return driveAccess{State: accessNotGranted}, nil
	case g.IsSuspended(scopes.DriveReadonly):
		return s.suspension(ctx, u), nil
	case g.Status == grant.StatusReconnectNeeded:
		return driveAccess{State: accessReconnect}, nil
	}
	return driveAccess{State: accessGranted}, nil
}

// suspension says who suspended u's Drive access, when and why, from the
// latest suspend entry of the audit trail. Without the trail, or when it
// cannot be read, the page says only that the access is suspended.
func (s *Server) suspension(ctx context.Context, u identity.User) driveAccess {
	a := driveAccess{State: accessSuspended}
	if s.deps.Audit == nil {
		return a
	}
	page, err := s.deps.Audit.Query(ctx, audit.Filter{UserID: u.ID, Scope: scopes.DriveReadonly, Event: audit.EventSuspend, Desc: true, Limit: 1})
	if err != nil {
		s.log.WarnContext(ctx, "reading who suspended a member's Drive access", "user", u.ID, "err", err)
		return a
	}
	if len(page.Entries) == 0 {
		return a
	}
	e := page.Entries[0]
	a.By, a.When, a.Why = e.ActorEmail, e.Time.UTC().Format(dayLayout+", "+timeLayout+" UTC"), e.ErrorReason
	if e.ActorID == u.ID {
		a.By = "you"
	}
	return a
}
