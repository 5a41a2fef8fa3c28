package fakeapi

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// Event JSON, as in the discovery schemas Event, EventDateTime,
// EventAttendee, EventAttachment, ConferenceData and EntryPoint.
type (
	eventJSON struct {
		Kind              string           `json:"kind"`
		Etag              string           `json:"etag"`
		ID                string           `json:"id"`
		Status            string           `json:"status"`
		HTMLLink          string           `json:"htmlLink,omitempty"`
		Created           string           `json:"created,omitempty"`
		Updated           string           `json:"updated,omitempty"`
		Summary           string           `json:"summary,omitempty"`
		Description       string           `json:"description,omitempty"`
		Location          string           `json:"location,omitempty"`
		Creator           *eventPersonJSON `json:"creator,omitempty"`
		Organizer         *eventPersonJSON `json:"organizer,omitempty"`
		Start             *eventTimeJSON   `json:"start,omitempty"`
		End               *eventTimeJSON   `json:"end,omitempty"`
		Recurrence        []string         `json:"recurrence,omitempty"`
		RecurringEventID  string           `json:"recurringEventId,omitempty"`
		OriginalStartTime *eventTimeJSON   `json:"originalStartTime,omitempty"`
		ICalUID           string           `json:"iCalUID,omitempty"`
		Sequence          int              `json:"sequence"`
		Attendees         []attendeeJSON   `json:"attendees,omitempty"`
		HangoutLink       string           `json:"hangoutLink,omitempty"`
		ConferenceData    *conferenceJSON  `json:"conferenceData,omitempty"`
		Reminders         *remindersJSON   `json:"reminders,omitempty"`
		EventType         string           `json:"eventType,omitempty"`
		Attachments       []attachmentJSON `json:"attachments,omitempty"`
	}

	eventTimeJSON struct {
		Date     string `json:"date,omitempty"`
		DateTime string `json:"dateTime,omitempty"`
		TimeZone string `json:"timeZone,omitempty"`
	}

	eventPersonJSON struct {
		Email       string `json:"email"`
		DisplayName string `json:"displayName,omitempty"`
		Self        bool   `json:"self,omitempty"`
	}

	attendeeJSON struct {
		Email          string `json:"email"`
		DisplayName    string `json:"displayName,omitempty"`
		Organizer      bool   `json:"organizer,omitempty"`
		Self           bool   `json:"self,omitempty"`
		ResponseStatus string `json:"responseStatus"`
	}

	attachmentJSON struct {
		FileURL  string `json:"fileUrl"`
		Title    string `json:"title,omitempty"`
		MimeType string `json:"mimeType,omitempty"`
		FileID   string `json:"fileId,omitempty"`
		IconLink string `json:"iconLink,omitempty"`
	}

	conferenceJSON struct {
		ConferenceID       string             `json:"conferenceId"`
		ConferenceSolution conferenceSolution `json:"conferenceSolution"`
		EntryPoints        []entryPointJSON   `json:"entryPoints"`
	}

	conferenceSolution struct {
		Key     conferenceKey `json:"key"`
		Name    string        `json:"name"`
		IconURI string        `json:"iconUri"`
	}

	conferenceKey struct {
		Type string `json:"type"`
	}

	entryPointJSON struct {
		EntryPointType string `json:"entryPointType"`
		URI            string `json:"uri"`
		Label          string `json:"label,omitempty"`
	}

	remindersJSON struct {
		UseDefault bool `json:"useDefault"`
	}
)

// meetIcon is the Meet logo Google puts in conferenceSolution.iconUri.
const meetIcon = "https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png"

// rfc3339Millis is how Google formats created and updated.
const rfc3339Millis = "2006-01-02T15:04:05.000Z07:00"

// eventView is how events of one calendar are rendered for one request.
type eventView struct {
	cal workspace.Calendar
	// loc is the response time zone: the timeZone parameter or the calendar's.
	loc *time.Location
}

