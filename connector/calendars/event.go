package calendars

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// meetSolution is the conference solution type of Google Meet.
const meetSolution = "hangoutsMeet"

// toMeeting turns an event of a calendar into a meeting. It reports false
// for an event without usable start and end times.
func toMeeting(calendarID string, e *calendar.Event) (Meeting, bool) {
	start, allDay, ok := eventTime(e.Start)
	if !ok {
		return Meeting{}, false
	}
	end, _, ok := eventTime(e.End)
	if !ok {
		return Meeting{}, false
	}
	m := Meeting{ID: meetingID(calendarID, e.Id), CalendarID: calendarID, EventID: e.Id, Title: e.Summary,
		Start: start, End: end, AllDay: allDay, Status: e.Status}
	if cd := e.ConferenceData; cd != nil && cd.ConferenceSolution != nil && cd.ConferenceSolution.Key != nil &&
		cd.ConferenceSolution.Key.Type == meetSolution {
		m.MeetCode = cd.ConferenceId
	}
	if e.Organizer != nil {
		m.Organizer = e.Organizer.Email
	}
	for _, a := range e.Attendees {
		m.Attendees = append(m.Attendees, Attendee{Email: a.Email, DisplayName: a.DisplayName,
			ResponseStatus: a.ResponseStatus, Organizer: a.Organizer})
	}
	for _, a := range e.Attachments {
		m.Attachments = append(m.Attachments, Attachment{FileID: a.FileId, Title: a.Title, MimeType: a.MimeType, FileURL: a.FileUrl})
	}
	return m, true
}

// eventTime reads an event's start or end: a dateTime, or a date for
// all-day events, taken as midnight UTC.
func eventTime(t *calendar.EventDateTime) (at time.Time, allDay, ok bool) {
	if t == nil {
		return time.Time{}, false, false
	}
	if t.DateTime != "" {
		at, err := time.Parse(time.RFC3339, t.DateTime)
		return at.UTC(), false, err == nil
	}
	at, err := time.Parse(time.DateOnly, t.Date)
	return at, true, err == nil
}

// failureReason says why a sync failed, in words safe to show: no URL,
// token or Google message.
func failureReason(err error) string {
	attempts := ""
	if rerr := (*retry.Error)(nil); errors.As(err, &rerr) && rerr.Attempts > 1 {
		attempts = fmt.Sprintf(" (after %d attempts)", rerr.Attempts)
	}
	var denied *googlehttp.DeniedError
	var gerr *googleapi.Error
	switch {
	case errors.As(err, &denied):
		return fmt.Sprintf("ScopeTrail's policy refused the request (%s).", denied.Reason)
	case errors.Is(err, googlehttp.ErrRevoked):
		return "Google access was revoked: link your calendars again."
	case errors.Is(err, grant.ErrRevoked):
		return "Access was revoked during the sync: nothing it fetched was kept."
	case errors.Is(err, googlehttp.ErrNoToken):
		return "No usable Google token: link your calendars again."
	case errors.Is(err, googlehttp.ErrAuditUnavailable):
		return "The audit trail could not record the request, so it was not sent."
	case errors.As(err, &gerr):
		reason := http.StatusText(gerr.Code)
		if len(gerr.Errors) > 0 && gerr.Errors[0].Reason != "" {
			reason = gerr.Errors[0].Reason
		}
		return fmt.Sprintf("Google answered %d %s%s.", gerr.Code, reason, attempts)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "The sync was interrupted."
	}
	return "Google could not be reached" + attempts + "."
}
