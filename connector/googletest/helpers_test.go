package googletest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/clocktest"
)

const (
	clientID     = "1234-test.apps.googleusercontent.com"
	clientSecret = "test-secret"
	redirectURI  = "http://127.0.0.1:9999/auth/callback"
	// htmlName is a display name that must come out escaped.
	htmlName = "<script>alert(1)</script>"
)

// fake is a started fake Google with one registered client.
type fake struct {
	*googletest.Server
	google *connectortest.Google
	base   string
	urls   googletest.URLs
	clock  *clocktest.Clock
	ws     *workspace.Workspace
	// users are the emails of the first active people of the workspace.
	users []string
}

// fakeOptions tune newFake.
type fakeOptions struct {
	people        int
	testingClient bool
	recordingSize int64
	noMeetings    bool // a directory only, quick to generate at scale
}

// newFake starts a fake serving a small generated workspace, plus a person
// whose name is HTML.
func newFake(t testing.TB, o fakeOptions) *fake {
	t.Helper()
	if o.people == 0 {
		o.people = 8
	}
	clk := clocktest.New(time.Now().Truncate(time.Second))
	calendars, meetings := 2, 6
	if o.noMeetings {
		calendars, meetings = 1, 0
	}
	ws, err := workspace.Generate(workspace.GenerateOptions{
		Seed: 42, Domain: "example.test", People: o.people, CalendarsPerPerson: calendars, MeetingsPerCalendar: meetings,
		MeetShare: 1, RecordingShare: 1, TranscriptShare: 1, RecordingSize: o.recordingSize, Now: clk.Now(),
	})
	if err != nil {
		t.Fatalf("workspace.Generate: %v", err)
	}
	ws.PutPerson(workspace.Person{ID: "html1", Email: "mallory@example.test", GivenName: "Mal", FamilyName: "Lory", DisplayName: htmlName})
	g := connectortest.StartGoogle(t, connectortest.Options{Workspace: ws, FakeNow: clk.Now, FaultSeed: 1,
		Client: googletest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI},
			Name: "ScopeTrail Test", Testing: o.testingClient}})
	f := &fake{Server: g.Fake, google: g, base: g.Base, urls: g.URLs, clock: clk, ws: ws}
	for _, p := range ws.People() {
		if !p.Deleted && p.ID != "html1" {
			f.users = append(f.users, p.Email)
		}
	}
	return f
}

// config is an oauth2 config for the registered client.
func (f *fake) config(scopeList ...string) *oauth2.Config { return f.google.OAuth2Config(scopeList...) }

// login runs the whole flow for user with every requested scope granted
// and returns the token.
func (f *fake) login(t testing.TB, user string, cfg *oauth2.Config, opts ...oauth2.AuthCodeOption) *oauth2.Token {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	opts = append(opts, oauth2.S256ChallengeOption(verifier))
	loc := browser.Consent(t, cfg.AuthCodeURL("st", opts...), browser.Answer{Account: user})
	tok, err := cfg.Exchange(context.Background(), loc.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return tok
}

// allScopes are the scopes ScopeTrail asks for, sign-in included.
var allScopes = []string{scopes.OpenID, scopes.Email, scopes.Profile, scopes.DirectoryReadonly,
	scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly}

// postForm posts a form to the fake and decodes the JSON answer.
func (f *fake) postForm(t testing.TB, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(f.base+path, form)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("POST %s: decoding the answer: %v", path, err)
	}
	return resp.StatusCode, body
}

// getJSON gets a path of the fake and decodes the JSON answer.
func (f *fake) getJSON(t testing.TB, path string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(f.base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET %s: decoding the answer: %v", path, err)
	}
	return resp.StatusCode, body
}

// googletestClient is a second registered client.
func googletestClient(id string) googletest.Client {
	return googletest.Client{ID: id, Secret: "other-secret", RedirectURIs: []string{redirectURI}}
}

// doJSON sends a request and decodes the JSON answer.
func doJSON(t testing.TB, req *http.Request) (int, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s %s: decoding the answer: %v", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode, body
}

// recording returns a Meet recording of the workspace that is not trashed.
func (f *fake) recording(t testing.TB) *workspace.File {
	t.Helper()
	for _, file := range f.ws.Files() {
		if file.MimeType == workspace.MimeMP4 && !file.Trashed && !file.Deleted {
			return file
		}
	}
	t.Fatal("the workspace has no recording")
	return nil
}
