package googletest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	"google.golang.org/api/people/v1"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes"
)

// clientOptions point a generated client at one of the fake's APIs.
func clientOptions(tok *oauth2.Token, base string) []option.ClientOption {
	return []option.ClientOption{option.WithTokenSource(oauth2.StaticTokenSource(tok)), option.WithEndpoint(base)}
}

func (f *fake) drive(t testing.TB, tok *oauth2.Token) *drive.Service {
	t.Helper()
	svc, err := drive.NewService(t.Context(), clientOptions(tok, f.urls.DriveBase)...)
	if err != nil {
		t.Fatalf("drive.NewService: %v", err)
	}
	return svc
}

func (f *fake) calendar(t testing.TB, tok *oauth2.Token) *calendar.Service {
	t.Helper()
	svc, err := calendar.NewService(t.Context(), clientOptions(tok, f.urls.CalendarBase)...)
	if err != nil {
		t.Fatalf("calendar.NewService: %v", err)
	}
	return svc
}

func (f *fake) people(t testing.TB, tok *oauth2.Token) *people.Service {
	t.Helper()
	svc, err := people.NewService(t.Context(), clientOptions(tok, f.urls.PeopleBase)...)
	if err != nil {
		t.Fatalf("people.NewService: %v", err)
	}
	return svc
}

// assertAPIError checks that err is a googleapi.Error with code and reason.
func assertAPIError(t *testing.T, err error, code int, reason string) *googleapi.Error {
	t.Helper()
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		t.Fatalf("error = %v, want a *googleapi.Error %d %s", err, code, reason)
	}
	var reasons []string
	for _, e := range ge.Errors {
		reasons = append(reasons, e.Reason)
	}
	if ge.Code != code || !strings.Contains(strings.Join(reasons, " ")+" "+string(ge.Body), reason) {
		t.Errorf("error = %d %v, want %d %s", ge.Code, reasons, code, reason)
	}
	return ge
}

