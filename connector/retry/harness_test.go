package retry_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

const (
	clientID     = "1234-retry.apps.googleusercontent.com"
	clientSecret = "retry-secret"
	redirectURI  = "http://127.0.0.1:9/callback"
)

// memTokens is an in-memory googlehttp.TokenStore.
type memTokens struct {
	mu   sync.Mutex
	toks map[string]oauth2.Token
}

var _ googlehttp.TokenStore = (*memTokens)(nil)

func (m *memTokens) Load(_ context.Context, userID string) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.toks[userID]
	if !ok {
		return nil, errors.New("no token")
	}
	return &t, nil
}

func (m *memTokens) Save(_ context.Context, userID string, tok *oauth2.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.toks[userID] = *tok
	return nil
}

// harness is a fake Google, a door to it, and one signed-in user.
type harness struct {
	fake   *googletest.Server
	door   *googlehttp.Door
	urls   googletest.URLs
	grants *grant.Store
	userID string
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

// newHarness starts a fake workspace and signs its first person in with
// every scope, through the fake's consent page.
func newHarness(t *testing.T) *harness {
	t.Helper()
	ws, err := workspace.Generate(workspace.GenerateOptions{Seed: 11, Domain: "example.test", People: 8,
		CalendarsPerPerson: 1, MeetingsPerCalendar: 2, Now: time.Now()})
	if err != nil {
		t.Fatalf("workspace.Generate: %v", err)
	}
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws})
	if err != nil {
		t.Fatalf("googletest.Start: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.RegisterClient(googletest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI}})
	urls := googletest.Endpoints(base)
	cfg := &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: urls.AuthURL, TokenURL: urls.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	db := sqldbtest.SQLite(t)
	h := &harness{fake: fake, urls: urls, grants: grant.NewStore(db, time.Now)}
	toks := &memTokens{toks: map[string]oauth2.Token{}}
	h.door, err = googlehttp.New(googlehttp.Options{
		Bases:  map[string]string{"people": urls.PeopleBase, "calendar": urls.CalendarBase, "drive": urls.DriveBase},
		OAuth2: cfg, RevokeURL: urls.RevokeURL, Grants: h.grants, Tokens: toks, Trail: audit.New(db, audit.Options{Replica: "test"}),
	})
	if err != nil {
		t.Fatalf("googlehttp.New: %v", err)
	}
	var email string
	for _, p := range ws.People() {
		if !p.Deleted {
			email = p.Email
			break
		}
	}
	all := []string{scopes.OpenID, scopes.Email, scopes.DirectoryReadonly, scopes.CalendarReadonly, scopes.DriveReadonly}
	cfg.Scopes = all
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(cfg.AuthCodeURL("state", oauth2.AccessTypeOffline))
	if err != nil {
		t.Fatalf("opening the consent page: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := requestField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no consent request in the page:\n%s", page)
	}
	form := url.Values{"request": {string(m[1])}, "account": {email}, "action": {"allow"}, "scope": all}
	resp, err = browser.PostForm(strings.TrimSuffix(urls.Issuer, "/")+"/o/oauth2/consent", form)
	if err != nil {
		t.Fatalf("consenting: %v", err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := cfg.Exchange(context.Background(), loc.Query().Get("code"))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	h.userID = "u-" + email
	granted, _ := tok.Extra("scope").(string)
	if _, err := h.grants.Record(context.Background(), h.userID, clientID, scopes.Parse(granted)); err != nil {
		t.Fatalf("Record: %v", err)
	}
	if err := toks.Save(context.Background(), h.userID, tok); err != nil {
		t.Fatal(err)
	}
	return h
}
