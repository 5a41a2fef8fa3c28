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
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
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
	progress map[string]calendars.Progress // by user
}

var (
	_ Calendars       = (*fakeCalendars)(nil)
	_ Meetings        = (*fakeCalendars)(nil)
	_ CalendarSyncs   = (*fakeCalendars)(nil)
	_ RecordingStatus = (*fakeCalendars)(nil)
)

func newFakeCalendars() *fakeCalendars {
	return &fakeCalendars{choices: map[string]calendars.Choices{}, links: map[string][]calendars.Link{},
		meetings: map[string][]calendars.Meeting{}, files: map[string][]recordings.Recording{}, linked: map[string][]string{},
		progress: map[string]calendars.Progress{}}
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

// LinkPrimary links the primary calendar, as Link, when nothing is linked.
func (f *fakeCalendars) LinkPrimary(_ context.Context, userID string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.choices[userID]; !ok {
		return false, fmt.Errorf("linking the primary calendar of %s: %w", userID, calendars.ErrNoAccess)
	}
	if len(f.links[userID]) > 0 || len(f.linked[userID]) > 0 {
		return false, nil
	}
	f.linked[userID] = []string{calendars.PrimaryID}
	return true, nil
}

func (f *fakeCalendars) SyncProgress(_ context.Context, userID string) (calendars.Progress, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.progress[userID], nil
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
	parisPrimary := primary
	parisPrimary.TimeZone = "Europe/Paris"
	tests := []struct {
		name   string
		setup  func(h *harness, f *fakeCalendars)
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
			setup: func(h *harness, f *fakeCalendars) {
				f.choices[bob.ID] = calendars.Choices{PrimaryOnly: true, Linked: map[string]bool{},
					Calendars: []calendars.Calendar{{ID: calendars.PrimaryID, Summary: "Primary calendar", Primary: true}}}
			},
			want: map[string]string{
				"#primary-only": "your primary calendar is the one you have, and only it can be linked",
				`#primary-only form[action="/link/calendars"] button`:                  "Grant calendar.readonly",
				`form#choose[method=post][action="/calendars"] input[name=csrf_token]`: "",
				`#calendar-0 input[type=checkbox][name=calendar][value=primary]`:       "",
				"#calendar-0 .summary":                      "Primary calendar",
				"#none-linked":                              "Your primary calendar is ticked",
				`#calendar-0 input[checked][value=primary]`: "",
			},
			absent: []string{"#calendar-1", "#no-access", "form#sync"},
		},
		{
			name: "suspended",
			setup: func(h *harness, f *fakeCalendars) {
				h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
					Scopes: []string{scopes.OpenID, scopes.CalendarEventsReadonly}, Suspended: []string{scopes.CalendarEventsReadonly}})
			},
			want:   map[string]string{"#suspended": "Granting access again does not lift a suspension"},
			absent: []string{"#no-access", "form#choose"},
		},
		{
			name: "linked, not synced yet",
			setup: func(h *harness, f *fakeCalendars) {
				f.choices[bob.ID] = calendars.Choices{Linked: map[string]bool{calendars.PrimaryID: true}, Calendars: []calendars.Calendar{primary}}
				f.links[bob.ID] = []calendars.Link{{Calendar: primary, LinkedAt: meetingsNow}}
			},
			want: map[string]string{
				"#calendar-0 .sync":                         "Not synced yet.",
				`form#sync[action="/meetings/sync"] button`: "Sync now",
			},
			absent: []string{"#none-linked"},
		},
		{
			name: "sync running",
			setup: func(h *harness, f *fakeCalendars) {
				f.choices[bob.ID] = calendars.Choices{Linked: map[string]bool{calendars.PrimaryID: true}, Calendars: []calendars.Calendar{primary}}
				f.links[bob.ID] = []calendars.Link{{Calendar: primary, LinkedAt: meetingsNow}}
				f.progress[bob.ID] = calendars.Progress{Running: true, Calendars: 1}
			},
			want: map[string]string{
				`#sync-progress[data-progress="/meetings/sync/progress"] [data-progress-text]`: "Syncing your calendars: 0 of 1 done.",
			},
			absent: []string{"form#sync"},
		},
		{
			name: "calendar list with sync state",
			setup: func(h *harness, f *fakeCalendars) {
				f.choices[bob.ID] = calendars.Choices{Linked: map[string]bool{calendars.PrimaryID: true, teamCalendar.ID: true},
					Calendars: []calendars.Calendar{primary, teamCalendar}}
				f.links[bob.ID] = []calendars.Link{
					{Calendar: parisPrimary, LinkedAt: meetingsNow, SyncedAt: meetingsNow},
					{Calendar: teamCalendar, LinkedAt: meetingsNow, SyncError: "transient.backendError",
						SyncErrorDetail: "Google answered 503 backendError (after 6 attempts)"}}
			},
			want: map[string]string{
				"#calendar-0 input[checked][value=primary]": "",
				"#calendar-0 .tier":                         "primary",
				"#calendar-0 .sync":                         "Synced 2026-11-22 13:00 CET",
				`#calendar-1 input[checked][value="team@group.calendar.google.com"]`: "",
				"#calendar-1 .summary": "Team <b>cal</b>",
				"#calendar-1 .role":    "reader",
				"#calendar-1 .error":   "Last sync failed: Google did not answer properly. Google answered 503 backendError (after 6 attempts)",
			},
			absent: []string{"#primary-only", "#calendar-1 b", "#none-linked", "form#sync", "#sync-progress"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, f := newCalendarsHarness(t, false)
			if tc.setup != nil {
				tc.setup(h, f)
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
		flash     string
	}{
		{name: "two calendars", form: url.Values{"calendar": {calendars.PrimaryID, teamCalendar.ID}}, status: http.StatusSeeOther,
			location: "/meetings", flash: "Your choice of calendars is saved. A sync of your calendars is queued.", linked: []string{calendars.PrimaryID, teamCalendar.ID}, enqueued: []string{bob.ID}},
		{name: "none", form: url.Values{}, status: http.StatusSeeOther, location: "/meetings", linked: nil,
			flash: "No calendar is linked now"},
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
			if tc.flash != "" {
				if got := h.get(tc.location).TextOf(t, ".flash"); !strings.Contains(got, tc.flash) {
					t.Errorf("flash %q, want %q", got, tc.flash)
				}
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
