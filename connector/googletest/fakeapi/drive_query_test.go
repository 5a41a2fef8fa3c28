package fakeapi

import (
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// querySeeds are valid and invalid queries that start the fuzzer.
var querySeeds = []string{
	"",
	"trashed = false",
	"mimeType = 'application/vnd.google-apps.folder' and name = 'Meet Recordings' and 'me' in owners and trashed = false",
	"'FOLDER' in parents and (mimeType = 'video/mp4' or mimeType = 'application/vnd.google-apps.document') and modifiedTime > '2025-03-01T00:00:00Z'",
	"not name contains 'O\\'Brien' OR sharedWithMe != true",
	"createdTime <= '2025-03-04T14:00:00.123+01:00' and not (trashed = true)",
	"fullText contains 'x'",
	"name = 'unterminated",
	"((((name = 'a'))))",
}

// queryFiles are the files fuzzed queries are matched against.
var queryFiles = []*workspace.File{
	{ID: "1", Name: "Weekly sync - Recording", MimeType: "video/mp4", Parents: []string{"FOLDER"}, Owner: "me@x.test",
		CreatedTime: time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC), ModifiedTime: time.Date(2025, 3, 5, 0, 0, 0, 0, time.UTC)},
	{ID: "2", Name: "O'Brien notes", MimeType: "text/plain", Owner: "o@x.test", SharedWith: []string{"me@x.test"}, Trashed: true},
}

// FuzzQuery checks that the Drive query parser never panics, and that
// every query it accepts prints to an equivalent query that parses to the
// same text and matches the same files.
func FuzzQuery(f *testing.F) {
	for _, s := range querySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n, err := parseQuery(q)
		if err != nil || n == nil {
			return
		}
		printed := n.String()
		again, err := parseQuery(printed)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", q, printed, err)
		}
		if again.String() != printed {
			t.Fatalf("%q printed as %q, then as %q", q, printed, again.String())
		}
		for _, file := range queryFiles {
			if n.match(file, "me@x.test") != again.match(file, "me@x.test") {
				t.Fatalf("%q and %q disagree on file %s", q, printed, file.ID)
			}
		}
	})
}

func TestQueryPrecedence(t *testing.T) {
	t.Parallel()
	tests := []struct{ q, want string }{
		{"name = 'a' or name = 'b' and trashed = true", "(name = 'a' or (name = 'b' and trashed = true))"},
		{"not trashed = true and name = 'a'", "(not trashed = true and name = 'a')"},
		{"not (trashed = true and name = 'a')", "not (trashed = true and name = 'a')"},
		{"'x' IN parents", "'x' in parents"},
		{"name CONTAINS 'it''s'", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			n, err := parseQuery(tt.q)
			if tt.want == "" {
				if err == nil {
					t.Errorf("accepted as %s", n)
				}
				return
			}
			if err != nil || n.String() != tt.want {
				t.Errorf("got %v, %v; want %s", n, err, tt.want)
			}
		})
	}
}
