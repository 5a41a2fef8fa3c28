package revoke

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
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

func TestFailureKeepsNoErrorText(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("revoking at Google: %w", &url.Error{Op: "Post", URL: "https://oauth2.googleapis.com/revoke?token=1//secret",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}})
	got := failure(err)
	if !strings.HasPrefix(got, googlehttp.CodeNetwork) || strings.Contains(got, "secret") || strings.Contains(got, "Post") {
		t.Errorf("failure(%v) = %q, want googlehttp's code %s and no URL or error text", err, got, googlehttp.CodeNetwork)
	}
}
