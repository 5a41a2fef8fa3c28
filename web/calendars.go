package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/calendars"
)

// Calendars offers a member the calendars to link and links them.
// *calendars.Syncer satisfies it.
type Calendars interface {
	// Choices returns the calendars the user can link and which are
	// linked; an error wrapping calendars.ErrNoAccess when the user granted
	// no calendar scope.
	Choices(ctx context.Context, userID string) (calendars.Choices, error)
	// Link makes ids the user's linked calendars; an error wrapping
	// calendars.ErrUnknownCalendar when one is not a choice.
	Link(ctx context.Context, userID string, ids []string) error
	// LinkPrimary links the user's primary calendar when none is linked,
	// the default right after the user granted calendar access, and
	// reports whether it did; an error wrapping calendars.ErrNoAccess when
	// the user granted no calendar scope.
	LinkPrimary(ctx context.Context, userID string) (bool, error)
}

// CalendarSyncs queues a sync of a member's calendars in the background.
// *calendars.Jobs satisfies it.
type CalendarSyncs interface {
	// EnqueueCalendarSync queues a sync unless one is waiting or running.
	EnqueueCalendarSync(ctx context.Context, userID string) error
}

// calendarsField is the name of the form's checkboxes.
const calendarsField = "calendar"

// calendarChoice is one checkbox of the calendars page.
type calendarChoice struct {
	calendars.Calendar
	Linked bool
	// Link is the sync state of a linked calendar; Failure says in words
	// why its last sync failed, "" when it did not.
	Link    *calendars.Link
	Failure string
	// Synced says when its last sync succeeded, in the calendar's time
	// zone; "" before the first.
	Synced string
}

// calendarsPage is what the calendars page shows.
type calendarsPage struct {
	// Access says what the grant lets ScopeTrail read: with none (or a
	// suspended scope) the page offers the next step instead of the form.
	Access      calendarAccess
	PrimaryOnly bool
	Choices     []calendarChoice
	// NoneLinked is true when no calendar is linked yet: the primary
	// calendar is ticked for the member to save.
	NoneLinked bool
	// Unsynced is true when a calendar is linked but none has synced yet:
	// the page offers "Sync now".
	Unsynced bool
	// Sync is the sync running now, nil when none is.
	Sync *syncView
}

// calendarsList shows the calendars the member can link, with the linked
// ones ticked, or the next step when none can be.
func (s *Server) calendarsList(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	ch, err := s.deps.Calendars.Choices(ctx, u.ID)
	if errors.Is(err, calendars.ErrNoAccess) {
		access, err := s.calendarAccessOf(ctx, u.ID)
		if err != nil {
			return err
		}
		if access != accessSuspended {
			access = accessNone
		}
		return s.render(c, http.StatusOK, "calendars", calendarsPage{Access: access})
	}
	if err != nil {
		return fmt.Errorf("listing calendar choices: %w", err)
	}
	links, err := s.deps.Meetings.Links(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("listing linked calendars: %w", err)
	}
	page := calendarsPage{Access: accessFull, PrimaryOnly: ch.PrimaryOnly, NoneLinked: len(links) == 0, Unsynced: len(links) > 0}
	if ch.PrimaryOnly {
		page.Access = accessPrimaryOnly
	}
	for _, cal := range ch.Calendars {
		choice := calendarChoice{Calendar: cal, Linked: ch.Linked[cal.ID] || page.NoneLinked && cal.Primary}
		for i := range links {
			if links[i].ID == cal.ID {
				choice.Link, choice.Failure = &links[i], failureText(links[i].SyncError, links[i].SyncErrorDetail)
				choice.Synced = syncedIn(links[i])
			}
		}
		page.Choices = append(page.Choices, choice)
	}
	for _, l := range links {
		if !l.SyncedAt.IsZero() || l.SyncError != "" {
			page.Unsynced = false
		}
	}
	if page.Sync, err = s.runningSync(ctx, u.ID); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "calendars", page)
}

// linkCalendars links the ticked calendars, unlinks the others, queues a
// sync and shows the meetings.
func (s *Server) linkCalendars(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	form, err := c.FormParams()
	if err != nil {
		return invalidf("The form could not be read.")
	}
	ids := form[calendarsField]
	if err := s.deps.Calendars.Link(ctx, u.ID, ids); err != nil {
		return fmt.Errorf("linking calendars: %w", err)
	}
	if len(ids) == 0 {
		setFlash(c, "warn", "No calendar is linked now, and the copy of their meetings is deleted.")
		return c.Redirect(http.StatusSeeOther, "/meetings")
	}
	if err := s.deps.CalendarSyncs.EnqueueCalendarSync(ctx, u.ID); err != nil {
		return fmt.Errorf("queueing calendar sync: %w", err)
	}
	setFlash(c, "ok", "Your choice of calendars is saved. A sync of your calendars is queued.")
	return c.Redirect(http.StatusSeeOther, "/meetings")
}

// syncedIn says when a link's last sync succeeded, in its calendar's time
// zone (UTC while that is unknown); "" before the first.
func syncedIn(l calendars.Link) string {
	if l.SyncedAt.IsZero() {
		return ""
	}
	loc, err := time.LoadLocation(l.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return l.SyncedAt.In(loc).Format("2006-01-02 15:04 MST")
}