func TestMissingCredentials(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	item := map[string]any{"message": "Login Required.", "domain": "global", "reason": "required",
		"location": "Authorization", "locationType": "header"}
	details := func(service, method string) []any {
		return []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CREDENTIALS_MISSING",
			"domain": "googleapis.com", "metadata": map[string]any{"service": service, "method": method}}}
	}
	msg := "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other " +
		"valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	for _, tc := range []struct {
		path string
		want map[string]any
	}{
		{"/drive/v3/files", map[string]any{"code": float64(401), "message": msg, "errors": []any{item}, "status": "UNAUTHENTICATED",
			"details": details("drive.googleapis.com", "google.apps.drive.v3.DriveFiles.List")}},
		{"/calendar/v3/calendars/primary/events", map[string]any{"code": float64(401), "message": msg, "errors": []any{item},
			"status": "UNAUTHENTICATED", "details": details("calendar-json.googleapis.com", "calendar.v3.Events.List")}},
		{"/v1/people:listDirectoryPeople", map[string]any{"code": float64(401), "message": msg, "status": "UNAUTHENTICATED",
			"details": details("people.googleapis.com", "google.people.v1.PeopleService.ListDirectoryPeople")}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			resp, err := http.Get(f.base + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[string]any{"error": tc.want}, got); resp.StatusCode != 401 || diff != "" {
				t.Errorf("status %d, body (-want +got):\n%s", resp.StatusCode, diff)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="https://accounts.google.com/"` {
				t.Errorf("WWW-Authenticate = %q", got)
			}
		})
	}
}

func TestInvalidCredentials(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	live := f.login(t, f.users[0], f.config(scopes.DriveReadonly))
	expired := f.login(t, f.users[1], f.config(scopes.DriveReadonly))
	f.clock.Advance(3599*time.Second - time.Minute)
	if _, err := f.drive(t, live).Files.List().Do(); err != nil {
		t.Fatalf("a token a minute before expiry: %v", err)
	}
	f.clock.Advance(time.Minute)
	for name, tok := range map[string]*oauth2.Token{
		"expired": expired,
		"unknown": {AccessToken: "ya29.a0nonsense"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := f.drive(t, tok).Files.List().Do()
			ge := assertAPIError(t, err, 401, "authError")
			if !strings.Contains(string(ge.Body), "ACCESS_TOKEN_EXPIRED") {
				t.Errorf("body lacks ErrorInfo ACCESS_TOKEN_EXPIRED: %s", ge.Body)
			}
		})
	}
}

func TestGranularConsentLimitsScopes(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.OpenID, scopes.CalendarReadonly, scopes.DriveReadonly)
	verifier := oauth2.GenerateVerifier()
	loc := browser.Consent(t, cfg.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), browser.Answer{Account: f.users[0], Untick: []string{scopes.DriveReadonly}})
	if got := loc.Query().Get("scope"); strings.Contains(got, "drive") {
		t.Errorf("redirect scope = %q, want no drive", got)
	}
	tok, err := cfg.Exchange(t.Context(), loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sortedCopy(scopes.OpenID, scopes.CalendarReadonly), scopes.Parse(tok.Extra("scope").(string))); diff != "" {
		t.Errorf("granted (-want +got):\n%s", diff)
	}
	_, err = f.drive(t, tok).Files.List().Do()
	ge := assertAPIError(t, err, 403, "insufficientPermissions")
	if ge.Message != "Request had insufficient authentication scopes." || !strings.Contains(string(ge.Body), "ACCESS_TOKEN_SCOPE_INSUFFICIENT") {
		t.Errorf("403 message %q, body %s", ge.Message, ge.Body)
	}
	if got := ge.Header.Get("WWW-Authenticate"); !strings.Contains(got, `error="insufficient_scope"`) || !strings.Contains(got, scopes.DriveMeetReadonly) {
		t.Errorf("WWW-Authenticate = %q, want insufficient_scope naming the method's scopes", got)
	}
	if _, err := f.calendar(t, tok).CalendarList.List().Do(); err != nil {
		t.Errorf("calendarList.list with the granted calendar.readonly: %v", err)
	}
}

func TestScopesFromDiscovery(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	meetOnly := f.login(t, f.users[0], f.config(scopes.DriveMeetReadonly))
	eventsOnly := f.login(t, f.users[1], f.config(scopes.CalendarEventsReadonly))
	t.Run("drive.meet.readonly lists files", func(t *testing.T) {
		if _, err := f.drive(t, meetOnly).Files.List().Do(); err != nil {
			t.Errorf("files.list: %v", err)
		}
	})
	t.Run("calendar.events.readonly lists events", func(t *testing.T) {
		if _, err := f.calendar(t, eventsOnly).Events.List("primary").Do(); err != nil {
			t.Errorf("events.list: %v", err)
		}
	})
	t.Run("calendar.events.readonly cannot list calendars", func(t *testing.T) {
		_, err := f.calendar(t, eventsOnly).CalendarList.List().Do()
		assertAPIError(t, err, 403, "insufficientPermissions")
	})
	t.Run("people has no insufficient errors array", func(t *testing.T) {
		_, err := f.people(t, eventsOnly).People.ListDirectoryPeople().ReadMask("names").Sources("DIRECTORY_SOURCE_TYPE_DOMAIN_PROFILE").Do()
		ge := assertAPIError(t, err, 403, "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
		if len(ge.Errors) != 0 {
			t.Errorf("People error has errors[] %v", ge.Errors)
		}
	})
}

func TestUnknownPathAndQueryToken(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	tok := f.login(t, f.users[0], f.config(scopes.DriveReadonly))
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/drive/v3/nothing/here?access_token=" + tok.AccessToken, 404},
		{"/calendar/v3/", 404},
		{"/drive/v3/files?access_token=" + tok.AccessToken, 200},
	} {
		resp, err := http.Get(f.base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s: status %d, want %d", strings.Split(tc.path, "?")[0], resp.StatusCode, tc.status)
		}
	}
}
