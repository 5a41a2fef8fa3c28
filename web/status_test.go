package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// TestSuspendedFeatureIsNotGranted: a member whose Drive scope an admin
// suspended sees the recordings card say "Suspended", never "Granted".
func TestSuspendedFeatureIsNotGranted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
		Scopes:    []string{scopes.OpenID, scopes.DriveReadonly, scopes.CalendarReadonly, scopes.CalendarEventsReadonly},
		Suspended: []string{scopes.DriveReadonly}})
	h.signIn(bob)
	r := h.get("/dashboard")
	h.expectStatus(r, http.StatusOK)
	card := r.Find("#feature-recordings")
	if card == nil {
		t.Fatalf("no recordings card:\n%s", r.Content)
	}
	if text := browser.Text(card); strings.Contains(text, "Granted") || !strings.Contains(text, "Suspended") {
		t.Errorf("the recordings card of a suspended Drive scope says %q, want Suspended and not Granted", text)
	}
	h.expectText(r, map[string]string{"#feature-calendars .state": "Granted"})
}

// TestSuspensionSaysWhoWhenWhy: a scope an admin suspended says on the
// member's dashboard who suspended it, when and why, and what to do next.
func TestSuspensionSaysWhoWhenWhy(t *testing.T) {
	t.Parallel()
	h, f := newRevokeHarness(t, revoke.GoogleRevoked)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
		Scopes: []string{scopes.OpenID, scopes.DriveReadonly}, Suspended: []string{scopes.DriveReadonly}})
	f.note(revoke.Suspension{UserID: bob.ID, Scope: scopes.DriveReadonly, By: revoke.Actor{ID: alice.ID, Email: alice.Email},
		At: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Reason: "left the project"})
	h.signIn(bob)
	r := h.get("/dashboard")
	h.expectText(r, map[string]string{
		"#feature-recordings .state":                               "Suspended",
		`#feature-recordings li[data-scope="drive.readonly"]`:      "Suspended by alice@example.com on 2026-01-02 03:04 UTC: left the project",
		`#feature-recordings [data-next="ask-admin"]`:              "Ask an admin to resume it.",
		`#feature-calendars form[action="/link/calendars"] button`: "Link calendars",
	})
	for _, sel := range []string{`#feature-recordings form`, `#feature-recordings a[data-turn-off]`} {
		if r.Find(sel) != nil {
			t.Errorf("the card of a suspended feature offers %s", sel)
		}
	}
}

// TestPartlySuspendedFeature: a feature one of whose scopes is suspended
// while another still works is "Partly suspended", not Granted, and can
// still be opened and turned off.
func TestPartlySuspendedFeature(t *testing.T) {
	t.Parallel()
	h, f := newRevokeHarness(t, revoke.GoogleRevoked)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
		Scopes:    []string{scopes.CalendarReadonly, scopes.CalendarEventsReadonly},
		Suspended: []string{scopes.CalendarEventsReadonly}})
	f.note(revoke.Suspension{UserID: bob.ID, Scope: scopes.CalendarEventsReadonly, By: revoke.Actor{ID: alice.ID, Email: alice.Email}})
	h.signIn(bob)
	r := h.get("/dashboard")
	h.expectText(r, map[string]string{
		"#feature-calendars .state":                  "Partly suspended",
		`#feature-calendars a[data-turn-off]`:        "Turn Calendars off",
		`#feature-calendars [data-next="ask-admin"]`: "Ask an admin",
	})
	if r.Find(`#feature-calendars form[action="/dashboard/features/calendars/on"]`) != nil {
		t.Errorf("the member is offered to lift an admin's suspension")
	}
}
