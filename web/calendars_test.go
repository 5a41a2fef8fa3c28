package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// meetingsNow is the fake calendars' clock.
var meetingsNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// fakeCalendars serves the calendars and meetings pages from memory:
// it is Calendars, Meetings, CalendarSyncs and RecordingStatus.
type fakeCalendars struct {
	mu       sync.Mutex
	choices  map[string]calendars.Choices // by user; missing means ErrNoAccess
	links    map[string][]calendars.Link
	meetings map[string][]calendars.Meeting
	files    map[string][]recordings.Recording // by meeting id
	linked   map[string][]string               // what Link was given, by user
	enqueued []string
}

var (
	_ Calendars       = (*fakeCalendars)(nil)
	_ Meetings        = (*fakeCalendars)(nil)
	_ CalendarSyncs   = (*fakeCalendars)(nil)
	_ RecordingStatus = (*fakeCalendars)(nil)
)

func newFakeCalendars() *fakeCalendars {
	return &fakeCalendars{choices: map[string]calendars.Choices{}, links: map[string][]calendars.Link{},
		meetings: map[string][]calendars.Meeting{}, files: map[string][]recordings.Recording{}, linked: map[string][]string{}}
}

func (f *fakeCalendars) Choices(_ context.Context, userID string) (calendars.Choices, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch, ok := f.choices[userID]
	if !ok {
		return calendars.Choices{}, fmt.Errorf("choices of %s: %w", userID, calendars.ErrNoAccess)
	}
	return ch, nil
}

func (f *fakeCalendars) Link(_ context.Context, userID string, ids []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		if !slices.ContainsFunc(f.choices[userID].Calendars, func(c calendars.Calendar) bool { return c.ID == id }) {
			return fmt.Errorf("linking %q: %w", id, calendars.ErrUnknownCalendar)
		}
	}
	f.linked[userID] = ids
	return nil
}

func (f *fakeCalendars) EnqueueCalendarSync(_ context.Context, userID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enqueued = append(f.enqueued, userID)
	return nil
}

func (f *fakeCalendars) Window() (from, to time.Time) { return calendars.Window(meetingsNow) }

func (f *fakeCalendars) Meetings(_ context.Context, userID string, from, to time.Time) ([]calendars.Meeting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []calendars.Meeting
	for _, m := range f.meetings[userID] {
		if m.End.After(from) && m.Start.Before(to) {
			out = append(out, m)
		}
	}
	return out, nil
}

func (f *fakeCalendars) Meeting(_ context.Context, userID, id string) (calendars.Meeting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.meetings[userID] {
		if m.ID == id {
			return m, nil
		}
	}
	return calendars.Meeting{}, fmt.Errorf("meeting %s: %w", id, calendars.ErrNotFound)
}

func (f *fakeCalendars) Links(_ context.Context, userID string) ([]calendars.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.links[userID], nil
}

func (f *fakeCalendars) ForMeetings(_ context.Context, _ string, ids []string) (map[string][]recordings.Recording, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]recordings.Recording{}
	for _, id := range ids {
		if fs, ok := f.files[id]; ok {
			out[id] = fs
		}
	}
	return out, nil
}

// newCalendarsHarness is newHarness with the calendars and meetings pages
// served by a fakeCalendars; without recordings, RecordingStatus stays nil.
func newCalendarsHarness(t *testing.T, withRecordings bool) (*harness, *fakeCalendars) {
	t.Helper()
	h := newHarness(t)
	f := newFakeCalendars()
	deps := h.deps()
	deps.Calendars = &CalendarPages{Calendars: f, Meetings: f, Syncs: f}
	if withRecordings {
		deps.Calendars.Recordings = f
	}
	cfg := h.config()
	cfg.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	h.serve(cfg, deps)
	return h, f
}

// teamCalendar is a secondary calendar bob can link.
var teamCalendar = calendars.Calendar{ID: "team@group.calendar.google.com", Summary: "Team <b>cal</b>", AccessRole: "reader"}

