package web

import (
	"testing"

	"github.com/scopetrail/scopetrail/scopes"
)

func TestShortScopeNames(t *testing.T) {
	t.Parallel()
	short := templateFuncs["short"].(func(string) string)
	tests := []struct{ in, want string }{
		{scopes.DriveReadonly, "drive.readonly"},
		{scopes.UserinfoEmail + " " + scopes.CalendarReadonly + " openid", "email calendar.readonly openid"},
		{"https://www.googleapis.com/auth/unknown", "https://www.googleapis.com/auth/unknown"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := short(tt.in); got != tt.want {
			t.Errorf("short(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
