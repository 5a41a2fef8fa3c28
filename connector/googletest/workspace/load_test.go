package workspace_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// acmePath is the hand-written test workspace.
var acmePath = filepath.Join("..", "..", "..", "testdata", "workspace", "acme.json")

// exportLimit is Drive's limit on exported content.
const exportLimit = 10 << 20

func TestLoadAcme(t *testing.T) {
	t.Parallel()
	w, err := workspace.LoadFile(acmePath)
	if err != nil {
		t.Fatal(err)
	}
	if w.Domain != "acme.test" || w.CustomerID != "C01acme42" {
		t.Errorf("domain %q, customer %q", w.Domain, w.CustomerID)
	}
	person := func(t *testing.T, email string) workspace.Person {
		t.Helper()
		p, ok := w.Person(email)
		if !ok {
			t.Fatalf("no person %s", email)
		}
		return p
	}
	t.Run("names", func(t *testing.T) {
		for email, want := range map[string]string{
			"zoe@acme.test":      "Zoë Ångström",
			"lei@acme.test":      "李雷",
			"mohammed@acme.test": "محمد الحسن",
			"mallory@acme.test":  "Mallory <script>alert(1)</script>",
			"ZOE@acme.test":      "Zoë Ångström",
		} {
			if got := person(t, email).DisplayName; got != want {
				t.Errorf("%s: display name %q, want %q", email, got, want)
			}
		}
	})
	t.Run("deleted person", func(t *testing.T) {
		if p := person(t, "dave@acme.test"); !p.Deleted {
			t.Error("dave is not a tombstone")
		}
		if _, ok := w.Calendar("dave@acme.test"); ok {
			t.Error("a deleted person got a primary calendar")
		}
		if _, ok := w.Calendar("bob@acme.test"); !ok {
			t.Error("bob got no implicit primary calendar")
		}
	})
	event := func(t *testing.T, cal, id string) workspace.Event {
		t.Helper()
		e, ok := w.Event(cal, id)
		if !ok {
			t.Fatalf("no event %s on %s", id, cal)
		}
		return e
	}
	t.Run("events", func(t *testing.T) {
		if e := event(t, "zoe@acme.test", "vendordemo1126"); e.Status != workspace.StatusCancelled {
			t.Errorf("vendor demo status %q, want cancelled", e.Status)
		}
		if e := event(t, "ada@acme.test", "oneonone0ada0bob"); len(e.Recurrence) != 1 {
			t.Errorf("1:1 recurrence %v", e.Recurrence)
		}
		ex := event(t, "ada@acme.test", "oneonone0ada0bob_20261123T090000Z")
		if ex.RecurringEventID != "oneonone0ada0bob" || ex.Status != workspace.StatusCancelled ||
			!ex.OriginalStart.Equal(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("exception %+v", ex)
		}
		allDay := event(t, "c_8f3a9d2b1e@group.calendar.google.com", "offsite202612")
		if !allDay.AllDay || allDay.StartDate != "2026-12-03" || allDay.EndDate != "2026-12-05" ||
			!allDay.Start.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("all-day event %+v", allDay)
		}
		if e := event(t, "zoe@acme.test", "lunchlearn1202"); e.MeetCode != "" || len(e.Attendees) != 3 {
			t.Errorf("meeting without Meet: code %q, %d attendees", e.MeetCode, len(e.Attendees))
		}
		if e := event(t, "mallory@acme.test", "lunchlearn1202"); e.CalendarID != "mallory@acme.test" {
			t.Errorf("attendee copy on calendar %q", e.CalendarID)
		}
		if _, ok := w.Event("customer@partner.example", "vendordemo1126"); ok {
			t.Error("an external attendee got a copy")
		}
	})
	t.Run("files", func(t *testing.T) {
		file := func(id string) *workspace.File {
			t.Helper()
			f, ok := w.File(id)
			if !ok {
				t.Fatalf("no file %s", id)
			}
			return f
		}
		if !file("1acmeOldAllHands").Trashed || !file("1acmeOldDraft").Trashed {
			t.Error("trashed files are not trashed")
		}
		if tr := file("1acmeBudgetTranscript"); tr.ExportText == nil || tr.ExportText.Size() <= exportLimit {
			t.Error("the budget transcript is not over the export limit")
		}
		rec := file("1acmeBudgetRecording")
		e := event(t, "lei@acme.test", rec.EventID)
		shared := false
		for _, a := range e.Attendees {
			shared = shared || (!a.Organizer && a.Email != rec.Owner && slices.Contains(rec.SharedWith, a.Email))
		}
		if !shared {
			t.Error("the budget recording is not shared with a non-organizer attendee")
		}
		if !hasFile(w.FilesFor("ada@acme.test"), rec.ID) {
			t.Error("FilesFor(ada) lacks the recording shared with her")
		}
		if e := event(t, "ada@acme.test", rec.EventID); len(e.Attachments) != 2 {
			t.Errorf("ada's copy of the budget review has attachments %+v", e.Attachments)
		}
	})
	t.Run("real MP4", func(t *testing.T) {
		rec, _ := w.File("1acmeDemoRecording")
		disk, err := os.ReadFile(filepath.Join(filepath.Dir(acmePath), "recordings", "demo-meeting.mp4"))
		if err != nil {
			t.Fatal(err)
		}
		if len(disk) > 300<<10 || !bytes.Equal(disk[4:8], []byte("ftyp")) {
			t.Errorf("demo MP4 is %d bytes or not an MP4", len(disk))
		}
		sum := md5.Sum(disk)
		if rec.Size != int64(len(disk)) || rec.Checksum() != hex.EncodeToString(sum[:]) {
			t.Errorf("recording size %d, md5 %s; disk %d, %x", rec.Size, rec.Checksum(), len(disk), sum)
		}
		tr, _ := w.File("1acmeDemoTranscript")
		if got := string(readAll(t, tr.ExportText, 4096)); !strings.Contains(got, "Welcome to the ScopeTrail demo meeting.") {
			t.Errorf("demo transcript export = %q", got)
		}
		want := []workspace.Attachment{workspace.AttachmentFor(rec), workspace.AttachmentFor(tr)}
		if diff := cmp.Diff(want, event(t, "zoe@acme.test", "roadmap20261120").Attachments); diff != "" {
			t.Errorf("attachments on zoe's copy (-want +got):\n%s", diff)
		}
	})
	t.Run("Meet Recordings folders", func(t *testing.T) {
		for _, email := range []string{"ada@acme.test", "lei@acme.test"} {
			f, ok := w.File(workspace.MeetRecordingsFolderID(email))
			if !ok || f.Name != "Meet Recordings" || f.MimeType != workspace.MimeFolder || f.Owner != email {
				t.Errorf("%s: Meet Recordings folder %+v", email, f)
			}
		}
	})
}

