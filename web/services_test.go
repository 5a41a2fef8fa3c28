package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestNewReportsEveryMissingService checks that New names, in one error,
// every service missing from the core and from the groups given, and none
// of an optional one or of a group left out.
func TestNewReportsEveryMissingService(t *testing.T) {
	t.Parallel()
	f := newFakeCalendars()
	_, err := New(Config{AuthURL: fakeAuthURL, SessionKeys: testSessionKeys(1)}, Deps{
		Core:      Core{Users: newFakeIdentity(), Tokens: &fakeTokens{}},
		Calendars: &CalendarPages{Calendars: f},
		Directory: &DirectoryPages{},
	})
	if err == nil {
		t.Fatal("New succeeded with services missing")
	}
	want := "missing in Deps: Core.Sessions, Core.Auth, Core.Grants, Core.DB, Calendars.Meetings, Calendars.Syncs, " +
		"Directory.Directory, Directory.Syncs, Directory.Invitations"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to say %q", err, want)
	}
}

// TestAbsentPagesAreNotServed checks that a server given only the core
// answers the pages of the absent groups with 404, not with a failure on
// the first request.
func TestAbsentPagesAreNotServed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signIn(alice)
	for _, path := range []string{"/calendars", "/meetings", "/recordings", "/admin/jobs", "/admin/directory", "/audit", "/report", "/admin/access"} {
		r := h.get(path)
		h.expectStatus(r, http.StatusNotFound)
	}
	h.expectStatus(h.get("/dashboard"), http.StatusOK)
}
