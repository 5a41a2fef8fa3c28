package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// Meetings of bob's the pages show.
var (
	standup = calendars.Meeting{ID: "m-standup", CalendarID: calendars.PrimaryID, EventID: "standup", Title: "Standup <script>x</script>",
		Start: meetingsNow.Add(-26 * time.Hour), End: meetingsNow.Add(-25 * time.Hour), MeetCode: "abc-mnop-xyz",
		Organizer: "alice@example.com", Status: "confirmed",
		Attendees: []calendars.Attendee{{Email: "alice@example.com", DisplayName: "Alice Admin", ResponseStatus: "accepted", Organizer: true},
			{Email: "bob@example.com", ResponseStatus: "tentative"}},
		Attachments: []calendars.Attachment{{FileID: "rec1", Title: "Standup - Recording", MimeType: "video/mp4",
			FileURL: "https://drive.google.com/open?id=rec1"}}}
	planning = calendars.Meeting{ID: "m-planning", CalendarID: calendars.PrimaryID, EventID: "planning", Title: "Planning",
		Start: meetingsNow.Add(48 * time.Hour), End: meetingsNow.Add(49 * time.Hour), Organizer: "bob@example.com", Status: "tentative"}
	offsite = calendars.Meeting{ID: "m-offsite", CalendarID: teamCalendar.ID, EventID: "offsite", Title: "Offsite",
		Start: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), AllDay: true,
		Status: "confirmed"}
	review = calendars.Meeting{ID: "m-review", CalendarID: calendars.PrimaryID, EventID: "review", Title: "Review",
		Start: meetingsNow.Add(-50 * time.Hour), End: meetingsNow.Add(-49 * time.Hour), MeetCode: "rev-iewx-abc", Status: "confirmed"}
)

// withBobsMeetings gives bob two linked calendars and four meetings, with
// a recording downloaded and a transcript that failed for the standup.
func withBobsMeetings(f *fakeCalendars) {
	f.links[bob.ID] = []calendars.Link{
		{Calendar: calendars.Calendar{ID: calendars.PrimaryID, Summary: "bob@example.com", Primary: true}, SyncedAt: meetingsNow},
		{Calendar: teamCalendar, SyncError: "transient.backendError",
			SyncErrorDetail: "Google answered 503 backendError (after 6 attempts)"}}
	f.meetings[bob.ID] = []calendars.Meeting{review, standup, planning, offsite}
	f.files[standup.ID] = []recordings.Recording{
		{FileID: "rec1", Kind: recordings.KindRecording, Name: "Standup - Recording", State: recordings.StateDownloaded},
		{FileID: "tr1", Kind: recordings.KindTranscript, Name: "Standup - Transcript", State: recordings.StateFailed,
			Reason: recordings.CodeExportTooLarge}}
}

func TestMeetingsPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		recordings bool
		setup      func(f *fakeCalendars)
		path       string
		status     int
		want       map[string]string
		absent     []string
	}{
		{
			name: "no calendar linked", path: "/meetings", status: http.StatusOK,
			want: map[string]string{
				`#no-calendars a[href="/calendars"]`: "Choose the calendars",
				"#window":                            "From Fri 23 Oct 2026 to Tue 22 Dec 2026",
				`nav a[href="/meetings"]`:            "Meetings",
			},
			absent: []string{"table", "form#sync", "#queued"},
		},
		{
			name: "meetings with recordings", recordings: true, setup: withBobsMeetings, path: "/meetings?sync=queued", status: http.StatusOK,
			want: map[string]string{
				"#queued":     "sync of your calendars is queued",
				"#synced":     "bob@example.com (synced Sun 22 Nov 2026 12:00 UTC); Team <b>cal</b> (synced not yet)",
				".sync-error": "Team <b>cal</b>: the last sync failed. Google did not answer properly. Google answered 503",
				`form#sync[action="/meetings/sync"] input[name=csrf_token]`: "",
				"tr#meeting-m-standup .when":                                "Sat 21 Nov 2026, 10:00–11:00 UTC",
				`tr#meeting-m-standup a.title[href="/meetings/m-standup"]`:  "Standup <script>x</script>",
				"tr#meeting-m-standup .meet":                                "Meet",
				"tr#meeting-m-standup .attendees":                           "Alice Admin, bob@example.com",
				"tr#meeting-m-standup .files .file":                         "recording: downloaded",
				"tr#meeting-m-standup .files .failed":                       "transcript: failed (Drive cannot export this transcript: it is larger than 10 MB.)",
				"tr#meeting-m-review .files":                                "none found",
				"tr#meeting-m-planning":                                     "tentative",
				"tr#meeting-m-offsite .when":                                "Thu 3 Dec 2026 – Fri 4 Dec 2026, all day",
				"tr.past .title":                                            "Review",
				"thead":                                                     "Recording and transcript",
			},
			absent: []string{"#no-calendars", "tr#meeting-m-planning .meet", "tr#meeting-m-planning .files .file", "script",
				"tr#meeting-m-planning.past"},
		},
		{
			name: "meetings without recording status", setup: withBobsMeetings, path: "/meetings", status: http.StatusOK,
			want:   map[string]string{"tr#meeting-m-standup .meet": "Meet"},
			absent: []string{".files", "#queued"},
		},
		{
			name: "a meeting", recordings: true, setup: withBobsMeetings, path: "/meetings/m-standup", status: http.StatusOK,
			want: map[string]string{
				"title":      "Standup <script>x</script> · ScopeTrail",
				"h1":         "Standup <script>x</script>",
				"#when":      "Sat 21 Nov 2026, 10:00–11:00 UTC",
				"#organizer": "alice@example.com",
				"#meet code": "abc-mnop-xyz",
				"#attendees": "Alice Admin alice@example.com accepted organizer",
				`#attachments a[href="https://drive.google.com/open?id=rec1"]`: "Standup - Recording",
				"#files .file":   "recording Standup - Recording: downloaded",
				"#files .failed": "transcript Standup - Transcript: failed (Drive cannot export this transcript: it is larger than 10 MB.)",
			},
			absent: []string{"script", "#no-attendees"},
		},
		{
			name: "an all-day meeting without guests", recordings: true, setup: withBobsMeetings, path: "/meetings/m-offsite", status: http.StatusOK,
			want: map[string]string{
				"#when":         "Thu 3 Dec 2026 – Fri 4 Dec 2026, all day",
				"#meet":         "not a Meet meeting",
				"#no-attendees": "No guests",
				"#no-files":     "None yet",
			},
			absent: []string{"#attachments", "#files"},
		},
		{
			name: "another user's meeting", setup: withBobsMeetings, path: "/meetings/m-nope", status: http.StatusNotFound,
			want: map[string]string{"#error p": "could not find that page"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, f := newCalendarsHarness(t, tc.recordings)
			if tc.setup != nil {
				tc.setup(f)
			}
			h.signIn(bob)
			r := h.get(tc.path)
			h.expectStatus(r, tc.status)
			checkPage(t, r, tc.want, tc.absent)
		})
	}
}

func TestMeetingsNeedSignIn(t *testing.T) {
	t.Parallel()
	h, _ := newCalendarsHarness(t, true)
	for _, path := range []string{"/meetings", "/meetings/m-standup", "/calendars"} {
		r := h.get(path)
		if r.StatusCode != http.StatusSeeOther || r.Location() != "/" {
			t.Errorf("GET %s anonymously: %d to %q, want 303 to /", path, r.StatusCode, r.Location())
		}
	}
}

func TestSyncMeetings(t *testing.T) {
	t.Parallel()
	h, f := newCalendarsHarness(t, false)
	h.signIn(bob)
	r := h.post("/meetings/sync", nil)
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/meetings?sync=queued" {
		t.Errorf("Location = %q", r.Location())
	}
	if diff := cmp.Diff([]string{bob.ID}, f.enqueued); diff != "" {
		t.Errorf("enqueued (-want +got):\n%s", diff)
	}
}
