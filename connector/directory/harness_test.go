package directory_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

const (
	clientID     = "1234-directory.apps.googleusercontent.com"
	clientSecret = "directory-secret"
	redirectURI  = "http://127.0.0.1:9/callback"
)

// fastRetry retries often and quickly, so that fault tests stay fast.
var fastRetry = retry.Policy{MaxAttempts: 12, Base: time.Millisecond, Max: 5 * time.Millisecond}

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

// harness is a fake Google serving a generated workspace, a database, and
// the audited door to the fake.
type harness struct {
	ws     *workspace.Workspace
	fake   *googletest.Server
	urls   googletest.URLs
	db     *sqldb.DB
	trail  *audit.Trail
	grants *grant.Store
	tokens *memTokens
	door   *googlehttp.Door
}

// newHarness serves a workspace of n people, seeded by seed, from a fake
// whose random faults follow faultSeed.
func newHarness(t testing.TB, db *sqldb.DB, n int, faultSeed uint64) *harness {
	t.Helper()
	ws, err := workspace.Generate(workspace.GenerateOptions{Seed: 3, Domain: "example.test", People: n, Now: time.Now()})
	if err != nil {
		t.Fatalf("workspace.Generate: %v", err)
	}
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws, Seed: faultSeed})
	if err != nil {
		t.Fatalf("googletest.Start: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.RegisterClient(googletest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI}})
	h := &harness{ws: ws, fake: fake, urls: googletest.Endpoints(base), db: db, tokens: &memTokens{toks: map[string]oauth2.Token{}}}
	h.trail = audit.New(db, audit.Options{Replica: "test", CheckpointEvery: -1})
	h.grants = grant.NewStore(db, nil)
	h.door, err = googlehttp.New(googlehttp.Options{
		Bases:  map[string]string{"people": h.urls.PeopleBase, "calendar": h.urls.CalendarBase, "drive": h.urls.DriveBase},
		OAuth2: h.config(), RevokeURL: h.urls.RevokeURL, Grants: h.grants, Tokens: h.tokens, Trail: h.trail,
	})
	if err != nil {
		t.Fatalf("googlehttp.New: %v", err)
	}
	return h
}

// syncer returns a Syncer on the harness's door; edit may change its options.
func (h *harness) syncer(t testing.TB, edit ...func(*directory.Options)) *directory.Syncer {
	t.Helper()
	o := directory.Options{DB: h.db, Door: h.door, Endpoint: h.urls.PeopleBase, Retry: fastRetry}
	for _, e := range edit {
		e(&o)
	}
	s, err := directory.New(o)
	if err != nil {
		t.Fatalf("directory.New: %v", err)
	}
	return s
}

func (h *harness) config() *oauth2.Config {
	return &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: h.urls.AuthURL, TokenURL: h.urls.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

// authorize runs Google's consent for the person with the given email,
// granting the invite feature's scopes, and stores the grant and the token.
// It returns the user id, "u-"+email.
func (h *harness) authorize(t testing.TB, email string) string {
	t.Helper()
	scopeList := []string{scopes.OpenID, scopes.Email, scopes.DirectoryReadonly}
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

// person returns the email of the workspace's i-th live person.
func (h *harness) person(t testing.TB, i int) string {
	t.Helper()
	for _, p := range h.ws.People() {
		if p.Deleted {
			continue
		}
		if i == 0 {
			return p.Email
		}
		i--
	}
	t.Fatal("the workspace has too few people")
	return ""
}

// want returns what a copy of the workspace's directory must hold, in the
// order People returns it.
func (h *harness) want() []directory.Person {
	var out []directory.Person
	for _, p := range h.ws.People() {
		if p.Deleted {
			continue
		}
		name := p.DisplayName
		if name == "" {
			name = strings.TrimSpace(p.GivenName + " " + p.FamilyName)
		}
		out = append(out, directory.Person{ResourceName: "people/" + p.ID, Name: name, Email: strings.ToLower(p.Email), PhotoURL: p.PhotoURL})
	}
	return sortPeople(out)
}

// sortPeople sorts people by resource name, as databases sort names by
// different collations.
func sortPeople(people []directory.Person) []directory.Person {
	slices.SortFunc(people, func(a, b directory.Person) int { return strings.Compare(a.ResourceName, b.ResourceName) })
	return people
}

// listRequests counts the listDirectoryPeople requests the fake served.
func (h *harness) listRequests() int {
	n := 0
	for _, r := range h.fake.Requests() {
		if r.MethodID == "people.people.listDirectoryPeople" {
			n++
		}
	}
	return n
}

// tapDoor is the door, except that it records the query of every request
// and, once failAfter requests went through (when failAfter is not
// negative), fails the others before they are sent, as a network outage
// would.
type tapDoor struct {
	door      directory.Door
	mu        sync.Mutex
	failAfter int
	queries   []url.Values
}

var errOutage = errors.New("test: network outage")

func (d *tapDoor) Client(userID string) *http.Client {
	inner := d.door.Client(userID)
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		d.mu.Lock()
		out := d.failAfter < 0 || len(d.queries) < d.failAfter
		d.queries = append(d.queries, r.URL.Query())
		d.mu.Unlock()
		if !out {
			return nil, errOutage
		}
		return inner.Transport.RoundTrip(r)
	})}
}

// sent returns the queries of the requests seen so far.
func (d *tapDoor) sent() []url.Values {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.queries)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
