package scopes_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes"
)

func TestRegistry(t *testing.T) {
	t.Parallel()
	for _, s := range scopes.All() {
		t.Run(s.Short, func(t *testing.T) {
			t.Parallel()
			if s.Description == "" || len(s.Purposes) == 0 || s.Tier == "" {
				t.Errorf("%s lacks a description, purpose or tier: %+v", s.Name, s)
			}
			if s.Tier == scopes.TierNonSensitive {
				return
			}
			used := false
			for _, m := range scopes.Methods() {
				used = used || m.Allows(s.Name)
			}
			if !used {
				t.Errorf("%s allows no method in the table", s.Name)
			}
			if alt := s.NarrowerAlternative; alt != "" {
				n, ok := scopes.Lookup(alt)
				if !ok || n.Breadth >= s.Breadth {
					t.Errorf("narrower alternative %s of %s is not narrower: %+v", alt, s.Name, n)
				}
			}
		})
	}
}

func TestLookupAndParse(t *testing.T) {
	t.Parallel()
	if s, ok := scopes.Lookup(scopes.UserinfoEmail); !ok || s.Name != scopes.Email {
		t.Errorf("Lookup(userinfo.email) = %+v, %v", s, ok)
	}
	if _, ok := scopes.Lookup("https://www.googleapis.com/auth/gmail.readonly"); ok {
		t.Error("Lookup found gmail.readonly")
	}
	got := scopes.Parse("openid https://www.googleapis.com/auth/userinfo.email  " + scopes.DriveReadonly + " openid")
	want := []string{scopes.Email, scopes.DriveReadonly, scopes.OpenID}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestFeatures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		f           scopes.Feature
		granted     []string
		wantEnabled bool
		wantMissing []string
	}{
		{"invite", scopes.FeatureInvite, []string{scopes.DirectoryReadonly}, true, nil},
		{"invite without directory", scopes.FeatureInvite, []string{scopes.OpenID}, false, []string{scopes.DirectoryReadonly}},
		{"calendars with events only", scopes.FeatureCalendars, []string{scopes.CalendarEventsReadonly}, true, []string{scopes.CalendarReadonly}},
		{"calendars with both", scopes.FeatureCalendars, []string{scopes.CalendarEventsReadonly, scopes.CalendarReadonly}, true, nil},
		{"recordings", scopes.FeatureRecordings, nil, false, []string{scopes.DriveReadonly}},
		{"unknown feature", "mail", []string{scopes.DriveReadonly}, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := scopes.FeatureEnabled(tc.f, tc.granted); got != tc.wantEnabled {
				t.Errorf("FeatureEnabled = %v, want %v", got, tc.wantEnabled)
			}
			if diff := cmp.Diff(tc.wantMissing, scopes.Missing(tc.f, tc.granted)); diff != "" {
				t.Errorf("Missing (-want +got):\n%s", diff)
			}
		})
	}
}
