package main

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestRealMain boots the whole program on port 0 in demo mode, on SQLite
// and on PostgreSQL (when TEST_POSTGRES_URL is set).
func TestRealMain(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testRealMain(t, "") })
	t.Run("postgres", func(t *testing.T) { testRealMain(t, sqldbtest.PostgresURL(t)) })
}

// testRealMain checks the operational endpoints, signs in through the
// fake's consent page, links recordings without drive.readonly and
// calendars with one of their two scopes, declines the directory, and shuts
// down gracefully.
func testRealMain(t *testing.T, databaseURL string) {
	a := startApp(t, databaseURL)
	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(a.base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, res.StatusCode)
		}
	}
	if !strings.Contains(a.stdout.String(), "sign in as one of these demo accounts") {
		t.Errorf("demo accounts not printed:\n%s", a.stdout)
	}

	b := browser.New(t)
	home := b.Get(a.base + "/")
	dash := b.Consent(b.Submit(home, `form[action="/auth/signin"]`, nil), browser.Answer{})
	if dash.StatusCode != http.StatusOK || dash.Request.URL.Path != "/dashboard" {
		t.Fatalf("after sign-in: %d %s:\n%s", dash.StatusCode, dash.Request.URL, dash.Content)
	}
	if len(dash.FindAll(`a[class="who"]`)) != 1 {
		t.Errorf("dashboard does not name the user:\n%s", dash.Content)
	}

	back := b.Consent(b.Submit(dash, `form[action="/link/recordings"]`, nil), browser.Answer{Untick: []string{scopes.DriveReadonly}})
	if back.Request.URL.Path != "/dashboard" || !strings.Contains(back.Content, "Google did not grant <code>drive.readonly</code>") {
		t.Fatalf("after the partial link: %s:\n%s", back.Request.URL, back.Content)
	}

	back = b.Consent(b.Submit(back, `form[action="/link/calendars"]`, nil), browser.Answer{Untick: []string{scopes.CalendarReadonly}})
	if !strings.Contains(back.Content, "Partly granted") {
		t.Errorf("calendars not partly granted:\n%s", back.Content)
	}

	// Cancel on the consent page: a clear page, not an error.
	consent := b.Submit(back, `form[action="/link/invite"]`, nil)
	denied := b.Consent(consent, browser.Answer{Cancel: true})
	if denied.StatusCode != http.StatusOK || !strings.Contains(denied.Content, "You declined") {
		t.Errorf("after cancel: %d %s:\n%s", denied.StatusCode, denied.Request.URL, denied.Content)
	}

	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if len(errorsLogged(a.stderr.String())) > 0 {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}

// TestRealMainCommands checks the commands that do not serve.
func TestRealMainCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		wantOut string
		wantErr string
	}{
		{[]string{"help"}, "usage: scopetrail", ""},
		{[]string{"keys", "generate"}, "SESSION_KEYS=", ""},
		{[]string{"keys"}, "", "want `keys generate` or `keys rotate`"},
		{[]string{"serve", "now"}, "", "serve takes no arguments"},
		{[]string{"launch"}, "", `unknown command "launch"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := realMain(t.Context(), tt.args, &out, io.Discard)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q, want %q", out.String(), tt.wantOut)
			}
		})
	}
}
