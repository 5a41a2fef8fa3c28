package revoke_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// failingRevoke makes the fake's revoke endpoint answer 503 while it is on;
// it wraps the door's base transport, as an outage between us and Google.
type failingRevoke struct{ on atomic.Bool }

func (f *failingRevoke) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.on.Load() && strings.HasSuffix(r.URL.Path, "/revoke") {
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{}, Request: r,
			Body: io.NopCloser(strings.NewReader(`{"error":"backend_error"}`))}, nil
	}
	return http.DefaultTransport.RoundTrip(r)
}

// google is the fake Google and its endpoints.
type google struct {
	fake   *googletest.Server
	urls   googletest.URLs
	people []string
}

func startGoogle(t testing.TB) *google {
	t.Helper()
	ws, err := workspace.Generate(workspace.GenerateOptions{Seed: 11, Domain: "example.test", People: 4,
		CalendarsPerPerson: 1, MeetingsPerCalendar: 2, RecordingSize: 1 << 10, Now: time.Now()})
	if err != nil {
		t.Fatalf("workspace.Generate: %v", err)
	}
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws})
	if err != nil {
		t.Fatalf("googletest.Start: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.RegisterClient(googletest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI}})
	g := &google{fake: fake, urls: googletest.Endpoints(base)}
	for _, p := range ws.People() {
		if !p.Deleted {
			g.people = append(g.people, p.Email)
		}
	}
	return g
}

func (g *google) config() *oauth2.Config {
	return &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: g.urls.AuthURL, TokenURL: g.urls.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
}

// requests returns how many requests the fake served for a user.
func (g *google) requests(email string) int {
	n := 0
	for _, r := range g.fake.Requests() {
		if r.User == email {
			n++
		}
	}
	return n
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

// consent runs the OAuth flow at the fake for email and returns the token.
func (r *replica) consent(t testing.TB, email string) *oauth2.Token {
	t.Helper()
	cfg := r.google.config()
	cfg.Scopes = featureScopes
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
	form := url.Values{"request": {string(m[1])}, "account": {email}, "action": {"allow"}, "scope": featureScopes}
	resp, err = browser.PostForm(r.google.urls.Issuer+"/o/oauth2/consent", form)
	if err != nil {
		t.Fatalf("consenting: %v", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("consent redirected to %q", resp.Header.Get("Location"))
	}
	tok, err := cfg.Exchange(context.Background(), loc.Query().Get("code"))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

// honours reports whether Google still honours a token: its refresh
// token still refreshes.
func (g *google) honours(t testing.TB, tok *oauth2.Token) bool {
	t.Helper()
	_, err := g.config().TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	var re *oauth2.RetrieveError
	switch {
	case err == nil:
		return true
	case errors.As(err, &re) && re.ErrorCode == "invalid_grant":
		return false
	}
	t.Fatalf("refreshing at the fake: %v", err)
	return false
}
