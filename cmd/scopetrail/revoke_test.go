package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
)

// cli runs a command of the binary in this process, against the app's
// database and keys.
func cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := realMain(t.Context(), args, &out, io.Discard)
	return out.String(), err
}

// TestRevokeEndToEnd boots the demo, links calendars, revokes from the
// dashboard, links again, suspends a scope and revokes from the command
// line.
func TestRevokeEndToEnd(t *testing.T) {
	a := startApp(t, "")
	b := browser.New(t)
	signIn := func() *browser.Page {
		return b.Consent(b.Submit(b.Get(a.base+"/"), `form[action="/auth/signin"]`, nil), browser.Answer{})
	}
	link := func(dash *browser.Page) *browser.Page {
		return b.Consent(b.Submit(dash, `form[action="/link/calendars"]`, nil), browser.Answer{})
	}
	dash := link(signIn())
	email, _, _ := strings.Cut(dash.Only(t, `a[class="who"]`), " ")

	// The member revokes their own access from the dashboard.
	if got := dash.Only(t, `a[href="/revoke"]`); got != "Revoke access" {
		t.Errorf("the dashboard's revoke link says %q", got)
	}
	confirm := b.Get(a.base + "/revoke")
	done := b.Submit(confirm, `form[action="/revoke"]`, nil)
	if got := done.Only(t, `li[id="report-google"]`); !strings.Contains(got, "Google revoked the grant and the tokens are deleted") {
		t.Errorf("revocation report: %q", got)
	}
	if got := b.Get(a.base + "/dashboard"); got.Request.URL.Path != "/" {
		t.Errorf("the dashboard after revoking is %s, want the start page", got.Request.URL)
	}
	dash = signIn()
	if got := dash.Only(t, `p[id="revoked"]`); !strings.Contains(got, "Access revoked: revoked by the user") {
		t.Errorf("the dashboard after signing in again says %q", got)
	}

	// Linked again, the first user (an admin) suspends a scope from the
	// command line, which the access page shows.
	link(dash)
	for _, tc := range []struct {
		args    []string
		want    string
		wantErr string
	}{
		{[]string{"suspend", "--user", email, "--scope", "calendar.readonly"}, "suspended calendar.readonly for " + email, ""},
		{[]string{"suspend", "--user", email, "--scope", "openid"}, "", "choose one of directory.readonly"},
		{[]string{"resume", "--user", "nobody@acme.test", "--scope", "drive.readonly"}, "", `no user has the email "nobody@acme.test"`},
		{[]string{"revoke"}, "", "usage: scopetrail revoke --user EMAIL"},
		{[]string{"suspend", "--user", email}, "", "usage: scopetrail suspend --user EMAIL --scope SCOPE"},
	} {
		out, err := cli(t, tc.args...)
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.wantErr)
		}
		if !strings.Contains(out, tc.want) {
			t.Errorf("%v: output %q, want %q", tc.args, out, tc.want)
		}
	}
	access := b.Get(a.base + "/admin/access")
	if got := access.Only(t, `li[data-scope="calendar.readonly"]`); !strings.Contains(got, "Resume") {
		t.Errorf("the access page shows calendar.readonly as %q, want it suspended", got)
	}

	// The command line cannot reach the demo's Google: it revokes locally
	// and leaves Google to the server, and fails while Google is pending.
	out, err := cli(t, "revoke", "--user", email, "--reason", "offboarding")
	if !errors.Is(err, errRevokePending) {
		t.Fatalf("revoke: %v, want errRevokePending\n%s", err, out)
	}
	for _, want := range []string{"revoked the access of " + email, "grant:    revoked", "Google:   pending", "sessions: 1 ended"} {
		if !strings.Contains(out, want) {
			t.Errorf("revoke printed %q, want %q", out, want)
		}
	}
	if got := b.Get(a.base + "/dashboard"); got.Request.URL.Path != "/" {
		t.Errorf("the dashboard after the CLI revoked is %s, want the start page", got.Request.URL)
	}
	if err := a.stop(); err != nil {
		t.Errorf("realMain: %v", err)
	}
	if len(errorsLogged(a.stderr.String())) > 0 {
		t.Errorf("errors logged:\n%s", a.stderr)
	}
}
