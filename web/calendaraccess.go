package web

import (
	"context"
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// calendarAccess is what a member's grant lets ScopeTrail read of their
// calendars, which decides the next step the calendars and meetings pages
// offer.
type calendarAccess string

// The calendar accesses.
const (
	// accessNone: no calendar scope is usable; the next step is to grant
	// one.
	accessNone calendarAccess = "none"
	// accessSuspended: a calendar scope is granted but an admin suspended
	// it; granting again cannot lift that.
	accessSuspended calendarAccess = "suspended"
	// accessPrimaryOnly: only calendar.events.readonly is usable, so the
	// primary calendar is the one ScopeTrail can read.
	accessPrimaryOnly calendarAccess = "primary-only"
	// accessFull: calendar.readonly is usable: every calendar the member
	// can read can be linked.
	accessFull calendarAccess = "full"
)

// calendarAccessOf reads the member's grant and says what it allows of
// their calendars.
func (s *Server) calendarAccessOf(ctx context.Context, userID string) (calendarAccess, error) {
	g, err := s.deps.Grants.Get(ctx, userID)
	if errors.Is(err, grant.ErrNotFound) {
		return accessNone, nil
	}
	if err != nil {
		return "", fmt.Errorf("reading the grant of %s: %w", userID, err)
	}
	switch {
	case g.Usable(scopes.CalendarReadonly):
		return accessFull, nil
	case g.Usable(scopes.CalendarEventsReadonly):
		return accessPrimaryOnly, nil
	case g.Status == grant.StatusActive && (g.Has(scopes.CalendarReadonly) && g.IsSuspended(scopes.CalendarReadonly) ||
		g.Has(scopes.CalendarEventsReadonly) && g.IsSuspended(scopes.CalendarEventsReadonly)):
		return accessSuspended, nil
	}
	return accessNone, nil
}
