package scopes_test

import (
	"bytes"
	"net/url"
	"os"
	"testing"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/internal/discovery"
)

// TestGeneratedTableIsCurrent renders the method table again from the
// discovery documents and fails if methods_gen.go differs: the table is
// never edited by hand, and never falls behind the module's documents.
func TestGeneratedTableIsCurrent(t *testing.T) {
	t.Parallel()
	dir, err := discovery.ModuleDir("google.golang.org/api")
	if err != nil {
		t.Fatalf("finding google.golang.org/api: %v", err)
	}
	want, err := discovery.Generate(dir)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	got, err := os.ReadFile("methods_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("methods_gen.go differs from the discovery documents; run go generate ./scopes")
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		api, httpMethod, rel string
		want                 string // "" for no match
	}{
		{"people", "GET", "v1/people:listDirectoryPeople", "people.people.listDirectoryPeople"},
		{"people", "GET", "/v1/people:searchDirectoryPeople", "people.people.searchDirectoryPeople"},
		{"people", "GET", "v1/people/c123", "people.people.get"},
		{"people", "GET", "v1/people/me:unknownVerb", ""},
		{"calendar", "GET", "users/me/calendarList", "calendar.calendarList.list"},
		{"calendar", "GET", "calendars/primary/events", "calendar.events.list"},
		{"calendar", "GET", "calendars/ada%40example.com/events/e1", "calendar.events.get"},
		{"calendar", "POST", "calendars/primary/events/watch", "calendar.events.watch"},
		{"calendar", "DELETE", "calendars/primary/events/e1", "calendar.events.delete"},
		{"drive", "GET", "files", "drive.files.list"},
		{"drive", "GET", "files/f1", "drive.files.get"},
		{"drive", "GET", "files/f1/export", "drive.files.export"},
		{"drive", "GET", "changes/startPageToken", "drive.changes.getStartPageToken"},
		{"drive", "GET", "changes", "drive.changes.list"},
		{"drive", "GET", "files/f1/nothing/here", ""},
		{"drive", "PURGE", "files", ""},
		{"gmail", "GET", "users/me/messages", ""},
	} {
		t.Run(tc.api+" "+tc.httpMethod+" "+tc.rel, func(t *testing.T) {
			t.Parallel()
			m, ok := scopes.Match(tc.api, tc.httpMethod, tc.rel)
			if m.ID != tc.want || ok != (tc.want != "") {
				t.Errorf("Match = %q, %v; want %q", m.ID, ok, tc.want)
			}
		})
	}
}

func TestMatchURL(t *testing.T) {
	t.Parallel()
	fake := map[string]string{
		"people":   "http://127.0.0.1:8080/",
		"calendar": "http://127.0.0.1:8080/calendar/v3/",
		"drive":    "http://127.0.0.1:8080/drive/v3/",
	}
	google := map[string]string{}
	for _, api := range scopes.APIs() {
		google[api] = scopes.DefaultBaseURL(api)
	}
	for _, tc := range []struct {
		bases map[string]string
		url   string
		want  string
	}{
		{fake, "http://127.0.0.1:8080/v1/people:listDirectoryPeople?readMask=names", "people.people.listDirectoryPeople"},
		{fake, "http://127.0.0.1:8080/calendar/v3/calendars/primary/events?alt=json", "calendar.events.list"},
		{fake, "http://127.0.0.1:8080/drive/v3/files/abc?alt=media", "drive.files.get"},
		{fake, "http://127.0.0.1:9999/drive/v3/files/abc", ""},
		{fake, "http://127.0.0.1:8080/admin/reports/v1/activity", ""},
		{google, "https://people.googleapis.com/v1/people:searchDirectoryPeople", "people.people.searchDirectoryPeople"},
		{google, "https://www.googleapis.com/calendar/v3/users/me/calendarList", "calendar.calendarList.list"},
		{google, "https://www.googleapis.com/drive/v3/files", "drive.files.list"},
		{google, "https://evil.example.com/drive/v3/files", ""},
	} {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			m, ok := scopes.MatchURL(tc.bases, "GET", u)
			if m.ID != tc.want || ok != (tc.want != "") {
				t.Errorf("MatchURL = %q, %v; want %q", m.ID, ok, tc.want)
			}
		})
	}
}

func TestMethodByID(t *testing.T) {
	t.Parallel()
	m, ok := scopes.MethodByID("drive.files.get")
	if !ok || !m.MediaDownload || !m.Allows(scopes.DriveReadonly) || !m.Allows(scopes.DriveMeetReadonly) || m.Allows(scopes.CalendarReadonly) {
		t.Fatalf("drive.files.get = %+v, %v", m, ok)
	}
	if m.BaseURL() != "https://www.googleapis.com/drive/v3/" {
		t.Errorf("BaseURL = %q", m.BaseURL())
	}
	if _, ok := scopes.MethodByID("drive.files.nothing"); ok {
		t.Error("MethodByID found a method that does not exist")
	}
	if len(scopes.Methods()) < 100 {
		t.Errorf("only %d methods in the table", len(scopes.Methods()))
	}
}
