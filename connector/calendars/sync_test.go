package calendars_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

const (
	ada      = "ada@acme.test"
	team     = "c_8f3a9d2b1e@group.calendar.google.com"
	oneOnOne = "oneonone0ada0bob"
)

// ignoreID leaves the opaque meeting id out of comparisons.
var ignoreID = cmpopts.IgnoreFields(calendars.Meeting{}, "ID")

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// oneOnOneAt is an instance of Ada and Bob's weekly 1:1.
func oneOnOneAt(start string) calendars.Meeting {
	t := utc(start)
	return calendars.Meeting{CalendarID: calendars.PrimaryID, EventID: oneOnOne + "_" + t.Format("20060102T150405Z"),
		Title: "Ada / Bob 1:1", Start: t, End: t.Add(30 * time.Minute), MeetCode: "one-sync-bob", Organizer: ada,
		Attendees: []calendars.Attendee{{Email: ada, ResponseStatus: "accepted", Organizer: true},
			{Email: "bob@acme.test", ResponseStatus: "accepted"}}, Status: "confirmed"}
}

// acmeNames are the display names of the acme directory, which Calendar
// gives attendees.
var acmeNames = map[string]string{ada: "Ada Lovelace", "bob@acme.test": "Bob O'Brien", "zoe@acme.test": "Zoë Ångström",
	"lei@acme.test": "李雷", "mallory@acme.test": "Mallory <script>alert(1)</script>"}

// acmeAdaMeetings are Ada's meetings in the acme workspace, with her
// primary and team calendars linked, as of acmeNow.
func acmeAdaMeetings() []calendars.Meeting {
	ms := acmeAdaMeetingsUnnamed()
	for _, m := range ms {
		for i := range m.Attendees {
			m.Attendees[i].DisplayName = acmeNames[m.Attendees[i].Email]
		}
	}
	return ms
}

func acmeAdaMeetingsUnnamed() []calendars.Meeting {
	roadmapAttachments := []calendars.Attachment{
		{FileID: "1acmeDemoRecording", Title: "Quarterly roadmap review - 2026/11/20 15:00 GMT - Recording", MimeType: workspace.MimeMP4,
			FileURL: "https://drive.google.com/open?id=1acmeDemoRecording"},
		{FileID: "1acmeDemoTranscript", Title: "Quarterly roadmap review - 2026/11/20 15:00 GMT - Transcript", MimeType: workspace.MimeDocument,
			FileURL: "https://docs.google.com/document/d/1acmeDemoTranscript/edit"}}
	budgetAttachments := []calendars.Attachment{
		{FileID: "1acmeBudgetRecording", Title: "Budget review 预算 - 2026/11/24 10:00 CST - Recording", MimeType: workspace.MimeMP4,
			FileURL: "https://drive.google.com/open?id=1acmeBudgetRecording"},
		{FileID: "1acmeBudgetTranscript", Title: "Budget review 预算 - 2026/11/24 10:00 CST - Transcript", MimeType: workspace.MimeDocument,
			FileURL: "https://docs.google.com/document/d/1acmeBudgetTranscript/edit"}}
	return []calendars.Meeting{
		oneOnOneAt("2026-11-09T09:00:00Z"),
		oneOnOneAt("2026-11-16T09:00:00Z"),
		{CalendarID: calendars.PrimaryID, EventID: "roadmap20261120", Title: "Quarterly roadmap review",
			Start: utc("2026-11-20T15:00:00Z"), End: utc("2026-11-20T15:30:00Z"), MeetCode: "rdm-qtrl-rev", Organizer: ada,
			Attendees: []calendars.Attendee{{Email: ada, ResponseStatus: "accepted", Organizer: true},
				{Email: "zoe@acme.test", ResponseStatus: "accepted"}, {Email: "lei@acme.test", ResponseStatus: "tentative"},
				{Email: "mallory@acme.test", ResponseStatus: "accepted"}},
			Attachments: roadmapAttachments, Status: "confirmed"},
		{CalendarID: calendars.PrimaryID, EventID: "budget20261124", Title: "Budget review 预算",
			Start: utc("2026-11-24T02:00:00Z"), End: utc("2026-11-24T03:00:00Z"), MeetCode: "bud-gets-rev", Organizer: "lei@acme.test",
			Attendees: []calendars.Attendee{{Email: "lei@acme.test", ResponseStatus: "accepted", Organizer: true},
				{Email: ada, ResponseStatus: "accepted"}, {Email: "bob@acme.test", ResponseStatus: "declined"}},
			Attachments: budgetAttachments, Status: "confirmed"},
		oneOnOneAt("2026-11-30T09:00:00Z"),
		{CalendarID: team, EventID: "offsite202612", Title: "Company offsite", Start: utc("2026-12-03T00:00:00Z"),
			End: utc("2026-12-05T00:00:00Z"), AllDay: true, Organizer: ada, Status: "confirmed"},
		oneOnOneAt("2026-12-07T09:00:00Z"),
		oneOnOneAt("2026-12-14T09:00:00Z"),
	}
}

