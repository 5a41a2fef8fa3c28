package recordings_test

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

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

const (
	clientID     = "1234-recordings.apps.googleusercontent.com"
	clientSecret = "recordings-secret"
	redirectURI  = "http://127.0.0.1:9/callback"
)

// fastRetry retries without waiting, so that fault tests stay fast.
var fastRetry = retry.Policy{MaxAttempts: 8, Base: time.Millisecond, Max: 5 * time.Millisecond}

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

// wsMeetings serves a person's meetings from the fake's workspace, as the
// calendars store would after a sync of their primary calendar.
type wsMeetings struct {
	ws    *workspace.Workspace
	email string
	// noAttachments drops the attachments, so that files are matched by
	// their names alone.
	noAttachments bool
}

var _ recordings.Meetings = (*wsMeetings)(nil)

func (m *wsMeetings) Meetings(_ context.Context, _ string, from, to time.Time) ([]calendars.Meeting, error) {
	var out []calendars.Meeting
	for _, e := range m.ws.Events(m.email) {
		if e.Status == workspace.StatusCancelled || e.Recurrence != nil || !e.End.After(from) || !e.Start.Before(to) {
			continue
		}
		mt := calendars.Meeting{ID: meetingID(e.ID), CalendarID: calendars.PrimaryID, EventID: e.ID, Title: e.Summary,
			Start: e.Start, End: e.End, AllDay: e.AllDay, MeetCode: e.MeetCode, Organizer: e.Organizer, Status: e.Status}
		if !m.noAttachments {
			for _, a := range e.Attachments {
				mt.Attachments = append(mt.Attachments, calendars.Attachment{FileID: a.FileID, Title: a.Title, MimeType: a.MimeType, FileURL: a.FileURL})
			}
		}
		out = append(out, mt)
	}
	return out, nil
}

// meetingID is the meeting id the test's calendars give an event.
func meetingID(eventID string) string { return "m-" + eventID }

// harness is a fake Google with a generated workspace, a door to it, and
// one member who organised meetings with recordings and transcripts.
type harness struct {
	t      testing.TB
	ws     *workspace.Workspace
	fake   *googletest.Server
	urls   googletest.URLs
	db     *sqldb.DB
	door   *googlehttp.Door
	email  string
	userID string
	sent   *sentLog
	tokens *memTokens
}

// sentLog records the URLs of the requests that left the door.
type sentLog struct {
	mu   sync.Mutex
	urls []*url.URL
}

