package main

import (
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// TestGoogleTimeoutsConfig checks the Google timeouts' defaults, which are
// the door's, and that every bad one is reported at once, by name.
func TestGoogleTimeoutsConfig(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(goodSecrets())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Google.Timeouts != googlehttp.DefaultTimeouts {
		t.Errorf("defaults: %+v, want the door's %+v", cfg.Google.Timeouts, googlehttp.DefaultTimeouts)
	}
	ce := configProblems(t, merge(goodSecrets(), map[string]string{
		"GOOGLE_CONNECT_TIMEOUT": "0s", "GOOGLE_HEADER_TIMEOUT": "-1s", "GOOGLE_IDLE_TIMEOUT": "2m",
	}))
	want := []string{
		"GOOGLE_CONNECT_TIMEOUT: 0s is not a positive duration; write for example 30s, or unset it for the default",
		"GOOGLE_HEADER_TIMEOUT: -1s is not a positive duration; write for example 30s, or unset it for the default",
	}
	if strings.Join(ce.Problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(ce.Problems, "\n"), strings.Join(want, "\n"))
	}
}