func TestSyncFullThenIncremental(t *testing.T) {
	t.Parallel()
	h := newHarness(t, acme(t), acmeNow, 1)
	user := h.Authorize(t, ada, calendarScopes...)
	if got, want := h.linkAll(t, user), []string{calendars.PrimaryID, team}; !cmp.Equal(got, want) {
		t.Fatalf("choices = %v, want %v", got, want)
	}

	st := h.sync(t, user)
	want := acmeAdaMeetings()
	if diff := cmp.Diff(want, h.meetings(t, user), ignoreID); diff != "" {
		t.Fatalf("after the full sync (-want +got):\n%s", diff)
	}
	wantStats := calendars.Stats{Calendars: []calendars.CalendarStats{
		{CalendarID: calendars.PrimaryID, Requests: 1, Full: true, Stored: 7},
		{CalendarID: team, Requests: 1, Full: true, Stored: 1}}}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("full sync stats (-want +got):\n%s", diff)
	}

	// Changes at Google: a renamed meeting, a cancelled one, a new one, and
	// one moved out of the window.
	roadmap, _ := h.Workspace.Event(ada, "roadmap20261120")
	roadmap.Summary = "Roadmap review (moved)"
	h.Workspace.PutEvent(roadmap)
	if err := h.Workspace.CancelEvent(ada, "budget20261124"); err != nil {
		t.Fatal(err)
	}
	h.Workspace.PutEvent(workspace.Event{ID: "retro20261125", CalendarID: team, Summary: "Retro", Status: workspace.StatusConfirmed,
		Start: utc("2026-11-25T10:00:00Z"), End: utc("2026-11-25T11:00:00Z"), Organizer: ada, MeetCode: "ret-roro-abc"})
	offsite, _ := h.Workspace.Event(team, "offsite202612")
	offsite.StartDate, offsite.EndDate = "2027-03-01", "2027-03-03"
	offsite.Start, offsite.End = utc("2027-03-01T00:00:00Z"), utc("2027-03-03T00:00:00Z")
	h.Workspace.PutEvent(offsite)

	st = h.sync(t, user)
	before := acmeAdaMeetings()
	before[2].Title = "Roadmap review (moved)"
	retro := calendars.Meeting{CalendarID: team, EventID: "retro20261125", Title: "Retro", Start: utc("2026-11-25T10:00:00Z"),
		End: utc("2026-11-25T11:00:00Z"), MeetCode: "ret-roro-abc", Organizer: ada, Status: "confirmed"}
	// Budget (3) is cancelled, the retro is new, the offsite (5) moved away.
	want = []calendars.Meeting{before[0], before[1], before[2], retro, before[4], before[6], before[7]}
	if diff := cmp.Diff(want, h.meetings(t, user), ignoreID); diff != "" {
		t.Fatalf("after the incremental sync (-want +got):\n%s", diff)
	}
	wantStats = calendars.Stats{Calendars: []calendars.CalendarStats{
		{CalendarID: calendars.PrimaryID, Requests: 1, Stored: 1, Removed: 1},
		{CalendarID: team, Requests: 1, Stored: 1, Removed: 1}}}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("incremental sync stats (-want +got):\n%s", diff)
	}

	// Every request went through the door for the meetings purpose.
	p, err := h.Trail.Query(context.Background(), audit.Filter{UserID: user, Raw: true, Limit: audit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Entries {
		if e.Event == audit.EventActivity && e.Purpose != string(scopes.PurposeMeetings) {
			t.Errorf("audit entry %s %s has purpose %q", e.MethodName, e.Resource, e.Purpose)
		}
	}
}

func TestSyncExpiredTokenReconciles(t *testing.T) {
	t.Parallel()
	h := newHarness(t, acme(t), acmeNow, 1)
	user := h.Authorize(t, ada, calendarScopes...)
	h.linkAll(t, user)
	h.sync(t, user)

	// The roadmap meeting is cancelled while Google forgets the user's sync
	// tokens: the full syncs do not list it, and reconciling removes it.
	if err := h.Workspace.CancelEvent(ada, "roadmap20261120"); err != nil {
		t.Fatal(err)
	}
	h.Fake.AddFault(googletest.Fault{Method: "calendar.events.list", Kind: googletest.FaultExpireSyncTokens, Count: 1})
	h.Fake.ResetRequests()
	st := h.sync(t, user)
	want := acmeAdaMeetings()
	want = append(want[:2], want[3:]...)
	if diff := cmp.Diff(want, h.meetings(t, user), ignoreID); diff != "" {
		t.Fatalf("after the resync (-want +got):\n%s", diff)
	}
	wantStats := calendars.Stats{Calendars: []calendars.CalendarStats{
		{CalendarID: calendars.PrimaryID, Requests: 2, Full: true, Stored: 6, Removed: 1},
		{CalendarID: team, Requests: 2, Full: true, Stored: 1}}}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	var statuses []int
	for _, r := range h.eventLists() {
		statuses = append(statuses, r.Status)
	}
	if want := []int{410, 200, 410, 200}; !cmp.Equal(statuses, want) {
		t.Errorf("events.list statuses = %v, want %v", statuses, want)
	}
}

func TestSyncFailureKeepsCopy(t *testing.T) {
	t.Parallel()
	h := newHarness(t, acme(t), acmeNow, 1)
	user := h.Authorize(t, ada, calendarScopes...)
	h.linkAll(t, user)
	h.sync(t, user)
	if err := h.Workspace.CancelEvent(ada, "roadmap20261120"); err != nil {
		t.Fatal(err)
	}
	h.Fake.AddFault(googletest.Fault{Method: "calendar.events.list", User: ada, Kind: googletest.FaultUnavailable})

	st, err := h.syncer.Sync(context.Background(), user)
	if err == nil {
		t.Fatal("Sync succeeded while Google was unavailable")
	}
	if got, want := st.Requests(), 2*fastRetry.MaxAttempts; got != want {
		t.Errorf("requests = %d, want %d (every attempt of both calendars)", got, want)
	}
	if diff := cmp.Diff(acmeAdaMeetings(), h.meetings(t, user), ignoreID); diff != "" {
		t.Errorf("the previous copy changed (-want +got):\n%s", diff)
	}
	links, err := h.store.Links(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		wantDetail := fmt.Sprintf("Google answered 503 backendError: The service is currently unavailable. (after %d attempts)", fastRetry.MaxAttempts)
		if l.SyncError != "transient.backendError" || l.SyncErrorDetail != wantDetail {
			t.Errorf("calendar %s: failure %q %q, want transient.backendError %q", l.ID, l.SyncError, l.SyncErrorDetail, wantDetail)
		}
	}

	// Google is back: the next sync succeeds and clears the reasons.
	h.Fake.ClearFaults()
	h.sync(t, user)
	links, _ = h.store.Links(context.Background(), user)
	for _, l := range links {
		if l.SyncError != "" || l.SyncErrorDetail != "" || l.SyncedAt.IsZero() {
			t.Errorf("calendar %s after recovery: failure %q %q, SyncedAt %v", l.ID, l.SyncError, l.SyncErrorDetail, l.SyncedAt)
		}
	}
	if got := len(h.meetings(t, user)); got != len(acmeAdaMeetings())-1 {
		t.Errorf("%d meetings after recovery, want %d", got, len(acmeAdaMeetings())-1)
	}
}

func TestSyncDailyFullSync(t *testing.T) {
	t.Parallel()
	now := acmeNow
	h := newHarness(t, acme(t), acmeNow, 1)
	var err error
	h.syncer, err = calendars.NewSyncer(calendars.Options{Store: h.store, Clients: h.Door, Grants: h.Grants,
		Endpoint: h.URLs.CalendarBase, Retry: fastRetry, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	user := h.Authorize(t, ada, calendarScopes...)
	h.linkAll(t, user)
	for _, step := range []struct {
		advance time.Duration
		full    bool
	}{{0, true}, {time.Hour, false}, {23 * time.Hour, true}, {time.Hour, false}} {
		now = now.Add(step.advance)
		st := h.sync(t, user)
		for _, c := range st.Calendars {
			if c.Full != step.full {
				t.Errorf("after %v: calendar %s Full = %v, want %v", step.advance, c.CalendarID, c.Full, step.full)
			}
		}
	}
}

func TestSyncNoLinks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, acme(t), acmeNow, 1)
	user := h.Authorize(t, ada, calendarScopes...)
	st := h.sync(t, user)
	if st.Requests() != 0 || len(h.Fake.Requests()) != 3 { // authorize, consent, token
		t.Errorf("a sync without linked calendars sent requests: %+v, fake saw %d", st, len(h.Fake.Requests()))
	}
	if !strings.HasPrefix(h.Fake.Requests()[0].MethodID, "oauth.") {
		t.Errorf("unexpected request %+v", h.Fake.Requests()[0])
	}
	if _, err := h.store.Meeting(context.Background(), user, "nope"); !errors.Is(err, calendars.ErrNotFound) {
		t.Errorf("Meeting(unknown) = %v, want ErrNotFound", err)
	}
}
