package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

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
}

// calendarsPage is what the calendars page shows.
type calendarsPage struct {
	// NoAccess is true when no calendar scope is granted: the page offers
	// to grant one instead of the form.
	NoAccess    bool
	PrimaryOnly bool
	Choices     []calendarChoice
}

// calendarsList shows the calendars the member can link, with the linked
// ones ticked.
func (s *Server) calendarsList(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	ch, err := s.deps.Calendars.Choices(ctx, u.ID)
	if errors.Is(err, calendars.ErrNoAccess) {
		return s.render(c, http.StatusOK, "calendars", calendarsPage{NoAccess: true})
	}
	if err != nil {
		return fmt.Errorf("listing calendar choices: %w", err)
	}
	links, err := s.deps.Meetings.Links(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("listing linked calendars: %w", err)
	}
	page := calendarsPage{PrimaryOnly: ch.PrimaryOnly}
	for _, cal := range ch.Calendars {
		choice := calendarChoice{Calendar: cal, Linked: ch.Linked[cal.ID]}
		for i := range links {
			if links[i].ID == cal.ID {
				choice.Link, choice.Failure = &links[i], failureText(links[i].SyncError, links[i].SyncErrorDetail)
			}
		}
		page.Choices = append(page.Choices, choice)
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
		return c.Redirect(http.StatusSeeOther, "/meetings")
	}
	if err := s.deps.CalendarSyncs.EnqueueCalendarSync(ctx, u.ID); err != nil {
		return fmt.Errorf("queueing calendar sync: %w", err)
	}
	return c.Redirect(http.StatusSeeOther, "/meetings?sync=queued")
}
