package googlehttp_test

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
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

const (
	clientID     = "1234-door.apps.googleusercontent.com"
	clientSecret = "door-secret"
	redirectURI  = "http://127.0.0.1:9/callback"
)

// allScopes are the scopes a test user grants unless told otherwise.
var allScopes = []string{scopes.OpenID, scopes.Email, scopes.DirectoryReadonly, scopes.CalendarReadonly,
	scopes.CalendarEventsReadonly, scopes.DriveReadonly}

// clock is the door's settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// memTokens is an in-memory TokenStore.
type memTokens struct {
	mu   sync.Mutex
	toks map[string]oauth2.Token
}

var _ googlehttp.TokenStore = (*memTokens)(nil)

var errNoToken = errors.New("no token")

func (m *memTokens) Load(_ context.Context, userID string) (*oauth2.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.toks[userID]
	if !ok {
		return nil, errNoToken
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

// harness is a fake Google, a database, and a door to the fake.
type harness struct {
	fake    *googletest.Server
	urls    googletest.URLs
	people  []string // emails of the workspace's people
	db      *sqldb.DB
	trail   *audit.Trail
	grants  *grant.Store
	tokens  *memTokens
	clock   *clock
	door    *googlehttp.Door
	mu      sync.Mutex
	revoked []string // users OnRevoked was told about
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	ws, err := workspace.Generate(workspace.GenerateOptions{Seed: 7, Domain: "example.test", People: 12,
		CalendarsPerPerson: 1, MeetingsPerCalendar: 3, MeetShare: 1, RecordingShare: 1, TranscriptShare: 1,
		RecordingSize: 100 << 10, Now: time.Now()})
	if err != nil {
		t.Fatalf("workspace.Generate: %v", err)
	}
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws})
	if err != nil {
		t.Fatalf("googletest.Start: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.RegisterClient(googletest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI}})
	h := &harness{fake: fake, urls: googletest.Endpoints(base), db: sqldbtest.SQLite(t), tokens: &memTokens{toks: map[string]oauth2.Token{}},
		clock: &clock{t: time.Now()}}
	for _, p := range ws.People() {
		if !p.Deleted {
			h.people = append(h.people, p.Email)
		}
	}
	h.trail = audit.New(h.db, audit.Options{Replica: "test"})
	h.grants = grant.NewStore(h.db, h.clock.Now)
	h.door = h.newDoor(t, func(*googlehttp.Options) {})
	return h
}

// newDoor returns a door to the fake, with options changed by change.
func (h *harness) newDoor(t testing.TB, change func(*googlehttp.Options)) *googlehttp.Door {
	t.Helper()
	o := googlehttp.Options{
		Bases:  map[string]string{"people": h.urls.PeopleBase, "calendar": h.urls.CalendarBase, "drive": h.urls.DriveBase},
		OAuth2: h.config(), RevokeURL: h.urls.RevokeURL, Grants: h.grants, Tokens: h.tokens, Trail: h.trail, Now: h.clock.Now,
		ActorEmail: func(_ context.Context, userID string) (string, error) { return strings.TrimPrefix(userID, "u-"), nil },
		OnRevoked: func(_ context.Context, userID, _ string) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.revoked = append(h.revoked, userID)
		},
	}
	change(&o)
	d, err := googlehttp.New(o)
	if err != nil {
		t.Fatalf("googlehttp.New: %v", err)
	}
	return d
}

func (h *harness) config() *oauth2.Config {
	return &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: h.urls.AuthURL, TokenURL: h.urls.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

// authorize runs the OAuth flow for the i-th person, granting scopeList,
// and stores the grant and the token. It returns the user id, "u-"+email.
func (h *harness) authorize(t testing.TB, i int, scopeList ...string) string {
	t.Helper()
	email := h.people[i]
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
	resp, err = browser.PostForm(strings.TrimSuffix(h.urls.Issuer, "/")+"/o/oauth2/consent", form)
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

// expire makes the user's stored access token expired.
func (h *harness) expire(t testing.TB, userID string) {
	t.Helper()
	tok, err := h.tokens.Load(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	tok.Expiry = h.clock.Now().Add(-time.Minute)
	if err := h.tokens.Save(context.Background(), userID, tok); err != nil {
		t.Fatal(err)
	}
}

// apiRequests returns the API requests (not OAuth ones) the fake served
// for a user, or for anyone when userID is "".
func (h *harness) apiRequests(userID string) []googletest.RequestRecord {
	var out []googletest.RequestRecord
	for _, r := range h.fake.Requests() {
		if (userID == "" || r.User == strings.TrimPrefix(userID, "u-")) && !strings.HasPrefix(r.MethodID, "oauth.") {
			out = append(out, r)
		}
	}
	return out
}

// entries returns the user's audit entries, raw, oldest first.
func (h *harness) entries(t testing.TB, userID string) []audit.Entry {
	t.Helper()
	p, err := h.trail.Query(context.Background(), audit.Filter{UserID: userID, Raw: true, Limit: audit.MaxLimit})
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	return p.Entries
}

// ctxFor returns a context declaring a purpose.
func ctxFor(p scopes.Purpose) context.Context {
	return googlehttp.WithPurpose(context.Background(), p)
}
