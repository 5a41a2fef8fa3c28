package workspace

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// meetCodePattern matches a Meet conference id such as "abc-defg-hij".
var meetCodePattern = regexp.MustCompile(`^[a-z]{3}-[a-z]{4}-[a-z]{3}$`)

// responseStatuses are the valid attendee responses.
var responseStatuses = []string{"needsAction", "declined", "tentative", "accepted"}

// events loads the events and their copies on attendees' calendars, and
// returns the set of event ids.
func (l *loader) events(docs []eventDoc, files []*File) map[string]bool {
	byID := make(map[string]*File, len(files))
	for _, f := range files {
		byID[f.ID] = f
	}
	var events []Event
	ids := make(map[string]bool)
	listed := make(map[[2]string]bool) // calendar ID and event ID
	for i, d := range docs {
		item := fmt.Sprintf("events[%d] %q", i, d.ID)
		e, ok := l.event(item, d, byID)
		if !ok {
			continue
		}
		if listed[[2]string{e.CalendarID, e.ID}] {
			l.errorf(item, "id is used by an earlier event of calendar %q", e.CalendarID)
			continue
		}
		listed[[2]string{e.CalendarID, e.ID}] = true
		ids[e.ID] = true
		events = append(events, e)
	}
	for _, e := range events {
		if e.RecurringEventID != "" && !listed[[2]string{e.CalendarID, e.RecurringEventID}] {
			l.errorf(fmt.Sprintf("event %q", e.ID), "recurringEventId %q is not an event of calendar %q", e.RecurringEventID, e.CalendarID)
		}
		e.Seq = l.seq()
		l.w.insertEvent(e)
		for _, a := range e.Attendees {
			if c, ok := l.w.calendars[a.Email]; ok && !a.Organizer && !listed[[2]string{c.ID, e.ID}] {
				cp := e
				cp.CalendarID, cp.Seq = c.ID, l.seq()
				l.w.insertEvent(cp)
			}
		}
	}
	return ids
}

// event converts and checks one event.
func (l *loader) event(item string, d eventDoc, files map[string]*File) (Event, bool) {
	nerrs := len(l.errs)
	c, ok := l.w.calendars[d.CalendarID]
	if !ok {
		l.errorf(item, "calendarId %q is not a calendar of the workspace", d.CalendarID)
		return Event{}, false
	}
	e := Event{
		ID: d.ID, CalendarID: c.ID, Summary: d.Summary, Description: d.Description, Location: d.Location,
		Status: d.Status, AllDay: d.AllDay, StartDate: d.StartDate, EndDate: d.EndDate, TimeZone: d.TimeZone,
		Recurrence: d.Recurrence, RecurringEventID: d.RecurringEventID, Organizer: d.Organizer, MeetCode: d.MeetCode,
	}
	if e.ID == "" || strings.ContainsAny(e.ID, "/ ") {
		l.errorf(item, "id is required and may not contain '/' or spaces")
	}
	if e.Status == "" {
		e.Status = StatusConfirmed
	}
	if !slices.Contains([]string{StatusConfirmed, StatusTentative, StatusCancelled}, e.Status) {
		l.errorf(item, "status %q is not confirmed, tentative or cancelled", e.Status)
	}
	e.Organizer = l.canonical(cmp.Or(e.Organizer, c.Owner))
	if e.TimeZone == "" {
		e.TimeZone = c.TimeZone
	}
	if e.MeetCode != "" && !meetCodePattern.MatchString(e.MeetCode) {
		l.errorf(item, "meetCode %q is not like abc-defg-hij", e.MeetCode)
	}
	l.when(item, d, &e)
	for _, a := range d.Attendees {
		if !validEmail(a.Email) {
			l.errorf(item, "attendee %q is not an email address", a.Email)
		}
		if a.ResponseStatus == "" {
			a.ResponseStatus = "needsAction"
		}
		if !slices.Contains(responseStatuses, a.ResponseStatus) {
			l.errorf(item, "attendee %q: responseStatus %q is not one of %v", a.Email, a.ResponseStatus, responseStatuses)
		}
		a.Email = l.canonical(a.Email)
		if p, ok := l.w.Person(a.Email); ok && a.DisplayName == "" {
			a.DisplayName = p.DisplayName
		}
		e.Attendees = append(e.Attendees, Attendee{
			Email: a.Email, DisplayName: a.DisplayName, ResponseStatus: a.ResponseStatus,
			Organizer: a.Organizer || strings.EqualFold(a.Email, e.Organizer),
		})
	}
	for _, a := range d.Attachments {
		f, ok := files[a.FileID]
		if !ok {
			l.errorf(item, "attachment fileId %q is not a file of the workspace", a.FileID)
			continue
		}
		att := AttachmentFor(f)
		att.Title, att.MimeType, att.FileURL = cmp.Or(a.Title, att.Title), cmp.Or(a.MimeType, att.MimeType), cmp.Or(a.FileURL, att.FileURL)
		e.Attachments = append(e.Attachments, att)
	}
	return e, len(l.errs) == nerrs
}

// when sets the start, end and creation times of e from d.
func (l *loader) when(item string, d eventDoc, e *Event) {
	loc, err := l.zone(e.TimeZone)
	if err != nil {
		l.errorf(item, "%v", err)
		return
	}
	if e.AllDay {
		start, err1 := time.ParseInLocation(time.DateOnly, d.StartDate, loc)
		end, err2 := time.ParseInLocation(time.DateOnly, d.EndDate, loc)
		if err1 != nil || err2 != nil || !end.After(start) {
			l.errorf(item, "an all-day event needs startDate and a later endDate like 2006-01-02, not %q and %q", d.StartDate, d.EndDate)
			return
		}
		e.Start, e.End = start.UTC(), end.UTC()
	} else {
		var err1, err2 error
		e.Start, err1 = parseTime(d.Start, time.Time{})
		e.End, err2 = parseTime(d.End, time.Time{})
		if err1 != nil || err2 != nil || e.Start.IsZero() || e.End.Before(e.Start) {
			l.errorf(item, "a timed event needs RFC 3339 start and end, end not before start, not %q and %q", d.Start, d.End)
			return
		}
		if d.StartDate != "" || d.EndDate != "" {
			l.errorf(item, "startDate and endDate are only for all-day events")
		}
	}
	if e.OriginalStart, err = parseTime(d.OriginalStart, time.Time{}); err != nil {
		l.errorf(item, "originalStart: %v", err)
	}
	if e.RecurringEventID != "" && e.OriginalStart.IsZero() {
		e.OriginalStart = e.Start
	}
	if e.Created, err = parseTime(d.Created, e.Start.Add(-7*24*time.Hour)); err != nil {
		l.errorf(item, "created: %v", err)
	}
	if e.Updated, err = parseTime(d.Updated, e.Created); err != nil {
		l.errorf(item, "updated: %v", err)
	}
}
