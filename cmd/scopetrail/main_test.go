package main

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

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

	b := newBrowser(t)
	home := b.do(http.MethodGet, a.base+"/", nil)
	dash := b.consent(b.postForm(home, "/auth/signin", nil))
	if dash.code != http.StatusOK || dash.url.Path != "/dashboard" {
		t.Fatalf("after sign-in: %d %s:\n%s", dash.code, dash.url, dash.body)
	}
	if len(dash.elements("span", "class", "who")) != 1 {
		t.Errorf("dashboard does not name the user:\n%s", dash.body)
	}

	back := b.consent(b.postForm(dash, "/link/recordings", nil)) // drive.readonly unticked
	if back.url.Path != "/dashboard" || !strings.Contains(back.body, "Google did not grant <code>drive.readonly</code>") {
		t.Fatalf("after the partial link: %s:\n%s", back.url, back.body)
	}

	back = b.consent(b.postForm(back, "/link/calendars", nil), scopes.CalendarEventsReadonly)
	if !strings.Contains(back.body, "Partly granted") {
		t.Errorf("calendars not partly granted:\n%s", back.body)
	}

	// Cancel on the consent page: a clear page, not an error.
	consent := b.postForm(back, "/link/invite", nil)
	denied := b.postForm(consent, "/o/oauth2/consent", url.Values{"action": {"cancel"}})
	if denied.code != http.StatusOK || !strings.Contains(denied.body, "You declined") {
		t.Errorf("after cancel: %d %s:\n%s", denied.code, denied.url, denied.body)
	}

	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if strings.Contains(a.stderr.String(), `"level":"ERROR"`) {
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
