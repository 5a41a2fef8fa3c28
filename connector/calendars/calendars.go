// Package calendars links a member's Google calendars and keeps a copy of
// their meetings: the events from 30 days back to 30 days ahead, with their
// attendees, their Meet conference and the recordings and transcripts Meet
// attached to them.
//
// Every Google request goes through the audited door with purpose
// scopes.PurposeMeetings and asks only for the fields the pages show. The
// calendar list (calendarList.list) needs calendar.readonly; with only
// calendar.events.readonly the primary calendar is the one choice. Meetings
// are fetched with events.list and singleEvents=true: a full sync of the
// window first, then incremental syncs with the calendar's nextSyncToken. A
// 410 fullSyncRequired answer starts a full sync again, which reconciles
// deletions. Each calendar's sync is written in one transaction, so a sync
// that fails part-way leaves the previous copy in place.
package calendars

import (
	"errors"
	"time"
)

// Sentinel errors.
var (
	// ErrNotFound means no such meeting or linked calendar.
	ErrNotFound = errors.New("calendars: not found")
	// ErrNoAccess means the user granted neither calendar scope, or both are
	// unusable (suspended, revoked): calendars must be linked first.
	ErrNoAccess = errors.New("calendars: calendar access not granted")
	// ErrUnknownCalendar means a calendar chosen for linking is not among the
	// user's choices.
	ErrUnknownCalendar = errors.New("calendars: unknown calendar")
)

// PrimaryID is the calendar id Calendar accepts for a user's primary
// calendar; links to the primary calendar are stored under it.
const PrimaryID = "primary"

// WindowBack and WindowAhead bound the meetings kept: those that end after
// now-WindowBack and start before now+WindowAhead.
const (
	WindowBack  = 30 * 24 * time.Hour
	WindowAhead = 30 * 24 * time.Hour
)

// Window returns the sync window around now.
func Window(now time.Time) (from, to time.Time) {
	return now.Add(-WindowBack), now.Add(WindowAhead)
}

// Calendar is a calendar the user can link.
type Calendar struct {
	// ID is the calendar id, PrimaryID for the primary calendar.
	ID string
	// Summary is the calendar's title.
	Summary string
	// Primary marks the user's primary calendar.
	Primary bool
	// AccessRole is the user's role on it ("owner", "reader", ...); "" when
	// unknown, as for the primary calendar without calendar.readonly.
	AccessRole string
	// TimeZone is the calendar's time zone, an IANA name such as
	// "Europe/Paris"; "" until Google said it (the primary calendar linked
	// without calendar.readonly has it from its first sync).
	TimeZone string
}

// Choices are the calendars a user can link.
type Choices struct {
	// Calendars are the calendars offered, the primary one first.
	Calendars []Calendar
	// Linked holds the ids of the calendars linked now.
	Linked map[string]bool
	// PrimaryOnly is true when calendar.readonly is not usable: the calendar
	// list cannot be read, so only the primary calendar is offered.
	PrimaryOnly bool
}

// Link is a linked calendar and the state of its sync.
type Link struct {
	Calendar
	// LinkedAt is when it was linked; SyncedAt when the last sync succeeded,
	// zero before the first.
	LinkedAt, SyncedAt time.Time
	// SyncError is the code of the last sync's failure (a
	// googlehttp.Failure code), "" after a success; SyncErrorDetail says
	// more, redacted.
	SyncError, SyncErrorDetail string
}

// Progress says how far the sync a person asked for has gone.
type Progress struct {
	// Running is true from the request until the sync has finished with
	// every linked calendar, for better or worse.
	Running bool
	// Calendars counts the linked calendars, Synced those the sync has
	// finished with.
	Calendars, Synced int
}

// Meeting is an event of a linked calendar.
type Meeting struct {
	// ID is opaque and stable: it is derived from CalendarID and EventID.
	ID string
	// CalendarID is the linked calendar it was found on (PrimaryID for the
	// primary calendar); EventID is Calendar's event id.
	CalendarID, EventID string
	Title               string
	// Start and End bound the meeting; all-day meetings span whole UTC days.
	Start, End time.Time
	AllDay     bool
	// MeetCode is the Google Meet conference id ("abc-mnop-xyz"), "" when
	// the meeting does not use Meet.
	MeetCode string
	// Organizer is the organizer's email.
	Organizer   string
	Attendees   []Attendee
	Attachments []Attachment
	// Status is "confirmed" or "tentative"; cancelled events are removed.
	Status string
}

// IsMeet reports whether the meeting uses Google Meet.
func (m Meeting) IsMeet() bool { return m.MeetCode != "" }

// Attendee is a guest of a meeting.
type Attendee struct {
	Email, DisplayName string
	// ResponseStatus is "needsAction", "declined", "tentative" or "accepted".
	ResponseStatus string
	Organizer      bool
}

// Attachment is a Drive file attached to a meeting, such as the recording or
// transcript Meet adds.
type Attachment struct {
	FileID, Title, MimeType, FileURL string
}

// Stats says what a Sync did.
type Stats struct {
	// Calendars has one entry per linked calendar, in link order.
	Calendars []CalendarStats
}

// Requests returns the number of Google requests the sync sent, retries
// included.
func (s Stats) Requests() int {
	n := 0
	for _, c := range s.Calendars {
		n += c.Requests
	}
	return n
}

// CalendarStats says what the sync of one calendar did.
type CalendarStats struct {
	CalendarID string
	// Requests counts events.list requests sent, retries included.
	Requests int
	// Full is true for a full sync (first sync, expired token, daily
	// refresh of the window).
	Full bool
	// Stored and Removed count the meetings written and deleted.
	Stored, Removed int
	// Err is why the calendar's sync failed, nil on success.
	Err error
}
