package web

import (
	"context"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// LinkSyncs queues, in the background, the first sync of a feature a user
// has just linked, so that its data shows without waiting for the periodic
// re-sync. The features' Jobs together satisfy it.
type LinkSyncs interface {
	// EnqueueDirectorySync queues a sync of an admin's directory copy.
	EnqueueDirectorySync(ctx context.Context, userID string) error
	// EnqueueCalendarSync queues a sync of a member's calendars.
	EnqueueCalendarSync(ctx context.Context, userID string) error
	// EnqueueRecordingsSync queues a discovery of a member's Meet
	// recordings and transcripts in Drive.
	EnqueueRecordingsSync(ctx context.Context, userID string) error
}

// syncAfterLink queues the sync that a feature starts once linked: the
// directory copy for an admin who linked invite, the calendars for
// calendars (linking the primary calendar first when none is linked, so
// that its meetings show with no other step), the recordings for
// recordings. Nothing is queued without
// Deps.LinkSyncs, for a member who linked invite (only admins use the
// directory), or when Google granted too little for the feature to work. A
// failure to queue is logged, not shown: the link itself succeeded, and the
// periodic re-sync or a page's sync button catches up.
func (s *Server) syncAfterLink(ctx context.Context, u identity.User, res googleauth.Result) {
	if s.deps.LinkSyncs == nil || !scopes.FeatureEnabled(res.Feature, res.Granted) {
		return
	}
	var err error
	switch res.Feature {
	case scopes.FeatureInvite:
		if u.Role != identity.RoleAdmin {
			return
		}
		err = s.deps.LinkSyncs.EnqueueDirectorySync(ctx, u.ID)
	case scopes.FeatureCalendars:
		s.linkPrimaryCalendar(ctx, u)
		err = s.deps.LinkSyncs.EnqueueCalendarSync(ctx, u.ID)
	case scopes.FeatureRecordings:
		err = s.deps.LinkSyncs.EnqueueRecordingsSync(ctx, u.ID)
	default:
		return
	}
	if err != nil {
		s.log.ErrorContext(ctx, "queueing the first sync of a linked feature", "feature", string(res.Feature), "user", u.ID, "err", err)
	}
}

// linkPrimaryCalendar links the member's primary calendar when no calendar
// is linked yet; it does nothing without Deps.Calendars. A failure is logged,
// not shown, as in syncAfterLink: the calendars page still offers the
// choice.
func (s *Server) linkPrimaryCalendar(ctx context.Context, u identity.User) {
	if s.deps.Calendars == nil {
		return
	}
	if _, err := s.deps.Calendars.LinkPrimary(ctx, u.ID); err != nil {
		s.log.ErrorContext(ctx, "linking the primary calendar of a member who granted calendar access", "user", u.ID, "err", err)
	}
}
