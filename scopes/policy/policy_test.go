package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/policy"
)

func method(t *testing.T, id string) scopes.Method {
	t.Helper()
	m, ok := scopes.MethodByID(id)
	if !ok {
		t.Fatalf("method %s is not in the table", id)
	}
	return m
}

func active(granted []string, suspended ...string) *grant.Grant {
	return &grant.Grant{UserID: "u", Status: grant.StatusActive, Scopes: granted, Suspended: suspended}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	bothCal := []string{scopes.CalendarEventsReadonly, scopes.CalendarReadonly}
	all := []string{scopes.CalendarEventsReadonly, scopes.CalendarReadonly, scopes.DirectoryReadonly, scopes.DriveReadonly, scopes.OpenID}
	for _, tc := range []struct {
		name    string
		method  string // "" for an unknown method
		g       *grant.Grant
		purpose scopes.Purpose
		want    policy.Decision
	}{
		{"narrowest of two calendar scopes", "calendar.events.list", active(bothCal), scopes.PurposeMeetings,
			policy.Decision{Scope: scopes.CalendarEventsReadonly, Allowed: true}},
		{"broader scope when the narrow one is suspended", "calendar.events.list", active(bothCal, scopes.CalendarEventsReadonly), scopes.PurposeMeetings,
			policy.Decision{Scope: scopes.CalendarReadonly, Allowed: true}},
		{"only calendar.readonly lists calendars", "calendar.calendarList.list", active(bothCal), scopes.PurposeMeetings,
			policy.Decision{Scope: scopes.CalendarReadonly, Allowed: true}},
		{"directory for invite", "people.people.listDirectoryPeople", active(all), scopes.PurposeInvite,
			policy.Decision{Scope: scopes.DirectoryReadonly, Allowed: true}},
		{"drive download for recordings", "drive.files.get", active(all), scopes.PurposeRecordings,
			policy.Decision{Scope: scopes.DriveReadonly, Allowed: true}},
		{"unknown method", "", active(all), scopes.PurposeMeetings,
			policy.Decision{Reason: policy.ReasonUnknownMethod}},
		{"no grant", "calendar.events.list", nil, scopes.PurposeMeetings,
			policy.Decision{Reason: policy.ReasonNoGrant}},
		{"revoked", "calendar.events.list", &grant.Grant{Status: grant.StatusRevoked, Scopes: all}, scopes.PurposeMeetings,
			policy.Decision{Reason: policy.ReasonRevoked}},
		{"reconnect needed", "calendar.events.list", &grant.Grant{Status: grant.StatusReconnectNeeded, Scopes: all}, scopes.PurposeMeetings,
			policy.Decision{Reason: policy.ReasonReconnectNeeded}},
		{"scope not granted names the scope to ask for", "calendar.calendarList.list", active([]string{scopes.CalendarEventsReadonly}), scopes.PurposeMeetings,
			policy.Decision{Scope: scopes.CalendarReadonly, Reason: policy.ReasonScopeNotGranted}},
		{"scope not granted for a write method", "calendar.events.insert", active(all), scopes.PurposeMeetings,
			policy.Decision{Reason: policy.ReasonScopeNotGranted}},
		{"wrong purpose", "drive.files.list", active(all), scopes.PurposeMeetings,
			policy.Decision{Scope: scopes.DriveReadonly, Reason: policy.ReasonPurposeNotDeclared}},
		{"no purpose", "people.people.searchDirectoryPeople", active(all), "",
			policy.Decision{Scope: scopes.DirectoryReadonly, Reason: policy.ReasonPurposeNotDeclared}},
		{"suspended", "drive.files.list", active(all, scopes.DriveReadonly), scopes.PurposeRecordings,
			policy.Decision{Scope: scopes.DriveReadonly, Reason: policy.ReasonSuspended}},
		{"both calendar scopes suspended names the narrowest", "calendar.events.get", active(bothCal, bothCal...), scopes.PurposeMeetings,
			policy.Decision{Scope: scopes.CalendarEventsReadonly, Reason: policy.ReasonSuspended}},
		{"unregistered granted scope is never used", "calendar.events.list", active([]string{"https://www.googleapis.com/auth/calendar"}), scopes.PurposeMeetings,
			policy.Decision{Scope: "https://www.googleapis.com/auth/calendar", Reason: policy.ReasonPurposeNotDeclared}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var m scopes.Method
			if tc.method != "" {
				m = method(t, tc.method)
			}
			if diff := cmp.Diff(tc.want, policy.Decide(m, tc.g, tc.purpose)); diff != "" {
				t.Errorf("Decide (-want +got):\n%s", diff)
			}
		})
	}
}