// RoundTrip records the URL and sends the request.
func (l *sentLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.urls = append(l.urls, r.URL)
	l.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// take returns the URLs sent since the last call.
func (l *sentLog) take() []*url.URL {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.urls
	l.urls = nil
	return out
}

// options size the harness's workspace.
type options struct {
	recordingSize int64
	seed          uint64
	// meetings is the number of meetings each person organises, 8 when 0.
	meetings int
	// ws, when set, replaces the generated workspace.
	ws *workspace.Workspace
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

// newHarness starts the fake and signs the member in with drive.readonly.
func newHarness(t testing.TB, o options) *harness {
	t.Helper()
	if o.recordingSize == 0 {
		o.recordingSize = 300 << 10
	}
	if o.meetings == 0 {
		o.meetings = 8
	}
	ws, err := o.ws, error(nil)
	if ws == nil {
		ws, err = workspace.Generate(workspace.GenerateOptions{Seed: 5, Domain: "example.test", People: 6,
			CalendarsPerPerson: 1, MeetingsPerCalendar: o.meetings, MeetShare: 1, RecordingShare: 0.8, TranscriptShare: 0.8,
			RecordingSize: o.recordingSize, Now: time.Now()})
		if err != nil {
			t.Fatalf("workspace.Generate: %v", err)
		}
	}
	fake, base, err := googletest.Start(googletest.Options{Workspace: ws, Seed: o.seed})
	if err != nil {
		t.Fatalf("googletest.Start: %v", err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.RegisterClient(googletest.Client{ID: clientID, Secret: clientSecret, RedirectURIs: []string{redirectURI}})
	h := &harness{t: t, ws: ws, fake: fake, urls: googletest.Endpoints(base), email: busiestOrganizer(ws), sent: &sentLog{}}
	h.userID = "u-" + h.email
	h.db = sqldbtest.SQLite(t)
	grants := grant.NewStore(h.db, time.Now)
	toks := &memTokens{toks: map[string]oauth2.Token{}}
	h.tokens = toks
	h.door, err = googlehttp.New(googlehttp.Options{
		Bases:  map[string]string{"people": h.urls.PeopleBase, "calendar": h.urls.CalendarBase, "drive": h.urls.DriveBase},
		OAuth2: h.config(), RevokeURL: h.urls.RevokeURL, Grants: grants, Tokens: toks,
		Trail: audit.New(h.db, audit.Options{Replica: "test"}), Base: h.sent,
	})
	if err != nil {
		t.Fatalf("googlehttp.New: %v", err)
	}
	tok := h.authorize([]string{scopes.OpenID, scopes.Email, scopes.DriveReadonly})
	if _, err := grants.Record(context.Background(), h.userID, clientID, scopes.Parse(tok.Extra("scope").(string))); err != nil {
		t.Fatalf("Record: %v", err)
	}
	if err := toks.Save(context.Background(), h.userID, tok); err != nil {
		t.Fatal(err)
	}
	fake.ResetRequests()
	h.sent.take()
	return h
}

func (h *harness) config() *oauth2.Config {
	return &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: h.urls.AuthURL, TokenURL: h.urls.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
}

// authorize runs the consent flow for the member and returns the token.
func (h *harness) authorize(scopeList []string) *oauth2.Token {
	t := h.t
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
	form := url.Values{"request": {string(m[1])}, "account": {h.email}, "action": {"allow"}, "scope": scopeList}
	resp, err = browser.PostForm(strings.TrimSuffix(h.urls.Issuer, "/")+"/o/oauth2/consent", form)
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

// service returns a Service for the harness with its own spool and, when
// db is nil, the harness's database.
func (h *harness) service(edit func(*recordings.Options)) *recordings.Service {
	h.t.Helper()
	o := recordings.Options{DB: h.db, Door: h.door, DriveURL: h.urls.DriveBase, SpoolDir: h.t.TempDir(),
		Meetings: &wsMeetings{ws: h.ws, email: h.email}, Retry: fastRetry}
	if edit != nil {
		edit(&o)
	}
	s, err := recordings.New(o)
	if err != nil {
		h.t.Fatalf("recordings.New: %v", err)
	}
	return s
}

// meetFiles returns the Meet files the member can see, by id.
func (h *harness) meetFiles() map[string]*workspace.File {
	out := map[string]*workspace.File{}
	for _, f := range h.ws.FilesFor(h.email) {
		if f.CreatedByMeet && !f.Trashed && !f.Deleted {
			out[f.ID] = f
		}
	}
	return out
}

// methods returns the Google method ids of the API requests the fake
// served, in order.
func (h *harness) methods() []string {
	var out []string
	for _, r := range h.fake.Requests() {
		if !strings.HasPrefix(r.MethodID, "oauth.") {
			out = append(out, r.MethodID)
		}
	}
	return out
}

// busiestOrganizer returns the email of the person who owns the most Meet
// files, so that the folder and the attachments both have work.
func busiestOrganizer(ws *workspace.Workspace) string {
	count := map[string]int{}
	for _, f := range ws.Files() {
		if f.CreatedByMeet {
			count[f.Owner]++
		}
	}
	var emails []string
	for e := range count {
		emails = append(emails, e)
	}
	slices.Sort(emails)
	best := ""
	for _, e := range emails {
		if best == "" || count[e] > count[best] {
			best = e
		}
	}
	return best
}
