package revoke

import (
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
)

func TestCleanReason(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", "revoked"},
		{"  \t\n", "revoked"},
		{"left\nthe\x00company  ", "left the company"},
		{strings.Repeat("é", 300), strings.Repeat("é", maxReason)},
	} {
		if got := cleanReason(tc.in); got != tc.want {
			t.Errorf("cleanReason(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	s := &Service{o: Options{RetryBase: time.Minute, RetryMax: 10 * time.Minute}}
	for attempts, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 4: 8 * time.Minute, 5: 10 * time.Minute, 60: 10 * time.Minute} {
		if got := s.backoff(attempts); got != want {
			t.Errorf("backoff(%d) = %v, want %v", attempts, got, want)
		}
	}
}

func TestLookupScope(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"drive.readonly":              scopes.DriveReadonly,
		scopes.CalendarEventsReadonly: scopes.CalendarEventsReadonly,
		"directory.readonly":          scopes.DirectoryReadonly,
		"openid":                      "",
		scopes.UserinfoEmail:          "",
		"":                            "",
	} {
		got, err := LookupScope(in)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("LookupScope(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"aé", 2, "a"},
	} {
		if got := truncate(tc.in, tc.n); got != tc.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
