package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
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
		Start: meetingsNow.Add(48 * time.Hour), End: meetingsNow.Add(49 * time.Hour), Organizer: "bob@example.com", Status: "tentative",
		Attendees: []calendars.Attendee{{Email: "a@example.com"}, {Email: "b@example.com", DisplayName: "Bea"}, {Email: "c@example.com"},
			{Email: "d@example.com"}, {Email: "e@example.com"}}}
	offsite = calendars.Meeting{ID: "m-offsite", CalendarID: teamCalendar.ID, EventID: "offsite", Title: "Offsite",
		Start: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), AllDay: true,
		Status: "confirmed"}
	review = calendars.Meeting{ID: "m-review", CalendarID: calendars.PrimaryID, EventID: "review", Title: "Review",
		Start: meetingsNow.Add(-50 * time.Hour), End: meetingsNow.Add(-49 * time.Hour), MeetCode: "rev-iewx-abc", Status: "confirmed"}
)

// withCalendars gives bob a grant of calendar.readonly, or of
// calendar.events.readonly alone when primaryOnly.
func withCalendars(h *harness, primaryOnly bool) {
	sc := []string{scopes.OpenID, scopes.Email, scopes.CalendarReadonly, scopes.CalendarEventsReadonly}
	if primaryOnly {
		sc = []string{scopes.OpenID, scopes.Email, scopes.CalendarEventsReadonly}
	}
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive, Scopes: sc})
}

// bobsPrimary is bob's primary calendar, in Paris.
var bobsPrimary = calendars.Calendar{ID: calendars.PrimaryID, Summary: "bob@example.com", Primary: true, TimeZone: "Europe/Paris"}

// withBobsMeetings gives bob two linked calendars and four meetings, with
// a recording downloaded and a transcript that failed for the standup.
func withBobsMeetings(f *fakeCalendars) {
	f.links[bob.ID] = []calendars.Link{
		{Calendar: bobsPrimary, SyncedAt: meetingsNow},
		{Calendar: teamCalendar, SyncError: "transient.backendError",
			SyncErrorDetail: "Google answered 503 backendError (after 6 attempts)"}}
	f.meetings[bob.ID] = []calendars.Meeting{review, standup, planning, offsite}
	f.files[standup.ID] = []recordings.Recording{
		{FileID: "rec1", Kind: recordings.KindRecording, Name: "Standup - Recording", State: recordings.StateDownloaded},
		{FileID: "tr1", Kind: recordings.KindTranscript, Name: "Standup - Transcript", State: recordings.StateFailed,
			Reason: recordings.CodeExportTooLarge}}
}

// withBobsAccessAndMeetings is withBobsMeetings with calendar access.
func withBobsAccessAndMeetings(h *harness, f *fakeCalendars) {
	withCalendars(h, false)
	withBobsMeetings(f)
}

func TestMeetingsPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		recordings bool
		setup      func(h *harness, f *fakeCalendars)
		path       string
		status     int
		want       map[string]string
		absent     []string
	}{
		{
			name: "no calendar access", path: "/meetings", status: http.StatusOK,
			want: map[string]string{
				`#no-access form[action="/link/calendars"] button`: "Grant calendar access",
				"#window":                 "From Fri 23 Oct 2026 to Tue 22 Dec 2026. Times in UTC",
				`nav a[href="/meetings"]`: "Meetings",
			},
			absent: []string{"table", "form#sync", "#no-calendars", "#sync-progress"},
		},
		{
			name: "calendar access suspended", path: "/meetings", status: http.StatusOK,
			setup: func(h *harness, _ *fakeCalendars) {
				h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
					Scopes: []string{scopes.OpenID, scopes.CalendarReadonly}, Suspended: []string{scopes.CalendarReadonly}})
			},
			want:   map[string]string{"#suspended": "An admin suspended"},
			absent: []string{"#no-access", "#no-calendars", "form#sync"},
		},
		{
			name: "granted, no calendar linked", path: "/meetings", status: http.StatusOK,
			setup: func(h *harness, _ *fakeCalendars) { withCalendars(h, false) },
			want: map[string]string{
				"#no-calendars": "No calendar is linked yet",
				`#no-calendars form#link-primary[method=post][action="/calendars"] input[name=calendar][value=primary]`: "",
				"#no-calendars form#link-primary button": "Link my primary calendar",
				`#no-calendars a[href="/calendars"]`:     "choose the calendars",
			},
			absent: []string{"#no-access", "#primary-only", "form#sync"},
		},
		{
			name: "only calendar.events.readonly", path: "/meetings", status: http.StatusOK,
			setup: func(h *harness, _ *fakeCalendars) { withCalendars(h, true) },
			want: map[string]string{
				"#primary-only": "your primary calendar is the one you have",
				`#primary-only form[action="/link/calendars"] button`: "Grant calendar.readonly",
				"#no-calendars form#link-primary button":              "Link my primary calendar",
			},
		},
		{
			name: "linked, not synced yet", path: "/meetings", status: http.StatusOK,
			setup: func(h *harness, f *fakeCalendars) {
				withCalendars(h, false)
				f.links[bob.ID] = []calendars.Link{{Calendar: calendars.Calendar{ID: calendars.PrimaryID, Summary: "Primary calendar", Primary: true}}}
			},
			want: map[string]string{
				"#not-synced": "not synced yet. Press “Sync now”",
				`form#sync[action="/meetings/sync"] button.primary`: "Sync now",
			},
			absent: []string{"#no-calendars", "#no-meetings", "#sync-progress"},
		},
		{
			name: "sync running", path: "/meetings", status: http.StatusOK,
			setup: func(h *harness, f *fakeCalendars) {
				withCalendars(h, false)
				f.links[bob.ID] = []calendars.Link{{Calendar: bobsPrimary}, {Calendar: teamCalendar}}
				f.progress[bob.ID] = calendars.Progress{Running: true, Calendars: 2, Synced: 1}
			},
			want: map[string]string{
				`#sync-progress[data-progress="/meetings/sync/progress"][aria-live=polite] progress[max="100"][value="50"]`: "50%",
				"#sync-progress [data-progress-text]":    "Syncing your calendars: 1 of 2 done.",
				`head script[src="/static/progress.js"]`: "",
				"#not-synced":                            "the sync is running",
			},
			absent: []string{"form#sync"},
		},
		{
			name: "synced, no meetings", path: "/meetings", status: http.StatusOK,
			setup: func(h *harness, f *fakeCalendars) {
				withCalendars(h, false)
				f.links[bob.ID] = []calendars.Link{{Calendar: bobsPrimary, SyncedAt: meetingsNow}}
			},
			want: map[string]string{
				"#no-meetings": "No meetings from Fri 23 Oct 2026 to Tue 22 Dec 2026 on bob@example.com: ScopeTrail searched 30 days back and 30 days ahead.",
				"#zone":        "Europe/Paris",
				"#synced":      "bob@example.com (synced Sun 22 Nov 2026 13:00 CET)",
			},
			absent: []string{"table", "#not-synced", "#no-calendars"},
		},
		{
			name: "meetings with recordings, in the primary calendar's zone", recordings: true, setup: withBobsAccessAndMeetings, path: "/meetings",
			status: http.StatusOK,
			want: map[string]string{
				"#window": "the time zone of bob@example.com.", "#window #zone": "Europe/Paris",
				`#zone-picker[method=get] label[for=tz]`:                                 "Time zone",
				`#zone-picker select#tz[name=tz] option[value="Europe/Paris"][selected]`: "Europe/Paris",
				"#synced":     "bob@example.com (synced Sun 22 Nov 2026 13:00 CET); Team <b>cal</b> (synced not yet)",
				".sync-error": "Team <b>cal</b>: the last sync failed. Google did not answer properly. Google answered 503",
				`form#sync[action="/meetings/sync"] input[name=csrf_token]`: "",
				".table-wrap table.data.meetings thead th[scope=col]":       "When",
				"tr#meeting-m-standup .when":                                "Sat 21 Nov 2026, 11:00–12:00 CET",
				"tr#meeting-m-standup .calendar":                            "bob@example.com",
				`tr#meeting-m-standup a.title[href="/meetings/m-standup"]`:  "Standup <script>x</script>",
				"tr#meeting-m-standup .meet":                                "Meet",
				"tr#meeting-m-standup .attendees":                           "Alice Admin, bob@example.com",
				"tr#meeting-m-standup .files .file":                         "recording: downloaded",
				"tr#meeting-m-standup .files .failed":                       "transcript: failed (Drive cannot export this transcript: it is larger than 10 MB.)",
				"tr#meeting-m-review .files":                                "none found",
				"tr#meeting-m-planning":                                     "tentative",
				"tr#meeting-m-planning .attendees":                          "a@example.com, Bea, c@example.com and 2 more",
				"tr#meeting-m-offsite .when":                                "Thu 3 Dec 2026 – Fri 4 Dec 2026, all day",
				"tr#meeting-m-offsite .calendar":                            "Team <b>cal</b>",
				"tr.past .title":                                            "Review",
				"thead":                                                     "Recording and transcript",
			},
			absent: []string{"#no-calendars", "tr#meeting-m-planning .meet", "tr#meeting-m-planning .files .file", "script:not([src])",
				"tr#meeting-m-planning.past", "#sync-progress"},
		},
		{
			name: "meetings in a zone the URL chose", setup: withBobsAccessAndMeetings, path: "/meetings?tz=Asia/Tokyo", status: http.StatusOK,
			want: map[string]string{
				"#window #zone": "Asia/Tokyo",
				`select#tz option[value="Asia/Tokyo"][selected]`:                           "Asia/Tokyo",
				`form#sync input[type=hidden][name=tz][value="Asia/Tokyo"]`:                "",
				"tr#meeting-m-standup .when":                                               "Sat 21 Nov 2026, 19:00–20:00 JST",
				`tr#meeting-m-standup a.title[href="/meetings/m-standup?tz=Asia%2FTokyo"]`: "Standup",
				"tr#meeting-m-offsite .when":                                               "Thu 3 Dec 2026 – Fri 4 Dec 2026, all day",
			},
			absent: []string{".files", `option[value="Europe/Paris"][selected]`},
		},
		{
			name: "an unknown zone", setup: withBobsAccessAndMeetings, path: "/meetings?tz=Mars/Olympus", status: http.StatusBadRequest,
			want: map[string]string{"#error": `There is no time zone named "Mars/Olympus". Choose one from the list`},
		},
		{
			name: "the server's own zone", setup: withBobsAccessAndMeetings, path: "/meetings?tz=Local", status: http.StatusBadRequest,
			want: map[string]string{"#error": `There is no time zone named "Local".`},
		},
		{
			name: "a meeting", recordings: true, setup: withBobsAccessAndMeetings, path: "/meetings/m-standup", status: http.StatusOK,
			want: map[string]string{
				"title":      "Standup <script>x</script> · ScopeTrail",
				"h1":         "Standup <script>x</script>",
				"#when":      "Sat 21 Nov 2026, 11:00–12:00 CET",
				"#calendar":  "bob@example.com",
				"#zone-from": "Times are in the time zone of bob@example.com",
				"#organizer": "alice@example.com",
				"#meet code": "abc-mnop-xyz",
				`#zone-picker option[value="Europe/Paris"][selected]`: "Europe/Paris",
				"#attendees": "Alice Admin alice@example.com accepted organizer",
				`#attachments a[href="https://drive.google.com/open?id=rec1"]`: "Standup - Recording",
				"#files .file":   "recording Standup - Recording: downloaded",
				"#files .failed": "transcript Standup - Transcript: failed (Drive cannot export this transcript: it is larger than 10 MB.)",
			},
			absent: []string{"script:not([src])", "#no-attendees"},
		},
		{
			name: "a meeting in a zone the URL chose", setup: withBobsAccessAndMeetings, path: "/meetings/m-standup?tz=America/New_York", status: http.StatusOK,
			want: map[string]string{
				"#when": "Sat 21 Nov 2026, 05:00–06:00 EST",
				`a[href="/meetings?tz=America%2FNew_York"]`: "All meetings",
			},
		},
		{
			name: "an all-day meeting without guests", recordings: true, setup: withBobsAccessAndMeetings, path: "/meetings/m-offsite", status: http.StatusOK,
			want: map[string]string{
				"#when":         "Thu 3 Dec 2026 – Fri 4 Dec 2026, all day",
				"#calendar":     "Team <b>cal</b>",
				"#meet":         "not a Meet meeting",
				"#no-attendees": "No guests",
				"#no-files":     "None yet",
			},
			absent: []string{"#attachments", "#files"},
		},
		{
			name: "another user's meeting", setup: withBobsAccessAndMeetings, path: "/meetings/m-nope", status: http.StatusNotFound,
			want: map[string]string{"#error p": "could not find that page"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, f := newCalendarsHarness(t, tc.recordings)
			if tc.setup != nil {
				tc.setup(h, f)
			}
			h.signIn(bob)
			r := h.get(tc.path)
			h.expectStatus(r, tc.status)
			checkPage(t, r, tc.want, tc.absent)
		})
	}
}

