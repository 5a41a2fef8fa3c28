package web

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// TestTurnOneFeatureOff: a member with every feature granted sees what
// each does and how to turn it off; the confirmation says what happens at
// Google; turning calendars off says what was deleted, the card then reads
// "Turned off" with a button to turn it on again, and the other features
// stay granted.
func TestTurnOneFeatureOff(t *testing.T) {
	t.Parallel()
	h, f := newRevokeHarness(t, revoke.GoogleRevoked)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
		Scopes: []string{scopes.OpenID, scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly}})
	h.signIn(bob)

	dash := h.get("/dashboard")
	h.expectText(dash, map[string]string{
		"#feature-calendars .state": "Granted",
		"#feature-calendars p":      "List your calendars and their meetings.",
		`#feature-calendars a[href="/dashboard/features/calendars/off"]`: "Turn Calendars off",
	})
	confirm := h.get("/dashboard/features/calendars/off")
	h.expectStatus(confirm, http.StatusOK)
	h.expectText(confirm, map[string]string{
		"h1":         "Turn Calendars off",
		"#at-google": "Google cannot take back one permission",
		`form#turn-off[action="/dashboard/features/calendars/off"] button`: "Turn Calendars off",
	})

	r := h.post("/dashboard/features/calendars/off", nil)
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/dashboard#feature-calendars" {
		t.Errorf("turning off redirected to %q", r.Location())
	}
	dash = h.get("/dashboard")
	h.expectText(dash, map[string]string{
		".flash":                    "Calendars is off: 5 stored item(s) deleted. ScopeTrail now refuses every use of calendar.readonly, calendar.events.readonly.",
		"#feature-calendars .state": "Turned off",
		`#feature-calendars li[data-scope="calendar.readonly"]`:                     "Suspended by you on 2026-03-04 05:06 UTC: turned off: calendars",
		`#feature-calendars form[action="/dashboard/features/calendars/on"] button`: "Turn Calendars on again",
		"#feature-recordings .state":                                                "Granted",
		`#feature-recordings a[data-turn-off]`:                                      "Turn Recordings off",
	})
	if dash.Find(`#feature-calendars form[action="/link/calendars"]`) != nil {
		t.Errorf("a feature turned off offers to link it at Google, which would not lift the suspension")
	}

	h.expectStatus(h.post("/dashboard/features/calendars/on", nil), http.StatusSeeOther)
	dash = h.get("/dashboard")
	h.expectText(dash, map[string]string{
		".flash":                    "Calendars is on again",
		"#feature-calendars .state": "Granted",
	})

	h.expectStatus(h.post("/dashboard/features/invite/off", nil), http.StatusNotFound)
	h.expectStatus(h.post("/dashboard/features/gmail/off", nil), http.StatusNotFound)
	want := []string{"turn off u-bob calendars by u-bob", "turn on u-bob calendars by u-bob"}
	if diff := cmp.Diff(want, f.recorded()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

// TestTurnOnRefusedWhileAdminSuspended: a member cannot lift an admin's
// suspension by turning the feature on; the flash says whom to ask.
func TestTurnOnRefusedWhileAdminSuspended(t *testing.T) {
	t.Parallel()
	h, f := newRevokeHarness(t, revoke.GoogleRevoked)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
		Scopes: []string{scopes.DriveReadonly}, Suspended: []string{scopes.DriveReadonly}})
	f.note(revoke.Suspension{UserID: bob.ID, Scope: scopes.DriveReadonly, By: revoke.Actor{ID: alice.ID, Email: alice.Email}})
	h.signIn(bob)
	h.expectStatus(h.post("/dashboard/features/recordings/on", nil), http.StatusSeeOther)
	h.expectText(h.get("/dashboard"), map[string]string{
		".flash.bad":                 "Recordings stays off: an admin suspended it.",
		"#feature-recordings .state": "Suspended",
	})
}

// TestLinkingTurnsAFeatureOnAgain: linking a feature the user turned off,
// as the calendars page offers, turns it on again before asking Google, as
// a new consent would not lift the suspension.
func TestLinkingTurnsAFeatureOnAgain(t *testing.T) {
	t.Parallel()
	h, f := newRevokeHarness(t, revoke.GoogleRevoked)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive, Scopes: []string{scopes.CalendarReadonly}})
	h.signIn(bob)
	h.expectStatus(h.post("/dashboard/features/calendars/off", nil), http.StatusSeeOther)
	h.googleRedirect("/link/calendars")
	want := []string{"turn off u-bob calendars by u-bob", "turn on u-bob calendars by u-bob"}
	if diff := cmp.Diff(want, f.recorded()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if got := h.get("/dashboard").Find("#feature-calendars .state"); got == nil || browser.Text(got) == "Turned off" {
		t.Errorf("the calendars card still says Turned off after linking calendars")
	}
}
