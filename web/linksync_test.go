package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// fakeLinkSyncs records the syncs queued after links, as "kind user".
type fakeLinkSyncs struct {
	mu     sync.Mutex
	queued []string
	// err, when set, is what every Enqueue returns.
	err error
}

var _ LinkSyncs = (*fakeLinkSyncs)(nil)

func (f *fakeLinkSyncs) add(kind, userID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.queued = append(f.queued, kind+" "+userID)
	return nil
}

func (f *fakeLinkSyncs) EnqueueDirectorySync(_ context.Context, userID string) error {
	return f.add("directory", userID)
}

func (f *fakeLinkSyncs) EnqueueCalendarSync(_ context.Context, userID string) error {
	return f.add("calendars", userID)
}

func (f *fakeLinkSyncs) EnqueueRecordingsSync(_ context.Context, userID string) error {
	return f.add("recordings", userID)
}

// newLinkSyncsHarness is newHarness with Deps.LinkSyncs set.
func newLinkSyncsHarness(t *testing.T) (*harness, *fakeLinkSyncs) {
	t.Helper()
	h := newHarness(t)
	f := &fakeLinkSyncs{}
	cfg := h.config()
	cfg.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	deps := h.deps()
	deps.LinkSyncs = f
	h.serve(cfg, deps)
	return h, f
}

// TestSyncQueuedAfterLink checks that coming back from Google with a
// feature linked queues that feature's first sync, for the user who linked
// it, when Google granted enough for the feature to work.
func TestSyncQueuedAfterLink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		user    identity.User
		feature scopes.Feature
		granted []string
		want    []string
	}{
		{"admin links invite", alice, scopes.FeatureInvite, []string{scopes.DirectoryReadonly}, []string{"directory " + alice.ID}},
		{"calendars with one of their scopes", bob, scopes.FeatureCalendars, []string{scopes.CalendarEventsReadonly},
			[]string{"calendars " + bob.ID}},
		{"recordings", bob, scopes.FeatureRecordings, []string{scopes.DriveReadonly}, []string{"recordings " + bob.ID}},
		{"recordings declined", bob, scopes.FeatureRecordings, nil, nil},
		{"calendars declined", alice, scopes.FeatureCalendars, []string{scopes.DriveReadonly}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h, f := newLinkSyncsHarness(t)
			h.signIn(tc.user)
			h.auth.mu.Lock()
			h.auth.linkGrants[tc.feature] = tc.granted
			h.auth.mu.Unlock()
			state := h.googleRedirect("/link/" + string(tc.feature))
			r := h.callback(url.Values{"state": {state}, "code": {"c"}})
			h.expectStatus(r, http.StatusSeeOther)
			if r.Location() != "/dashboard" {
				t.Errorf("Location = %q, want /dashboard", r.Location())
			}
			if diff := cmp.Diff(tc.want, f.queued); diff != "" {
				t.Errorf("queued (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPrimaryCalendarLinkedAfterLink checks that granting calendar access
// links the primary calendar when none is linked, and keeps the member's
// own choice when one is, so that the meetings page is never a dead end.
func TestPrimaryCalendarLinkedAfterLink(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		before []string
		want   []string
	}{
		{"nothing linked", nil, []string{calendars.PrimaryID}},
		{"a calendar linked", []string{teamCalendar.ID}, []string{teamCalendar.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			f := newFakeCalendars()
			f.choices[bob.ID] = calendars.Choices{PrimaryOnly: true, Linked: map[string]bool{},
				Calendars: []calendars.Calendar{{ID: calendars.PrimaryID, Primary: true}, teamCalendar}}
			f.linked[bob.ID] = tc.before
			syncs := &fakeLinkSyncs{}
			deps := h.deps()
			deps.Calendars = &CalendarPages{Calendars: f, Meetings: f, Syncs: f}
			deps.LinkSyncs = syncs
			h.serve(h.config(), deps)
			h.signIn(bob)
			h.auth.mu.Lock()
			h.auth.linkGrants[scopes.FeatureCalendars] = []string{scopes.CalendarEventsReadonly}
			h.auth.mu.Unlock()
			r := h.callback(url.Values{"state": {h.googleRedirect("/link/calendars")}, "code": {"c"}})
			h.expectStatus(r, http.StatusSeeOther)
			if diff := cmp.Diff(tc.want, f.linked[bob.ID]); diff != "" {
				t.Errorf("linked (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"calendars " + bob.ID}, syncs.queued); diff != "" {
				t.Errorf("queued (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLinkSucceedsWhenQueueingFails checks that a link whose first sync
// cannot be queued still succeeds, and that the failure is logged.
func TestLinkSucceedsWhenQueueingFails(t *testing.T) {
	t.Parallel()
	h, f := newLinkSyncsHarness(t)
	f.err = errors.New("jobs: the queue is down")
	h.auth.linkGrants[scopes.FeatureRecordings] = []string{scopes.DriveReadonly}
	h.signIn(bob)
	state := h.googleRedirect("/link/recordings")
	r := h.callback(url.Values{"state": {state}, "code": {"c"}})
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/dashboard" {
		t.Errorf("Location = %q, want /dashboard", r.Location())
	}
	if logs := h.logs.String(); !strings.Contains(logs, "the queue is down") || !strings.Contains(logs, "feature=recordings") {
		t.Errorf("the failure to queue was not logged:\n%s", logs)
	}
}

// TestMeetingsLinkToRecordings checks that each recording and transcript
// of a meeting links to its page, on the meetings list and on the meeting's
// page, with the file id escaped as one path segment.
func TestMeetingsLinkToRecordings(t *testing.T) {
	t.Parallel()
	h, f := newCalendarsHarness(t, true)
	withBobsMeetings(f)
	f.files[standup.ID] = append(f.files[standup.ID], recordings.Recording{FileID: "odd/id?x#y", Kind: recordings.KindRecording,
		Name: "Standup - Recording (2)", State: recordings.StateFound})
	h.signIn(bob)

	list := h.get("/meetings")
	h.expectStatus(list, http.StatusOK)
	checkPage(t, list, map[string]string{
		`tr#meeting-m-standup .files a.file-link[href="/recordings/rec1"]`: "recording: downloaded",
		`tr#meeting-m-standup .files a.file-link[href="/recordings/tr1"]`:  "transcript: failed",
	}, nil)
	one := h.get("/meetings/m-standup")
	h.expectStatus(one, http.StatusOK)
	checkPage(t, one, map[string]string{
		`#files a.file-link[href="/recordings/rec1"]`: "recording Standup - Recording: downloaded",
		`#files a.file-link[href="/recordings/tr1"]`:  "transcript Standup - Transcript: failed",
	}, nil)
	for _, r := range []*browser.Page{list, one} {
		var hrefs []string
		for _, a := range r.FindAll("a.file-link") {
			hrefs = append(hrefs, browser.Attr(a, "href"))
		}
		want := []string{"/recordings/rec1", "/recordings/tr1", "/recordings/odd%2Fid%3Fx%23y"}
		if diff := cmp.Diff(want, hrefs); diff != "" {
			t.Errorf("%s: links (-want +got):\n%s", r.Request.URL.Path, diff)
		}
	}
}
