package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// Users every harness knows.
var (
	alice = identity.User{ID: "u-alice", Email: "alice@example.com", Name: "Alice Admin", Role: identity.RoleAdmin}
	bob   = identity.User{ID: "u-bob", Email: "bob@example.com", Name: "Bob Member", Role: identity.RoleMember}
	rita  = identity.User{ID: "u-rita", Email: "rita@example.com", Name: "Rita Reviewer", Role: identity.RoleReviewer}
)

// testSessionKeys returns a hash key and a block key.
func testSessionKeys(seed byte) [][]byte {
	return [][]byte{bytes.Repeat([]byte{seed}, 32), bytes.Repeat([]byte{seed + 1}, 32)}
}

// logBuffer collects log output from the server's goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is a web server over real HTTP with in-memory fakes behind it and
// a browser-like client that keeps cookies and does not follow redirects.
type harness struct {
	t       *testing.T
	ts      *httptest.Server
	browser *browser.Browser
	ident   *fakeIdentity
	auth    *fakeAuth
	grants  *fakeGrants
	tokens  *fakeTokens
	db      *fakePinger
	logs    *logBuffer
}

// newHarness starts a server; edit may change its Config.
func newHarness(t *testing.T, edit ...func(*Config)) *harness {
	t.Helper()
	h := &harness{
		t:      t,
		ident:  newFakeIdentity(),
		auth:   newFakeAuth(),
		grants: &fakeGrants{grants: map[string]grant.Grant{}},
		tokens: &fakeTokens{refresh: map[string]bool{}},
		db:     &fakePinger{},
		logs:   &logBuffer{},
	}
	for _, u := range []identity.User{alice, bob, rita} {
		h.ident.put(u)
	}
	cfg := h.config()
	for _, e := range edit {
		e(&cfg)
	}
	h.serve(cfg, h.deps())
	h.browser = browser.New(t, browser.StopAtRedirects())
	return h
}

// config is the Config newHarness starts its server with: debug logs go
// to h.logs.
func (h *harness) config() Config {
	return Config{
		AuthURL:        fakeAuthURL,
		SessionKeys:    testSessionKeys(1),
		AllowedDomains: []string{"example.com"},
		Logger:         slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// deps is the harness's fakes as Deps, for a test to add to.
func (h *harness) deps() Deps {
	return Deps{Core: Core{Sessions: h.ident, Users: h.ident, Auth: h.auth, Grants: h.grants, Tokens: h.tokens, DB: h.db}}
}

// serve (re)starts the harness's server with cfg and deps, closing the one
// it replaces.
func (h *harness) serve(cfg Config, deps Deps) {
	h.t.Helper()
	srv, err := New(cfg, deps)
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	if h.ts != nil {
		h.ts.Close()
	}
	h.ts = httptest.NewServer(srv)
	h.t.Cleanup(h.ts.Close)
}

// do sends a request with the harness's cookies.
func (h *harness) do(method, path string, form url.Values, header http.Header) *browser.Page {
	h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, h.ts.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return h.browser.Do(req)
}

// get sends a GET.
func (h *harness) get(path string) *browser.Page {
	h.t.Helper()
	return h.do(http.MethodGet, path, nil, nil)
}

// token returns the CSRF token of the browser's session, as a page shows it.
func (h *harness) token() string {
	h.t.Helper()
	r := h.get("/")
	if r.StatusCode == http.StatusSeeOther {
		r = h.get(r.Location())
	}
	return r.CSRFToken(h.t)
}

// post submits a form with the session's CSRF token.
func (h *harness) post(path string, form url.Values) *browser.Page {
	h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if !form.Has(csrfField) {
		form.Set(csrfField, h.token())
	}
	return h.do(http.MethodPost, path, form, nil)
}

// expectStatus fails the test unless r has the status.
func (h *harness) expectStatus(r *browser.Page, want int) {
	h.t.Helper()
	if r.StatusCode != want {
		h.t.Fatalf("%s %s: status %d, want %d; body:\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.Content)
	}
}

// googleRedirect posts a form that should send the browser to Google, and
// returns the state Google was given.
func (h *harness) googleRedirect(path string) string {
	h.t.Helper()
	r := h.post(path, nil)
	h.expectStatus(r, http.StatusSeeOther)
	u, err := url.Parse(r.Location())
	if err != nil || !strings.HasPrefix(r.Location(), fakeAuthURL) {
		h.t.Fatalf("POST %s redirected to %q, want Google", path, r.Location())
	}
	return u.Query().Get("state")
}

// callback comes back from Google with the given query.
func (h *harness) callback(q url.Values) *browser.Page {
	h.t.Helper()
	return h.get("/auth/callback?" + q.Encode())
}

// signIn signs the browser in as u.
func (h *harness) signIn(u identity.User) {
	h.t.Helper()
	h.auth.mu.Lock()
	h.auth.signInAs = u
	h.auth.mu.Unlock()
	state := h.googleRedirect("/auth/signin")
	r := h.callback(url.Values{"state": {state}, "code": {"a-secret-code"}})
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/dashboard" {
		h.t.Fatalf("sign-in redirected to %q, want /dashboard", r.Location())
	}
}