// TestMeetingsSyncProgress checks the progress poll of the meetings page:
// how far the sync is, and done once it finished.
func TestMeetingsSyncProgress(t *testing.T) {
	t.Parallel()
	h, f := newCalendarsHarness(t, false)
	withBobsAccessAndMeetings(h, f)
	h.signIn(bob)
	for _, tc := range []struct {
		progress calendars.Progress
		want     string
	}{
		{calendars.Progress{Running: true, Calendars: 3, Synced: 1}, `{"percent":33,"text":"Syncing your calendars: 1 of 3 done.","done":false}`},
		{calendars.Progress{Calendars: 3, Synced: 3}, `{"percent":100,"text":"Sync finished.","done":true}`},
	} {
		f.mu.Lock()
		f.progress[bob.ID] = tc.progress
		f.mu.Unlock()
		r := h.get("/meetings/sync/progress")
		h.expectStatus(r, http.StatusOK)
		if got := strings.TrimSpace(r.Content); got != tc.want || r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("progress %+v: %s (Cache-Control %q), want %s", tc.progress, got, r.Header.Get("Cache-Control"), tc.want)
		}
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
	if r.Location() != "/meetings" {
		t.Errorf("Location = %q", r.Location())
	}
	if diff := cmp.Diff([]string{bob.ID}, f.enqueued); diff != "" {
		t.Errorf("enqueued (-want +got):\n%s", diff)
	}
	if got := h.get("/meetings").TextOf(t, ".flash"); got != "A sync of your calendars is queued." {
		t.Errorf("flash after Sync now: %q", got)
	}
	for _, tc := range []struct {
		zone     string
		status   int
		location string
	}{
		{"Asia/Tokyo", http.StatusSeeOther, "/meetings?tz=Asia%2FTokyo"},
		{"Mars/Olympus", http.StatusBadRequest, ""},
	} {
		r := h.post("/meetings/sync", url.Values{"tz": {tc.zone}})
		h.expectStatus(r, tc.status)
		if r.Location() != tc.location {
			t.Errorf("Sync now in %s: Location = %q, want %q", tc.zone, r.Location(), tc.location)
		}
	}
}