// render returns the JSON of e. Cancelled events carry only their identity,
// as Google's deleted events do.
func (v eventView) render(e *workspace.Event) eventJSON {
	master := e.ID
	if e.RecurringEventID != "" {
		master = e.RecurringEventID
	}
	j := eventJSON{Kind: "calendar#event", Etag: `"` + strconv.FormatInt(3_000_000_000_000_000+e.Seq, 10) + `"`,
		ID: e.ID, Status: e.Status, Updated: utcMillis(e.Updated), RecurringEventID: e.RecurringEventID}
	if j.Status == "" {
		j.Status = workspace.StatusConfirmed
	}
	if e.RecurringEventID != "" {
		j.OriginalStartTime = v.originalStart(e)
	}
	if j.Status == workspace.StatusCancelled {
		return j
	}
	self := v.cal.ID // The calendar this copy of the event appears on.
	j.HTMLLink = "https://www.google.com/calendar/event?eid=" + base64.RawURLEncoding.EncodeToString([]byte(e.ID+" "+v.cal.ID))
	j.Created = utcMillis(e.Created)
	j.Summary, j.Description, j.Location = e.Summary, e.Description, e.Location
	j.ICalUID = master + "@google.com"
	j.Recurrence = e.Recurrence
	j.EventType = "default"
	j.Reminders = &remindersJSON{UseDefault: true}
	if e.Organizer != "" {
		org := &eventPersonJSON{Email: e.Organizer, Self: strings.EqualFold(e.Organizer, self)}
		for _, a := range e.Attendees {
			if strings.EqualFold(a.Email, e.Organizer) {
				org.DisplayName = a.DisplayName
			}
		}
		j.Organizer, j.Creator = org, org
	}
	j.Start, j.End = v.times(e)
	for _, a := range e.Attendees {
		status := a.ResponseStatus
		if status == "" {
			status = "needsAction"
		}
		j.Attendees = append(j.Attendees, attendeeJSON{Email: a.Email, DisplayName: a.DisplayName,
			Organizer: a.Organizer, Self: strings.EqualFold(a.Email, self), ResponseStatus: status})
	}
	if e.MeetCode != "" {
		link := "https://meet.google.com/" + e.MeetCode
		j.HangoutLink = link
		j.ConferenceData = &conferenceJSON{ConferenceID: e.MeetCode,
			ConferenceSolution: conferenceSolution{Key: conferenceKey{Type: "hangoutsMeet"}, Name: "Google Meet", IconURI: meetIcon},
			EntryPoints:        []entryPointJSON{{EntryPointType: "video", URI: link, Label: "meet.google.com/" + e.MeetCode}}}
	}
	for _, at := range e.Attachments {
		j.Attachments = append(j.Attachments, attachmentJSON{FileURL: at.FileURL, Title: at.Title, MimeType: at.MimeType,
			FileID: at.FileID, IconLink: "https://drive-thirdparty.googleusercontent.com/16/type/" + at.MimeType})
	}
	return j
}

// times renders the start and end of e.
func (v eventView) times(e *workspace.Event) (start, end *eventTimeJSON) {
	if e.AllDay {
		return &eventTimeJSON{Date: e.StartDate}, &eventTimeJSON{Date: e.EndDate}
	}
	tz := e.TimeZone
	if tz == "" {
		tz = v.cal.TimeZone
	}
	return &eventTimeJSON{DateTime: e.Start.In(v.loc).Format(time.RFC3339), TimeZone: tz},
		&eventTimeJSON{DateTime: e.End.In(v.loc).Format(time.RFC3339), TimeZone: tz}
}

// originalStart renders the originalStartTime of an instance or exception.
func (v eventView) originalStart(e *workspace.Event) *eventTimeJSON {
	if e.AllDay {
		return &eventTimeJSON{Date: e.OriginalStart.Format(dateLayout)}
	}
	tz := e.TimeZone
	if tz == "" {
		tz = v.cal.TimeZone
	}
	return &eventTimeJSON{DateTime: e.OriginalStart.In(v.loc).Format(time.RFC3339), TimeZone: tz}
}

// utcMillis formats t as Google formats timestamps, "" for the zero time.
func utcMillis(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(rfc3339Millis)
}

// getEvent serves events.get, for stored events and for the instances of
// recurring ones ("<masterId>_<start>").
func (a *API) getEvent(w http.ResponseWriter, r *http.Request, c Caller) error {
	cal, _, err := a.resolveCalendar(c, r.PathValue("calendarId"))
	if err != nil {
		return err
	}
	v, err := a.view(cal, r.URL.Query().Get("timeZone"))
	if err != nil {
		return err
	}
	id := r.PathValue("eventId")
	e, ok := a.ws.Event(cal.ID, id)
	if !ok {
		e, ok = a.findInstance(cal, id, v.loc)
	}
	if !ok {
		return notFound("Not Found")
	}
	return writeSelected(w, r.URL.Query(), v.render(&e), eventSchema)
}

// findInstance resolves an instance id "<masterId>_<suffix>" to the
// exception stored for it or to the generated occurrence.
func (a *API) findInstance(cal workspace.Calendar, id string, fallback *time.Location) (workspace.Event, bool) {
	k := strings.LastIndexByte(id, '_')
	if k < 0 {
		return workspace.Event{}, false
	}
	master, ok := a.ws.Event(cal.ID, id[:k])
	if !ok || len(master.Recurrence) == 0 {
		return workspace.Event{}, false
	}
	suffix := id[k+1:]
	for _, e := range a.ws.Events(cal.ID) {
		if e.RecurringEventID == master.ID && exceptionSuffix(&e) == suffix {
			return e, true
		}
	}
	start, loc := eventStart(&master, fallback)
	want, err := parseICalTime(suffix, loc)
	rec, perr := parseRecurrence(master.Recurrence, loc)
	if err != nil || perr != nil {
		return workspace.Event{}, false
	}
	var found workspace.Event
	hit := false
	rec.occurrences(start, want.Add(time.Second), func(t time.Time) bool {
		if t.Equal(want) {
			found, hit = instance(&master, t), true
		}
		return !hit
	})
	return found, hit && found.ID == id
}

// exceptionSuffix is the instance id suffix an exception replaces.
func exceptionSuffix(e *workspace.Event) string {
	if e.AllDay {
		return e.OriginalStart.Format(instanceDayStamp)
	}
	return e.OriginalStart.UTC().Format(instanceLayout)
}
