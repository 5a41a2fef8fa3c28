package calendars_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

const (
	clientID     = "1234-calendars.apps.googleusercontent.com"
	clientSecret = "calendars-secret"
	redirectURI  = "http://127.0.0.1:9/callback"
)

// acmeNow is the syncer's clock for the acme workspace: every acme meeting
// falls within 30 days of it.
var acmeNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// calendarScopes are the scopes a test user grants unless told otherwise.
var calendarScopes = []string{scopes.OpenID, scopes.Email, scopes.CalendarReadonly, scopes.CalendarEventsReadonly}

// fastRetry retries without waiting, often enough to outlast 20% faults.
var fastRetry = retry.Policy{MaxAttempts: 12, Base: time.Millisecond, Max: time.Millisecond,
	Sleep: func(context.Context, time.Duration) error { return nil }}

// acme loads the shared acme test workspace.
func acme(t testing.TB) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.LoadFile(filepath.Join("..", "..", "testdata", "workspace", "acme.json"))
	if err != nil {
		t.Fatalf("workspace.LoadFile: %v", err)
	}
	return ws
}

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
	t := *tok
	if t.RefreshToken == "" {
		t.RefreshToken = m.toks[userID].RefreshToken
	}
	m.toks[userID] = t
	return nil
}

// harness is a fake Google serving a workspace, a database, the audited
// door to the fake, and a calendars Store and Syncer on them.
type harness struct {
	ws     *workspace.Workspace
	fake   *googletest.Server
	urls   googletest.URLs
	db     *sqldb.DB
	trail  *audit.Trail
	grants *grant.Store
	tokens *memTokens
	door   *googlehttp.Door
	store  *calendars.Store
	syncer *calendars.Syncer
}

// newHarness serves ws from a fake seeded with seed, on a fresh SQLite
// database; the syncer's clock stands at now.
func newHarness(t testing.TB, ws *workspace.Workspace, now time.Time, seed uint64) *harness {
	t.Helper()
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws, Seed: seed})
	if err != nil {
		t.Fatalf("googletest.Start: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.RegisterClient(googletest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI}})
	h := &harness{ws: ws, fake: fake, urls: googletest.Endpoints(base), db: sqldbtest.SQLite(t),
		tokens: &memTokens{toks: map[string]oauth2.Token{}}}
	h.trail = audit.New(h.db, audit.Options{Replica: "test"})
	h.grants = grant.NewStore(h.db, nil)
	h.door, err = googlehttp.New(googlehttp.Options{
		Bases:  map[string]string{"people": h.urls.PeopleBase, "calendar": h.urls.CalendarBase, "drive": h.urls.DriveBase},
		OAuth2: h.config(), RevokeURL: h.urls.RevokeURL, Grants: h.grants, Tokens: h.tokens, Trail: h.trail,
		ActorEmail: func(_ context.Context, userID string) (string, error) { return strings.TrimPrefix(userID, "u-"), nil },
	})
	if err != nil {
		t.Fatalf("googlehttp.New: %v", err)
	}
	clock := func() time.Time { return now }
	h.store = calendars.NewStore(h.db, clock)
	h.syncer, err = calendars.NewSyncer(calendars.Options{Store: h.store, Clients: h.door, Grants: h.grants,
		Endpoint: h.urls.CalendarBase, Retry: fastRetry, Now: clock})
	if err != nil {
		t.Fatalf("calendars.NewSyncer: %v", err)
	}
	return h
}

func (h *harness) config() *oauth2.Config {
	return &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: h.urls.AuthURL, TokenURL: h.urls.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

// authorize runs the OAuth flow at the fake for email, granting scopeList,
// and stores the grant and the token. It returns the user id, "u-"+email.
func (h *harness) authorize(t testing.TB, email string, scopeList ...string) string {
	t.Helper()
	cfg := h.config()
	cfg.Scopes = scopeList
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
	form := url.Values{"request": {string(m[1])}, "account": {email}, "action": {"allow"}, "scope": scopeList}
	resp, err = browser.PostForm(h.urls.Issuer+"/o/oauth2/consent", form)
	if err != nil {
		t.Fatalf("consenting: %v", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("consent redirected to %q", resp.Header.Get("Location"))
	}
	ctx := context.Background()
	tok, err := cfg.Exchange(ctx, loc.Query().Get("code"))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	userID := "u-" + email
	granted, _ := tok.Extra("scope").(string)
	if _, err := h.grants.Record(ctx, userID, clientID, scopes.Parse(granted)); err != nil {
		t.Fatalf("Record: %v", err)
	}
	if err := h.tokens.Save(ctx, userID, tok); err != nil {
		t.Fatal(err)
	}
	return userID
}

// linkAll links every calendar the user can choose.
func (h *harness) linkAll(t testing.TB, userID string) []string {
	t.Helper()
	ch, err := h.syncer.Choices(context.Background(), userID)
	if err != nil {
		t.Fatalf("Choices: %v", err)
	}
	var ids []string
	for _, c := range ch.Calendars {
		ids = append(ids, c.ID)
	}
	if err := h.syncer.Link(context.Background(), userID, ids); err != nil {
		t.Fatalf("Link: %v", err)
	}
	return ids
}

// sync syncs the user's calendars and fails the test on error.
func (h *harness) sync(t testing.TB, userID string) calendars.Stats {
	t.Helper()
	st, err := h.syncer.Sync(context.Background(), userID)
	if err != nil {
		t.Fatalf("Sync: %v", err)
	}
	return st
}

// meetings returns the user's stored meetings in the window.
func (h *harness) meetings(t testing.TB, userID string) []calendars.Meeting {
	t.Helper()
	from, to := h.store.Window()
	ms, err := h.store.Meetings(context.Background(), userID, from, to)
	if err != nil {
		t.Fatalf("Meetings: %v", err)
	}
	return ms
}

// eventLists returns the events.list requests the fake served.
func (h *harness) eventLists() []googletest.RequestRecord {
	var out []googletest.RequestRecord
	for _, r := range h.fake.Requests() {
		if r.MethodID == "calendar.events.list" {
			out = append(out, r)
		}
	}
	return out
}