// minimal is the smallest valid document, extended by the error cases.
const minimal = `{"domain": "t.test", "people": [{"email": "a@t.test"}]`

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, doc, want string }{
		{"unknown field", `{"domain": "t.test", "colour": 1}`, `unknown field "colour"`},
		{"trailing data", `{"domain": "t.test"} {}`, "after the workspace object"},
		{"bad domain", `{"domain": ""}`, "domain"},
		{"duplicate email", `{"domain": "t.test", "people": [{"email": "a@t.test"}, {"email": "A@t.test"}]}`, `people[1] "A@t.test"`},
		{"bad event time", minimal + `, "events": [{"id": "e1", "calendarId": "a@t.test", "start": "tomorrow", "end": "2026-11-20T10:00:00Z"}]}`,
			`events[0] "e1": a timed event needs RFC 3339`},
		{"bad file time", minimal + `, "files": [{"id": "f1", "name": "n", "mimeType": "text/plain", "owner": "a@t.test", "createdTime": "2026-13-01T00:00:00Z", "content": {"text": ""}}]}`,
			`files[0] "f1": createdTime`},
		{"missing attachment file", minimal + `, "events": [{"id": "e1", "calendarId": "a@t.test", "start": "2026-11-20T09:00:00Z", "end": "2026-11-20T10:00:00Z", "attachments": [{"fileId": "nope"}]}]}`,
			`events[0] "e1": attachment fileId "nope"`},
		{"missing parent", minimal + `, "files": [{"id": "f1", "name": "n", "mimeType": "text/plain", "owner": "a@t.test", "createdTime": "2026-11-01T00:00:00Z", "parents": ["nope"], "content": {"text": ""}}]}`,
			`file "f1": parent "nope"`},
		{"missing event", minimal + `, "files": [{"id": "f1", "name": "n", "mimeType": "text/plain", "owner": "a@t.test", "createdTime": "2026-11-01T00:00:00Z", "eventId": "nope", "content": {"text": ""}}]}`,
			`eventId "nope"`},
		{"missing content file", minimal + `, "files": [{"id": "f1", "name": "n", "mimeType": "video/mp4", "owner": "a@t.test", "createdTime": "2026-11-01T00:00:00Z", "content": {"path": "missing.mp4"}}]}`,
			`files[0] "f1": content: open missing.mp4`},
		{"path leaves the directory", minimal + `, "files": [{"id": "f1", "name": "n", "mimeType": "video/mp4", "owner": "a@t.test", "createdTime": "2026-11-01T00:00:00Z", "content": {"path": "../secret"}}]}`,
			`files[0] "f1": content: path "../secret" must be`},
		{"wrong type", `{"domain": "t.test", "people": [{"email": 5}]}`, "line 1, column 44: people.email is number, want a string"},
		{"two content sources", minimal + `, "files": [{"id": "f1", "name": "n", "mimeType": "video/mp4", "owner": "a@t.test", "createdTime": "2026-11-01T00:00:00Z", "content": {"text": "", "generated": {"size": 1}}}]}`,
			"exactly one"},
		{"content on a Doc", minimal + `, "files": [{"id": "f1", "name": "n", "mimeType": "application/vnd.google-apps.document", "owner": "a@t.test", "createdTime": "2026-11-01T00:00:00Z", "content": {"text": ""}}]}`,
			"has no content"},
		{"unknown owner", minimal + `, "calendars": [{"id": "x@group.calendar.google.com", "owner": "b@t.test"}]}`, `owner "b@t.test"`},
		{"bad meet code", minimal + `, "events": [{"id": "e1", "calendarId": "a@t.test", "start": "2026-11-20T09:00:00Z", "end": "2026-11-20T10:00:00Z", "meetCode": "ABC"}]}`,
			`meetCode "ABC"`},
		{"unknown master", minimal + `, "events": [{"id": "e1", "calendarId": "a@t.test", "start": "2026-11-20T09:00:00Z", "end": "2026-11-20T10:00:00Z", "recurringEventId": "nope"}]}`,
			`recurringEventId "nope"`},
		{"bad time zone", minimal + `, "calendars": [{"owner": "a@t.test", "primary": true, "timeZone": "Mars/Olympus"}]}`, `"Mars/Olympus"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := workspace.LoadFS(fstest.MapFS{"ws.json": {Data: []byte(tt.doc)}}, "ws.json")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadFS error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	t.Parallel()
	doc := minimal + `, "events": [{"id": "e1", "calendarId": "nope"}, {"id": "e2", "calendarId": "a@t.test", "status": "maybe", "start": "2026-11-20T09:00:00Z", "end": "2026-11-20T10:00:00Z"}]}`
	_, err := workspace.Load(strings.NewReader(doc))
	for _, want := range []string{`events[0] "e1"`, `events[1] "e2": status "maybe"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load error = %v, want one containing %q", err, want)
		}
	}
}

func TestLoadUsesTheDirectorySpellingOfEmails(t *testing.T) {
	t.Parallel()
	doc := `{"domain": "t.test", "people": [{"email": "ann@t.test"}, {"email": "bob@t.test"}],
		"events": [{"id": "e1", "calendarId": "ann@t.test", "organizer": "ANN@t.test",
			"start": "2026-11-20T09:00:00Z", "end": "2026-11-20T10:00:00Z", "attendees": [{"email": "Bob@T.test"}]}]}`
	w, err := workspace.Load(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	e, ok := w.Event("bob@t.test", "e1")
	if !ok {
		t.Fatal("bob got no copy of the event")
	}
	want := []workspace.Attendee{{Email: "bob@t.test", ResponseStatus: "needsAction"}}
	if diff := cmp.Diff(want, e.Attendees); diff != "" || e.Organizer != "ann@t.test" {
		t.Errorf("organizer %q, attendees (-want +got):\n%s", e.Organizer, diff)
	}
}
