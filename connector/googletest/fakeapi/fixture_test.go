package fakeapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
)

// Headers through which the test server learns the caller; the real server
// derives the Caller from an OAuth token instead.
const (
	userHeader   = "X-Test-User"
	scopesHeader = "X-Test-Scopes"
)

// Users of the test workspace.
const (
	ada = "ada@acme.test"
	bob = "bob@acme.test"
	cy  = "cy@acme.test"
)

// t0 is the test clock's starting time.
var t0 = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// fixture is a test workspace served by the fake APIs.
type fixture struct {
	ws    *workspace.Workspace
	api   *fakeapi.API
	clock *clocktest.Clock
	url   string
}

// withCaller is the test-only stand-in for the real server: it turns the
// test headers into the Caller.
func withCaller(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user := r.Header.Get(userHeader); user != "" {
			c := fakeapi.Caller{Email: user, ClientID: "test-client", Scopes: strings.Fields(r.Header.Get(scopesHeader))}
			r = r.WithContext(fakeapi.WithCaller(r.Context(), c))
		}
		h.ServeHTTP(w, r)
	})
}

// newFixture serves ws (the standard test workspace when nil).
func newFixture(t testing.TB, ws *workspace.Workspace) *fixture {
	t.Helper()
	if ws == nil {
		ws = testWorkspace()
	}
	clk := clocktest.New(t0)
	api := fakeapi.New(ws, fakeapi.Options{Now: clk.Now})
	srv := httptest.NewServer(withCaller(api.Handler()))
	t.Cleanup(func() {
		srv.Close()
		api.Close()
	})
	return &fixture{ws: ws, api: api, clock: clk, url: srv.URL}
}

// client returns an HTTP client acting as user with scopes.
func (f *fixture) client(t testing.TB, user string, scopes ...string) *http.Client {
	return &http.Client{Transport: &checkingTransport{t: t, user: user, scopes: scopes}}
}

