package web

import (
	"context"
	"net/http"
	"testing"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// TestUserPageAccess checks who may read whose page: anyone their own,
// admins and reviewers anyone's; a member no one else's.
func TestUserPageAccess(t *testing.T) {
	t.Parallel()
	h, _, _, _ := newReportHarness(t)
	for _, tt := range []struct {
		name string
		as   identity.User
		path string
		want int
	}{
		{"a member, their own", bob, "/users/u-bob", http.StatusOK},
		{"a member, another's", bob, "/users/u-alice", http.StatusForbidden},
		{"a reviewer, a member's", rita, "/users/u-bob", http.StatusOK},
		{"an admin, a reviewer's", alice, "/users/u-rita", http.StatusOK},
		{"an admin, nobody's", alice, "/users/u-nobody", http.StatusNotFound},
	} {
		h.signIn(tt.as)
		if r := h.get(tt.path); r.StatusCode != tt.want {
			t.Errorf("%s: %s is %d, want %d", tt.name, tt.path, r.StatusCode, tt.want)
		}
	}
	h.signIn(rita)
	if r := h.get("/users/me"); r.Location() != "/users/u-rita" {
		t.Errorf("/users/me sends rita to %q", r.Location())
	}
}

// TestUserPageShowsAccessAndUse shows a member's page to a reviewer: the
// status and role, each scope with its status and last use, the chart of
// their use and a link to their audit entries.
func TestUserPageShowsAccessAndUse(t *testing.T) {
	t.Parallel()
	h, _, trail, _ := newReportHarness(t)
	last, err := trail.LastUse(context.Background(), bob.ID, scopes.CalendarEventsReadonly)
	if err != nil || last.IsZero() {
		t.Fatalf("bob's last use of calendar.events.readonly: %v, %v", last, err)
	}
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
		Scopes:    []string{scopes.CalendarEventsReadonly, scopes.DriveReadonly},
		Suspended: []string{scopes.DriveReadonly},
		Granted:   []grant.ScopeGrant{{Scope: scopes.CalendarEventsReadonly, GrantedAt: logStart}, {Scope: scopes.DriveReadonly, GrantedAt: logStart}}})
	h.signIn(rita)
	r := h.get("/users/u-bob")
	h.expectStatus(r, http.StatusOK)
	for sel, want := range map[string]string{
		"h1":                      bob.Email,
		".user-facts .role":       "member",
		".user-facts .status":     "active",
		"table.user-scopes tbody": "",
		"#usage h2":               "Scope use, last 30 days",
		"a#user-audit":            "Audit entries of this user",
		"#usage-calls-title":      "API calls per day, " + bob.Email + ", last 30 days",
		"table.user-scopes tbody tr:nth-child(2) .scope-status": "suspended",
	} {
		if want == "" {
			if r.Find(sel) == nil {
				t.Errorf("bob's page has no %s", sel)
			}
			continue
		}
		if got := r.TextOf(t, sel); got != want {
			t.Errorf("%s: got %q, want %q", sel, got, want)
		}
	}
	first := r.TextOf(t, "table.user-scopes tbody tr:nth-child(1)")
	if want := "calendar.events.readonly granted 2026-03-01 " + last.Format("2006-01-02 15:04"); first != want {
		t.Errorf("bob's first scope reads %q, want %q", first, want)
	}
	if r.Find(`a#user-audit[href="/audit?user=u-bob"]`) == nil {
		t.Error("the link to bob's audit entries is not /audit?user=u-bob")
	}
	if r.Find(`#usage a[href="/users/u-bob?days=90#usage"]`) == nil {
		t.Error("bob's chart has no link to its 90-day range")
	}

	h.signIn(bob)
	if own := h.get("/users/u-bob"); own.Find("a#user-audit") != nil || own.TextOf(t, "h1") != "Your access" {
		t.Errorf("bob's own page is titled %q and links to the audit log: %v", own.TextOf(t, "h1"), own.Find("a#user-audit") != nil)
	}
}
