package jobs

import (
	"errors"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "googleapi: Error 503: backendError", "googleapi: Error 503: backendError"},
		{"query string", `Get "https://people.googleapis.com/v1/people:listDirectoryPeople?syncToken=abc&pageToken=def": EOF`,
			`Get "https://people.googleapis.com/v1/people:listDirectoryPeople?…": EOF`},
		{"fragment", "see http://x.test/a#access_token=t", "see http://x.test/a?…"},
		{"bearer", "Authorization: Bearer ya29.secret-value", "Authorization: Bearer …"},
		{"token fields", `{"access_token": "ya29.a", "refresh_token":"1//r"} code=4/abc`, `{"access_token": "…", "refresh_token":"…"} code=…`},
		{"long", strings.Repeat("é", 600), strings.Repeat("é", 500) + "…"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := redact(tc.in); got != tc.want {
				t.Errorf("redact(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestOutcomeKeepsTheError(t *testing.T) {
	t.Parallel()
	base := errors.New("boom")
	if err := outcome(base); !errors.Is(err, base) {
		t.Errorf("outcome(%v) = %v, want it wrapped", base, err)
	}
	if outcome(nil) != nil {
		t.Error("outcome(nil) != nil")
	}
}