// people returns a People client for user with the directory scope.
func (f *fixture) people(t testing.TB, user string) *people.Service {
	t.Helper()
	s, err := people.NewService(context.Background(), option.WithEndpoint(f.url+"/"),
		option.WithHTTPClient(f.client(t, user, scopes.DirectoryReadonly)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// calendar returns a Calendar client for user with calendar.readonly.
func (f *fixture) calendar(t testing.TB, user string) *calendar.Service {
	t.Helper()
	s, err := calendar.NewService(context.Background(), option.WithEndpoint(f.url+"/calendar/v3/"),
		option.WithHTTPClient(f.client(t, user, scopes.CalendarReadonly)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// drive returns a Drive client for user with the given scopes
// (drive.readonly when none).
func (f *fixture) drive(t testing.TB, user string, scope ...string) *drive.Service {
	t.Helper()
	if len(scope) == 0 {
		scope = []string{scopes.DriveReadonly}
	}
	s, err := drive.NewService(context.Background(), option.WithEndpoint(f.url+"/drive/v3/"),
		option.WithHTTPClient(f.client(t, user, scope...)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Ids of the standard test workspace.
const (
	calTeam       = "team@group.calendar.google.com"
	evMeet        = "meet01"
	evCancelled   = "cancel01"
	evWeekly      = "weekly01"
	evWeeklyEx    = "weekly01_20250311T090000Z"
	evAllDay      = "allday01"
	evPlain       = "plain01"
	fileRecording = "1rec"
	fileTranscr   = "1doc"
	fileBigDoc    = "1bigdoc"
	fileTrashed   = "1trash"
	fileNotes     = "1notes"
	fileBobs      = "1bob"
	recordingSize = 3 << 20
)

// testWorkspace builds the standard test workspace: four people (one
// deleted, one with a non-ASCII name), calendars with a Meet meeting, a
// cancelled event, a weekly recurrence with a moved exception, an all-day
// event, and Drive files of every kind.
func testWorkspace() *workspace.Workspace {
	ws := workspace.New("acme.test", "C01acme")
	ws.Now = func() time.Time { return t0 }
	ws.PutPerson(workspace.Person{ID: "c001", Email: ada, GivenName: "Ada", FamilyName: "Lovelace", DisplayName: "Ada Lovelace",
		Title: "Engineer", Department: "R&D", Phone: "+44 20 7946 0000"})
	ws.PutPerson(workspace.Person{ID: "c002", Email: bob, GivenName: "Bob", FamilyName: "<script>alert(1)</script>",
		DisplayName: "Bob <script>alert(1)</script>"})
	ws.PutPerson(workspace.Person{ID: "c003", Email: cy, GivenName: "Zoë", FamilyName: "Ünal", DisplayName: "Zoë Ünal",
		PhotoURL: "https://lh3.googleusercontent.com/a/zoe=s100"})
	ws.PutPerson(workspace.Person{ID: "c004", Email: "dee@acme.test", GivenName: "Dee", FamilyName: "Parted"})
	_ = ws.DeletePerson("c004")

	ws.PutCalendar(workspace.Calendar{ID: ada, Owner: ada, Summary: ada, TimeZone: "Europe/London", Primary: true})
	ws.PutCalendar(workspace.Calendar{ID: bob, Owner: bob, Summary: bob, TimeZone: "America/New_York", Primary: true})
	ws.PutCalendar(workspace.Calendar{ID: calTeam, Owner: ada, Summary: "Team", TimeZone: "UTC", ReaderEmails: []string{bob}})

	at := func(day, hour, minute int) time.Time { return time.Date(2025, 3, day, hour, minute, 0, 0, time.UTC) }
	attendees := []workspace.Attendee{{Email: ada, DisplayName: "Ada", ResponseStatus: "accepted", Organizer: true},
		{Email: bob, DisplayName: "Bob"}}
	ws.PutEvent(workspace.Event{ID: evMeet, CalendarID: ada, Summary: "Weekly sync", Status: workspace.StatusConfirmed,
		Start: at(4, 10, 0), End: at(4, 10, 30), Organizer: ada, Attendees: attendees, MeetCode: "abc-mnop-xyz",
		Attachments: []workspace.Attachment{
			{FileID: fileRecording, Title: "Weekly sync - Recording", MimeType: workspace.MimeMP4, FileURL: "https://drive.google.com/open?id=" + fileRecording},
			{FileID: fileTranscr, Title: "Weekly sync - Transcript", MimeType: workspace.MimeDocument, FileURL: "https://docs.google.com/document/d/" + fileTranscr + "/edit"},
		}, Created: at(1, 9, 0), Updated: at(4, 11, 0)})
	ws.PutEvent(workspace.Event{ID: evCancelled, CalendarID: ada, Summary: "Dropped", Status: workspace.StatusConfirmed,
		Start: at(5, 10, 0), End: at(5, 11, 0), Organizer: ada, Created: at(1, 9, 0), Updated: at(2, 9, 0)})
	_ = ws.CancelEvent(ada, evCancelled)
	ws.PutEvent(workspace.Event{ID: evWeekly, CalendarID: ada, Summary: "Standup", Status: workspace.StatusConfirmed,
		Start: at(4, 9, 0), End: at(4, 9, 15), TimeZone: "UTC", Recurrence: []string{"RRULE:FREQ=WEEKLY;COUNT=4"},
		Organizer: ada, Created: at(1, 9, 0), Updated: at(1, 9, 0)})
	ws.PutEvent(workspace.Event{ID: evWeeklyEx, CalendarID: ada, Summary: "Standup (moved)", Status: workspace.StatusConfirmed,
		Start: at(11, 13, 0), End: at(11, 13, 15), TimeZone: "UTC", RecurringEventID: evWeekly, OriginalStart: at(11, 9, 0),
		Organizer: ada, Created: at(1, 9, 0), Updated: at(2, 9, 0)})
	ws.PutEvent(workspace.Event{ID: evAllDay, CalendarID: ada, Summary: "Offsite", Status: workspace.StatusConfirmed,
		AllDay: true, StartDate: "2025-03-06", EndDate: "2025-03-07", Organizer: ada, Created: at(1, 9, 0), Updated: at(1, 9, 0)})
	ws.PutEvent(workspace.Event{ID: evPlain, CalendarID: calTeam, Summary: "Lunch without Meet", Status: workspace.StatusConfirmed,
		Start: at(7, 12, 0), End: at(7, 13, 0), Organizer: ada, Created: at(1, 9, 0), Updated: at(1, 9, 0)})

	folder := workspace.MeetRecordingsFolderID(ada)
	created := at(4, 10, 45)
	ws.PutFile(&workspace.File{ID: folder, Name: workspace.MeetRecordingsFolder, MimeType: workspace.MimeFolder, Owner: ada,
		CreatedTime: at(1, 0, 0), ModifiedTime: at(1, 0, 0), CreatedByMeet: true})
	ws.PutFile(&workspace.File{ID: fileRecording, Name: "Weekly sync - 2025/03/04 10:00 GMT - Recording", MimeType: workspace.MimeMP4,
		Parents: []string{folder}, Owner: ada, SharedWith: []string{bob}, CreatedTime: created, ModifiedTime: created,
		CreatedByMeet: true, MeetCode: "abc-mnop-xyz", EventID: evMeet, Body: workspace.GeneratedBody("rec", recordingSize)})
	ws.PutFile(&workspace.File{ID: fileTranscr, Name: "Weekly sync - 2025/03/04 10:00 GMT - Transcript", MimeType: workspace.MimeDocument,
		Parents: []string{folder}, Owner: ada, CreatedTime: created.Add(time.Minute), ModifiedTime: created.Add(time.Minute),
		CreatedByMeet: true, MeetCode: "abc-mnop-xyz", EventID: evMeet, ExportText: workspace.BytesBody([]byte("[00:00:01] Ada: hello\n"))})
	ws.PutFile(&workspace.File{ID: fileBigDoc, Name: "Marathon - Transcript", MimeType: workspace.MimeDocument,
		Parents: []string{folder}, Owner: ada, CreatedTime: at(5, 0, 0), ModifiedTime: at(5, 0, 0), CreatedByMeet: true,
		ExportText: workspace.TranscriptBody("big", fakeapi.ExportSizeLimit+1, nil)})
	ws.PutFile(&workspace.File{ID: fileTrashed, Name: "Old - Recording", MimeType: workspace.MimeMP4, Parents: []string{folder},
		Owner: ada, Trashed: true, CreatedTime: at(2, 0, 0), ModifiedTime: at(3, 0, 0), CreatedByMeet: true,
		Body: workspace.BytesBody([]byte("old"))})
	ws.PutFile(&workspace.File{ID: fileNotes, Name: "notes.txt", MimeType: "text/plain", Owner: ada,
		CreatedTime: at(8, 0, 0), ModifiedTime: at(9, 0, 0), Body: workspace.BytesBody([]byte("private notes"))})
	ws.PutFile(&workspace.File{ID: fileBobs, Name: "Bob's plan", MimeType: workspace.MimeDocument, Owner: bob,
		CreatedTime: at(8, 0, 0), ModifiedTime: at(8, 0, 0)})
	return ws
}