func TestCalendarsPage(t *testing.T) {
	t.Parallel()
	primary := calendars.Calendar{ID: calendars.PrimaryID, Summary: "bob@example.com", Primary: true, AccessRole: "owner"}
	tests := []struct {
		name   string
		setup  func(f *fakeCalendars)
		want   map[string]string
		absent []string
	}{
		{
			name:   "no calendar scope",
			want:   map[string]string{`#no-access form[action="/link/calendars"] button`: "Link calendars"},
			absent: []string{"form#choose", "#primary-only"},
		},
		{
			name: "primary only",
			setup: func(f *fakeCalendars) {
				f.choices[bob.ID] = calendars.Choices{PrimaryOnly: true, Linked: map[string]bool{},
					Calendars: []calendars.Calendar{{ID: calendars.PrimaryID, Summary: "Primary calendar", Primary: true}}}
			},
			want: map[string]string{
				"#primary-only": "only your primary calendar can be linked",
				`form#choose[method=post][action="/calendars"] input[name=csrf_token]`: "",
				`#calendar-0 input[type=checkbox][name=calendar][value=primary]`:       "",
				"#calendar-0 .summary": "Primary calendar",
			},
			absent: []string{"#calendar-1", "input[checked]", "#no-access"},
		},
		{
			name: "calendar list with sync state",
			setup: func(f *fakeCalendars) {
				f.choices[bob.ID] = calendars.Choices{Linked: map[string]bool{calendars.PrimaryID: true, teamCalendar.ID: true},
					Calendars: []calendars.Calendar{primary, teamCalendar}}
				f.links[bob.ID] = []calendars.Link{
					{Calendar: primary, LinkedAt: meetingsNow, SyncedAt: meetingsNow},
					{Calendar: teamCalendar, LinkedAt: meetingsNow, SyncError: "transient.backendError",
						SyncErrorDetail: "Google answered 503 backendError (after 6 attempts)"}}
			},
			want: map[string]string{
				"#calendar-0 input[checked][value=primary]": "",
				"#calendar-0 .tier":                         "primary",
				"#calendar-0 .sync":                         "Synced 2026-11-22 12:00 UTC",
				`#calendar-1 input[checked][value="team@group.calendar.google.com"]`: "",
				"#calendar-1 .summary": "Team <b>cal</b>",
				"#calendar-1 .role":    "reader",
				"#calendar-1 .error":   "Last sync failed: Google did not answer properly. Google answered 503 backendError (after 6 attempts)",
			},
			absent: []string{"#primary-only", "#calendar-1 b"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, f := newCalendarsHarness(t, false)
			if tc.setup != nil {
				tc.setup(f)
			}
			h.signIn(bob)
			r := h.get("/calendars")
			h.expectStatus(r, http.StatusOK)
			checkPage(t, r, tc.want, tc.absent)
		})
	}
}

func TestLinkCalendars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		form      url.Values
		status    int
		location  string
		linked    []string
		enqueued  []string
		errorText string
	}{
		{name: "two calendars", form: url.Values{"calendar": {calendars.PrimaryID, teamCalendar.ID}}, status: http.StatusSeeOther,
			location: "/meetings?sync=queued", linked: []string{calendars.PrimaryID, teamCalendar.ID}, enqueued: []string{bob.ID}},
		{name: "none", form: url.Values{}, status: http.StatusSeeOther, location: "/meetings", linked: nil},
		{name: "unknown calendar", form: url.Values{"calendar": {"someone@example.com"}}, status: http.StatusBadRequest,
			errorText: "That calendar cannot be linked"},
		{name: "without CSRF token", form: url.Values{csrfField: {"forged"}, "calendar": {calendars.PrimaryID}},
			status: http.StatusForbidden, errorText: "This form has expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, f := newCalendarsHarness(t, false)
			f.choices[bob.ID] = calendars.Choices{Linked: map[string]bool{},
				Calendars: []calendars.Calendar{{ID: calendars.PrimaryID, Primary: true}, teamCalendar}}
			h.signIn(bob)
			r := h.post("/calendars", tc.form)
			h.expectStatus(r, tc.status)
			if r.Location() != tc.location {
				t.Errorf("Location = %q, want %q", r.Location(), tc.location)
			}
			if tc.errorText != "" && !strings.Contains(r.TextOf(t, "#error"), tc.errorText) {
				t.Errorf("error page %q does not say %q", r.TextOf(t, "#error"), tc.errorText)
			}
			if diff := cmp.Diff(tc.linked, f.linked[bob.ID]); diff != "" {
				t.Errorf("linked (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.enqueued, f.enqueued); diff != "" {
				t.Errorf("enqueued (-want +got):\n%s", diff)
			}
		})
	}
}

// checkPage checks that each selector of want matches an element whose
// text contains the wanted text, and that no selector of absent matches.
func checkPage(t *testing.T, r *browser.Page, want map[string]string, absent []string) {
	t.Helper()
	for sel, text := range want {
		if got := r.TextOf(t, sel); !strings.Contains(got, text) {
			t.Errorf("%s: text %q does not contain %q", sel, got, text)
		}
	}
	for _, sel := range absent {
		if r.Find(sel) != nil {
			t.Errorf("%s: unexpected element", sel)
		}
	}
}
