package connectortest_test

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/option"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googlehttp/tokenstoretest"
	"github.com/scopetrail/scopetrail/scopes"
)

// testOnly are the packages that exist only for tests, and so must not be
// built into the program.
var testOnly = []string{
	"github.com/scopetrail/scopetrail/cmd/replicatest",
	"github.com/scopetrail/scopetrail/connector/connectortest",
	"github.com/scopetrail/scopetrail/connector/connectortest/browser",
	"github.com/scopetrail/scopetrail/connector/googlehttp/tokenstoretest",
	"github.com/scopetrail/scopetrail/scopes/clocktest",
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest",
}

// TestImportedOnlyByTests checks, with go list, that no package but a
// test-only one imports a test-only package outside its _test.go files.
func TestImportedOnlyByTests(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}",
		"github.com/scopetrail/scopetrail/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("go list listed only %d packages", len(lines))
	}
	for _, line := range lines {
		pkg, imports, _ := strings.Cut(line, " ")
		if slices.Contains(testOnly, pkg) {
			continue
		}
		for _, imp := range strings.Fields(imports) {
			if slices.Contains(testOnly, imp) {
				t.Errorf("%s imports %s, which is for tests only", pkg, imp)
			}
		}
	}
}

// TestAuthorizeAndCall signs a person in and calls the People API through
// the environment's door: the call is audited, and the fake saw it.
func TestAuthorizeAndCall(t *testing.T) {
	t.Parallel()
	e := connectortest.New(t, connectortest.Options{})
	user := e.Authorize(t, e.People[0], scopes.OpenID, scopes.Email, scopes.DirectoryReadonly)
	if user != "u-"+e.People[0] {
		t.Errorf("Authorize = %q, want u- and the email", user)
	}
	g, err := e.Grants.Get(context.Background(), user)
	if err != nil || !g.Usable(scopes.DirectoryReadonly) || g.ClientID != connectortest.ClientID {
		t.Fatalf("grant = %+v, %v; want directory.readonly granted to the test client", g, err)
	}
	ctx := connectortest.Ctx(scopes.PurposeInvite)
	svc, err := people.NewService(ctx, option.WithEndpoint(e.URLs.PeopleBase), option.WithHTTPClient(e.Door.Client(user)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.People.ListDirectoryPeople().Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").ReadMask("names").Context(ctx).Do(); err != nil {
		t.Fatalf("listing the directory: %v", err)
	}
	var methods []string
	for _, r := range e.APIRequests(user) {
		methods = append(methods, r.MethodID)
	}
	if diff := cmp.Diff([]string{"people.people.listDirectoryPeople"}, methods); diff != "" {
		t.Errorf("API requests (-want +got):\n%s", diff)
	}
	var events []string
	for _, en := range e.Entries(t, user) {
		if en.MethodName == "people.people.listDirectoryPeople" && en.ActorEmail == e.People[0] {
			events = append(events, string(en.Event))
		}
	}
	if len(events) == 0 {
		t.Errorf("no audit entry names the call and the person: %+v", e.Entries(t, user))
	}
}

// TestConsent unticks a scope, then cancels.
func TestConsent(t *testing.T) {
	t.Parallel()
	g := connectortest.StartGoogle(t, connectortest.Options{})
	cfg := g.OAuth2Config(scopes.OpenID, scopes.DriveReadonly, scopes.DirectoryReadonly)
	page := browser.OpenConsent(t, cfg.AuthCodeURL("s1"))
	if diff := cmp.Diff([]string{scopes.DriveReadonly, scopes.DirectoryReadonly}, page.Scopes); diff != "" {
		t.Errorf("ticked scopes (-want +got):\n%s", diff)
	}
	loc := page.Submit(browser.Answer{Account: g.People[1], Untick: []string{scopes.DriveReadonly}})
	tok, err := cfg.Exchange(context.Background(), loc.Query().Get("code"))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if got := scopes.Parse(tok.Extra("scope").(string)); !cmp.Equal(got, scopes.Parse(scopes.DirectoryReadonly+" "+scopes.OpenID)) {
		t.Errorf("granted %v, want openid and directory.readonly", got)
	}
	loc = browser.Consent(t, cfg.AuthCodeURL("s2"), browser.Answer{Cancel: true})
	if got := loc.Query().Get("error"); got != "access_denied" {
		t.Errorf("cancelled: error = %q, want access_denied", got)
	}
}

// TestMemTokensContract runs googlehttp.TokenStore's contract against the
// in-memory store the connector tests use.
func TestMemTokensContract(t *testing.T) {
	t.Parallel()
	tokenstoretest.Run(t, func(t *testing.T) tokenstoretest.Subject {
		var n atomic.Int64
		return tokenstoretest.Subject{
			Store:   connectortest.NewMemTokens(),
			NewUser: func(*testing.T) string { return fmt.Sprintf("u-%d", n.Add(1)) },
		}
	})
}
