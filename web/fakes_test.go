package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

var (
	_ Sessions = (*fakeIdentity)(nil)
	_ Users    = (*fakeIdentity)(nil)
	_ Auth     = (*fakeAuth)(nil)
	_ Grants   = (*fakeGrants)(nil)
	_ Tokens   = (*fakeTokens)(nil)
	_ Pinger   = (*fakePinger)(nil)
)

// fakeIdentity keeps users and sessions in memory.
type fakeIdentity struct {
	mu       sync.Mutex
	users    map[string]identity.User
	sessions map[string]string // session id → user id
	next     int
	// roleChanges are the role changes made, as "by made whom role".
	roleChanges []string
}

func newFakeIdentity() *fakeIdentity {
	return &fakeIdentity{users: map[string]identity.User{}, sessions: map[string]string{}}
}

func (f *fakeIdentity) put(u identity.User) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[u.ID] = u
}

func (f *fakeIdentity) CreateSession(_ context.Context, userID string, _ time.Duration) (identity.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	id := fmt.Sprintf("session-%d", f.next)
	f.sessions[id] = userID
	return identity.Session{ID: id, UserID: userID}, nil
}

func (f *fakeIdentity) Session(_ context.Context, id string) (identity.Session, identity.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	uid, ok := f.sessions[id]
	if !ok {
		return identity.Session{}, identity.User{}, identity.ErrNotFound
	}
	return identity.Session{ID: id, UserID: uid}, f.users[uid], nil
}

func (f *fakeIdentity) EndSession(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.sessions[id]; !ok {
		return identity.ErrNotFound
	}
	delete(f.sessions, id)
	return nil
}

// endUserSessions ends every session of a user, as revocation does.
func (f *fakeIdentity) endUserSessions(userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, uid := range f.sessions {
		if uid == userID {
			delete(f.sessions, id)
		}
	}
}

func (f *fakeIdentity) Users(context.Context) ([]identity.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []identity.User
	for _, u := range f.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b identity.User) int { return strings.Compare(a.Email, b.Email) })
	return out, nil
}

func (f *fakeIdentity) ChangeRole(_ context.Context, id string, r identity.Role, by identity.User) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok {
		return fmt.Errorf("setting role: %w", identity.ErrNotFound)
	}
	f.roleChanges = append(f.roleChanges, fmt.Sprintf("%s made %s %s", by.Email, u.Email, r))
	u.Role = r
	f.users[id] = u
	return nil
}

// fakeAuth plays Google: each Begin returns a fresh state, and Finish
// returns the result queued for that state, checking state like googleauth.
type fakeAuth struct {
	mu      sync.Mutex
	next    int
	pending map[string]googleauth.Result
	// finishErr, when set, is returned by Finish after the state checks.
	finishErr error
	// keepPending makes Finish return finishErr before it consumes the
	// state, as googleauth does for a malformed redirect.
	keepPending bool
	// beginErr, when set, is returned by BeginSignIn and BeginLink.
	beginErr error
	// signInAs is the user the next sign-in returns.
	signInAs identity.User
	// linkGrants maps a feature to the scopes the next link grants.
	linkGrants map[scopes.Feature][]string
	// linkAs, when set, is the user id links report instead of the caller.
	linkAs string
	// linkLost and linkNoRefresh are the next links' Result.Lost and
	// Result.NoRefreshToken.
	linkLost      []scopes.Feature
	linkNoRefresh bool
}

func newFakeAuth() *fakeAuth {
	return &fakeAuth{pending: map[string]googleauth.Result{}, linkGrants: map[scopes.Feature][]string{}}
}

const fakeAuthURL = "https://accounts.example.test/o/oauth2/v2/auth"

// begin queues the result for a new state; the caller holds f.mu.
func (f *fakeAuth) begin(res googleauth.Result) (string, string, error) {
	if f.beginErr != nil {
		return "", "", f.beginErr
	}
	f.next++
	state := fmt.Sprintf("state-%d", f.next)
	f.pending[state] = res
	return fakeAuthURL + "?state=" + state, state, nil
}

// BeginSignIn adds a login hint to the URL as login_hint, as googleauth does.
func (f *fakeAuth) BeginSignIn(_ context.Context, loginHint string) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	authURL, state, err := f.begin(googleauth.Result{Kind: googleauth.KindSignIn, User: f.signInAs})
	if err == nil && loginHint != "" {
		authURL += "&login_hint=" + url.QueryEscape(loginHint)
	}
	return authURL, state, err
}

func (f *fakeAuth) BeginLink(_ context.Context, userID string, feature scopes.Feature) (string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.linkAs != "" {
		userID = f.linkAs
	}
	granted := f.linkGrants[feature]
	var missing []string
	for _, s := range scopes.FeatureScopes(feature) {
		if !slices.Contains(granted, s) {
			missing = append(missing, s)
		}
	}
	return f.begin(googleauth.Result{Kind: googleauth.KindLink, User: identity.User{ID: userID}, Feature: feature, Granted: granted, Missing: missing,
		Lost: f.linkLost, NoRefreshToken: f.linkNoRefresh})
}

func (f *fakeAuth) Finish(_ context.Context, sessionState string, q url.Values) (googleauth.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res, ok := f.pending[q.Get("state")]
	if !ok || q.Get("state") != sessionState {
		return googleauth.Result{}, fmt.Errorf("finishing: %w", googleauth.ErrStateMismatch)
	}
	if f.keepPending && f.finishErr != nil {
		return googleauth.Result{}, f.finishErr
	}
	delete(f.pending, q.Get("state"))
	if q.Get("error") == "access_denied" {
		return googleauth.Result{}, fmt.Errorf("google said access_denied: %w", googleauth.ErrAccessDenied)
	}
	if f.finishErr != nil {
		return googleauth.Result{}, f.finishErr
	}
	return res, nil
}

// fakeGrants holds grants in memory.
type fakeGrants struct {
	mu     sync.Mutex
	grants map[string]grant.Grant
	err    error
}

func (f *fakeGrants) put(g grant.Grant) {
	f.mu.Lock()
	defer f.mu.Unlock()
	slices.Sort(g.Scopes)
	slices.Sort(g.Suspended)
	f.grants[g.UserID] = g
}

func (f *fakeGrants) Get(_ context.Context, userID string) (grant.Grant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return grant.Grant{}, f.err
	}
	g, ok := f.grants[userID]
	if !ok {
		return grant.Grant{}, fmt.Errorf("reading grant: %w", grant.ErrNotFound)
	}
	return g, nil
}

// fakeTokens reports the users that hold a refresh token.
type fakeTokens struct {
	mu      sync.Mutex
	refresh map[string]bool
	// panics makes HasRefreshToken panic, as a bug would.
	panics bool
}

func (f *fakeTokens) HasRefreshToken(_ context.Context, userID string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.panics {
		panic("fakeTokens: a bug")
	}
	return f.refresh[userID], nil
}

// fakePinger answers /readyz's ping with err.
type fakePinger struct {
	mu  sync.Mutex
	err error
}

func (f *fakePinger) PingContext(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// errDatabaseDown is a failure no table entry knows.
var errDatabaseDown = errors.New("database is down")
