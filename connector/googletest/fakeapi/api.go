// Package fakeapi serves fakes of Google's People v1, Calendar v3 and Drive
// v3 APIs over a workspace.Workspace, faithful to google-spec.md so that the
// real generated clients in google.golang.org/api decode every response and
// meet the same paging, sync, error and download behaviour as at Google.
//
// The handlers serve full paths (/v1/..., /calendar/v3/..., /drive/v3/...)
// and expect the server in front of them (package googletest) to have
// authenticated the request, enforced the method's scopes and stored the
// Caller in the request context with WithCaller. They use the Caller for
// data visibility: calendar access, Drive ownership and sharing, and the
// drive.meet.readonly filter.
package fakeapi

import (
	"crypto/rand"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// Options configures an API.
type Options struct {
	// Now is the clock; nil means time.Now. It decides sync token expiry,
	// channel expiry and the recurrence expansion horizon.
	Now func() time.Time
	// BaseURL is the fake's external base URL (no trailing slash), used in
	// the resource URIs of push channels. When empty it is derived from
	// each request's Host.
	BaseURL string
}

// API serves the fake People, Calendar and Drive APIs.
type API struct {
	ws      *workspace.Workspace
	now     func() time.Time
	baseURL string
	codec   tokenCodec
	syncs   *syncTokens
	handler http.Handler
	push    *pusher
	// patterns are the ServeMux patterns of every method served.
	patterns []string

	dirMu sync.Mutex
	dir   *directory
}

// New returns an API over ws. Call Close when done, to stop the push
// notification workers.
func New(ws *workspace.Workspace, o Options) *API {
	if o.Now == nil {
		o.Now = time.Now
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails.
	a := &API{ws: ws, now: o.Now, baseURL: strings.TrimSuffix(o.BaseURL, "/"), codec: tokenCodec{key: key}}
	a.syncs = &syncTokens{codec: a.codec, now: o.Now}
	a.push = newPusher(ws, o.Now)
	a.handler = a.routes()
	return a
}

// Handler returns the handler of every API path.
func (a *API) Handler() http.Handler { return a.handler }

// Patterns returns the http.ServeMux pattern, such as
// "GET /drive/v3/files/{fileId}", of every method the API serves.
func (a *API) Patterns() []string { return slices.Clone(a.patterns) }

// ExpireSyncTokens makes every sync token issued so far to email, or to
// everyone when email is "", expired: People answers 400
// EXPIRED_SYNC_TOKEN and Calendar 410 fullSyncRequired.
func (a *API) ExpireSyncTokens(email string) { a.syncs.expire(email) }

// Close stops the push notification workers and drops every channel.
func (a *API) Close() { a.push.close() }

// routes builds the handler of every API path.
func (a *API) routes() http.Handler {
	mux := http.NewServeMux()
	a.handle(mux, "GET /v1/people:listDirectoryPeople", APIPeople, a.listDirectoryPeople)
	a.handle(mux, "GET /v1/people:searchDirectoryPeople", APIPeople, a.searchDirectoryPeople)
	a.handle(mux, "GET /v1/people/{personId}", APIPeople, a.getPerson)

	a.handle(mux, "GET /calendar/v3/users/me/calendarList", APICalendar, a.listCalendarList)
	a.handle(mux, "GET /calendar/v3/calendars/{calendarId}/events", APICalendar, a.listEvents)
	a.handle(mux, "GET /calendar/v3/calendars/{calendarId}/events/{eventId}", APICalendar, a.getEvent)
	a.handle(mux, "POST /calendar/v3/calendars/{calendarId}/events/watch", APICalendar, a.watchEvents)
	a.handle(mux, "POST /calendar/v3/channels/stop", APICalendar, a.stopChannel)

	a.handle(mux, "GET /drive/v3/files", APIDrive, a.listFiles)
	a.handle(mux, "GET /drive/v3/files/{fileId}", APIDrive, a.getFile)
	a.handle(mux, "GET /drive/v3/files/{fileId}/export", APIDrive, a.exportFile)
	a.handle(mux, "GET /drive/v3/changes/startPageToken", APIDrive, a.getStartPageToken)
	a.handle(mux, "GET /drive/v3/changes", APIDrive, a.listChanges)

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		notFound("The requested URL "+r.URL.Path+" was not found on this server.").Write(w, apiOf(r.URL.Path))
	})
	return mux
}

// handle registers h for pattern; the error h returns is written in api's
// error envelope.
func (a *API) handle(mux *http.ServeMux, pattern, api string, h func(http.ResponseWriter, *http.Request, Caller) error) {
	a.patterns = append(a.patterns, pattern)
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c, ok := CallerFrom(r.Context())
		if !ok || c.Email == "" {
			WriteError(w, api, http.StatusUnauthorized, "required", "Request is missing required authentication credential. "+
				"Expected OAuth 2 access token, login cookie or other valid authentication credential. "+
				"See https://developers.google.com/identity/sign-in/web/devconsole-project.")
			return
		}
		err := h(w, r, c)
		if err == nil {
			return
		}
		var e Error
		if !errors.As(err, &e) {
			e = Error{Code: http.StatusInternalServerError, Reason: "backendError", Message: "Backend Error"}
		}
		e.Write(w, api)
	})
}

// apiOf guesses the API of a request path, for errors on unknown paths.
func apiOf(path string) string {
	switch {
	case strings.HasPrefix(path, "/calendar/"):
		return APICalendar
	case strings.HasPrefix(path, "/drive/"):
		return APIDrive
	default:
		return APIPeople
	}
}

// base returns the external base URL for r.
func (a *API) base(r *http.Request) string {
	if a.baseURL != "" {
		return a.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
