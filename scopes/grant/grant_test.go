package grant_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

func TestPurposes(t *testing.T) {
	t.Parallel()
	all := []string{scopes.CalendarEventsReadonly, scopes.CalendarReadonly, scopes.DirectoryReadonly, scopes.DriveReadonly, scopes.OpenID}
	for _, tc := range []struct {
		name string
		g    grant.Grant
		want []scopes.Purpose
	}{
		{"everything", grant.Grant{Status: grant.StatusActive, Scopes: all},
			[]scopes.Purpose{scopes.PurposeInvite, scopes.PurposeMeetings, scopes.PurposeRecordings, scopes.PurposeSignIn}},
		{"suspended scope drops its purpose", grant.Grant{Status: grant.StatusActive, Scopes: all, Suspended: []string{scopes.DriveReadonly}},
			[]scopes.Purpose{scopes.PurposeInvite, scopes.PurposeMeetings, scopes.PurposeSignIn}},
		{"one of two calendar scopes suspended", grant.Grant{Status: grant.StatusActive, Scopes: all, Suspended: []string{scopes.CalendarReadonly}},
			[]scopes.Purpose{scopes.PurposeInvite, scopes.PurposeMeetings, scopes.PurposeRecordings, scopes.PurposeSignIn}},
		{"revoked", grant.Grant{Status: grant.StatusRevoked, Scopes: all}, nil},
		{"unknown scope has no purpose", grant.Grant{Status: grant.StatusActive, Scopes: []string{"https://www.googleapis.com/auth/gmail.readonly"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, tc.g.Purposes()); diff != "" {
				t.Errorf("Purposes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUsable(t *testing.T) {
	t.Parallel()
	g := grant.Grant{Status: grant.StatusActive, Scopes: []string{scopes.Email, scopes.DriveReadonly}, Suspended: []string{scopes.DriveReadonly}}
	for _, tc := range []struct {
		scope                      string
		has, suspended, wantUsable bool
	}{
		{scopes.UserinfoEmail, true, false, true},
		{scopes.DriveReadonly, true, true, false},
		{scopes.CalendarReadonly, false, false, false},
	} {
		t.Run(tc.scope, func(t *testing.T) {
			t.Parallel()
			if g.Has(tc.scope) != tc.has || g.IsSuspended(tc.scope) != tc.suspended || g.Usable(tc.scope) != tc.wantUsable {
				t.Errorf("Has/IsSuspended/Usable = %v/%v/%v, want %v/%v/%v", g.Has(tc.scope), g.IsSuspended(tc.scope), g.Usable(tc.scope), tc.has, tc.suspended, tc.wantUsable)
			}
		})
	}
}
