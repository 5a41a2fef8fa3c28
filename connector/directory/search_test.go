package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestSearch checks the picker's live search, before any copy exists, and
// then that a local search of the copy finds the same people.
func TestSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, sqldbtest.SQLite(t), 40, 1)
	user := h.authorize(t, h.person(t, 0))
	s := h.syncer(t)
	p3, _ := h.Workspace.Person(h.person(t, 3))
	p7, _ := h.Workspace.Person(h.person(t, 7))
	queries := []string{p3.GivenName, strings.ToUpper(p7.FamilyName), p3.DisplayName, p7.Email, strings.ToLower(p3.GivenName[:2]), "zzzz"}

	live := map[string][]directory.Person{}
	for _, q := range queries {
		got, err := s.Search(ctx, user, q)
		if err != nil {
			t.Fatalf("Search(%q) before any copy: %v", q, err)
		}
		live[q] = sortPeople(got)
	}
	if len(live[p3.DisplayName]) == 0 || len(live["zzzz"]) != 0 {
		t.Fatalf("Search found %d people for %q and %d for zzzz", len(live[p3.DisplayName]), p3.DisplayName, len(live["zzzz"]))
	}
	if _, err := s.Sync(ctx, user); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			local, err := s.People(ctx, user, q, 0)
			if err != nil {
				t.Fatalf("People: %v", err)
			}
			if diff := cmp.Diff(live[q], sortPeople(local), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("local search differs from Google's (-live +local):\n%s", diff)
			}
		})
	}

	page, err := h.Trail.Query(ctx, audit.Filter{UserID: user, Method: "people.people.searchDirectoryPeople", Limit: audit.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != len(queries) {
		t.Errorf("%d searches audited, want %d", len(page.Entries), len(queries))
	}
	for _, e := range page.Entries {
		if e.Purpose != "invite" {
			t.Errorf("search audited with purpose %q, want invite", e.Purpose)
		}
	}
}

// TestPeopleQueries checks the local search's edge cases.
func TestPeopleQueries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, sqldbtest.SQLite(t), 12, 1)
	user := h.authorize(t, h.person(t, 0))
	s := h.syncer(t)
	if _, err := s.Search(ctx, user, "  "); !errors.Is(err, directory.ErrEmptyQuery) {
		t.Errorf("Search(blank) = %v, want ErrEmptyQuery", err)
	}
	if _, err := s.Sync(ctx, user); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	tests := []struct {
		query string
		limit int
		want  int
	}{
		{"", 0, 12},
		{"", 5, 5},
		{"%", 0, 0},
		{"_", 0, 0},
		{`\`, 0, 0},
		{"example.test", 0, 0},
		{"nobody-here", 0, 0},
	}
	for _, tt := range tests {
		got, err := s.People(ctx, user, tt.query, tt.limit)
		if err != nil || len(got) != tt.want {
			t.Errorf("People(%q, %d) = %d people, %v; want %d", tt.query, tt.limit, len(got), err, tt.want)
		}
	}
	if other, err := s.People(ctx, "u-someone-else", "", 0); err != nil || len(other) != 0 {
		t.Errorf("another user's People = %d people, %v; want none: copies are per user", len(other), err)
	}
}
