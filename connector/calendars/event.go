package calendars

import (
	"time"

	"google.golang.org/api/calendar/v3"
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
