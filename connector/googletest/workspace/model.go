// Package workspace holds the data of the fake Google Workspace served by
// package googletest: the directory of people, their calendars and events,
// and the Drive files that Meet leaves behind (recordings and transcripts).
//
// A Workspace is built either by Generate, deterministically from a seed, or
// by Load from a hand-written JSON document (see Load for the format). It is
// safe for concurrent use; every mutation bumps a change sequence and
// notifies subscribers, which the fake APIs use for sync tokens, change feeds
// and push notifications.
package workspace

import (
	"io"
	"time"
)

// MIME types used by the workspace.
const (
	MimeFolder   = "application/vnd.google-apps.folder"
	MimeDocument = "application/vnd.google-apps.document"
	MimeMP4      = "video/mp4"
	MimeText     = "text/plain"
)

// Event statuses, as in the Calendar API.
const (
	StatusConfirmed = "confirmed"
	StatusTentative = "tentative"
	StatusCancelled = "cancelled"
)

// Change kinds reported to subscribers.
const (
	KindPerson   = "person"
	KindCalendar = "calendar"
	KindEvent    = "event"
	KindFile     = "file"
)

// Person is an entry of the domain directory.
type Person struct {
	// ID is stable, e.g. "c1234567890"; the People API resourceName is "people/"+ID.
	ID                                                                            string
	Email, GivenName, FamilyName, DisplayName, PhotoURL, Title, Department, Phone string
	// Deleted marks a tombstone, still listed by sync with metadata.deleted.
	Deleted bool
	// Seq is the workspace change sequence of the last change.
	Seq int64
}

// Calendar is a calendar owned by a person.
type Calendar struct {
	// ID is the owner's email for a primary calendar, and an id like
	// "abc123@group.calendar.google.com" for a secondary one.
	ID string
	// Owner is the owner's email.
	Owner                          string
	Summary, Description, TimeZone string
	Primary                        bool
	// ReaderEmails lists the other people who can see the calendar; it
	// appears in their calendarList with accessRole "reader".
	ReaderEmails []string
	// Seq is the workspace change sequence of the last change.
	Seq int64
}

// Unshared records that a person lost sight of a calendar or file: a
// reader taken off, or the owner changed. Sync reports it as a deletion.
type Unshared struct {
	// ID is the calendar's or file's ID.
	ID string
	// Seq is the change that took the access away.
	Seq int64
	// Time is when that happened.
	Time time.Time
}

// Event is a calendar event, a recurring master, or an exception instance.
// A meeting appears on the organizer's calendar and, with the same ID, on the
// primary calendar of each attendee of the directory.
type Event struct {
	ID, CalendarID                 string
	Summary, Description, Location string
	// Status is StatusConfirmed, StatusTentative or StatusCancelled.
	Status string
	// Start and End bound a timed event. Generate and Load also set them for
	// all-day events, to midnight of StartDate and EndDate in TimeZone.
	Start, End time.Time
	// AllDay events use StartDate and EndDate ("2006-01-02", EndDate exclusive).
	AllDay             bool
	StartDate, EndDate string
	TimeZone           string
	// Recurrence holds RRULE lines such as "RRULE:FREQ=WEEKLY;COUNT=4", only on the master.
	Recurrence []string
	// RecurringEventID is set on exception instances, whose ID is by
	// Google's convention the master's ID, "_" and OriginalStart as
	// "20060102T150405Z".
	RecurringEventID string
	OriginalStart    time.Time
	// Organizer is the organizer's email.
	Organizer string
	Attendees []Attendee
	// MeetCode is the Meet conference id ("abc-defg-hij"), or "" without Meet.
	MeetCode string
	// Attachments are the recordings and transcripts attached by Meet.
	Attachments      []Attachment
	Created, Updated time.Time
	Seq              int64
}

// Attendee is a guest of an event.
type Attendee struct {
	Email, DisplayName, ResponseStatus string
	Organizer                          bool
}

// Attachment links a Drive file to an event.
type Attachment struct {
	FileID, Title, MimeType, FileURL string
}

// File is a Drive file or folder.
type File struct {
	// ID, Name and MimeType: Meet recordings are MimeMP4, transcripts
	// MimeDocument, and each user's "Meet Recordings" folder is MimeFolder.
	ID, Name, MimeType string
	// Parents lists folder ids.
	Parents []string
	// Owner is the owner's email.
	Owner string
	// SharedWith lists the emails with reader access.
	SharedWith                []string
	Trashed                   bool
	CreatedTime, ModifiedTime time.Time
	// Size is the byte size of the content (0 for Google Docs and folders).
	Size int64
	// MD5 is the hex md5 of the content, "" for Google Docs and folders or
	// when it is left to be computed lazily by Checksum.
	MD5 string
	// CreatedByMeet marks files visible under drive.meet.readonly.
	CreatedByMeet bool
	// MeetCode is the conference id of the meeting the file came from.
	MeetCode string
	// EventID is the calendar event the file belongs to, "" if unknown.
	EventID string
	// Body is the content; nil for folders and Google Docs.
	Body Body
	// ExportText is the text/plain export of a Google Doc; it may be larger
	// than Drive's 10 MB export limit.
	ExportText Body
	Seq        int64
	// Deleted marks a removed file (the changes feed reports removed=true).
	Deleted bool
}

// Body is file content that is generated on demand and never held in memory.
type Body interface {
	// Size is the length of the content in bytes.
	Size() int64
	// NewReader returns a reader positioned at offset 0; Seek serves ranges.
	NewReader() io.ReadSeeker
}

// Change describes one mutation of a Workspace.
type Change struct {
	Seq int64
	// Kind is KindPerson, KindEvent or KindFile.
	Kind string
	ID   string
	// CalendarID is set for event changes.
	CalendarID string
}

// GenerateOptions sizes a generated workspace; see Generate.
type GenerateOptions struct {
	// Seed selects the workspace: equal options give equal workspaces.
	Seed int64
	// Domain is the email domain, "example.test" when empty.
	Domain string
	// People is the size of the directory. CalendarsPerPerson counts the
	// primary calendar (0 means 1). MeetingsPerCalendar is the number of
	// meetings organised on each calendar.
	People, CalendarsPerPerson, MeetingsPerCalendar int
	// MeetShare is the fraction of timed meetings that use Meet;
	// RecordingShare and TranscriptShare are the fractions of ended Meet
	// meetings that have a recording or a transcript.
	MeetShare                       float64
	RecordingShare, TranscriptShare float64
	// RecordingSize is the byte size of every generated recording, 1 MiB
	// when 0.
	RecordingSize int64
	// Now is required: meetings fall within 30 days of it, and only those
	// that ended before it have recordings and transcripts.
	Now time.Time
}
