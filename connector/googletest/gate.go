package googletest

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
	"github.com/scopetrail/scopetrail/scopes"
)

// apiPrefixes are the paths the APIs are mounted below.
var apiPrefixes = []string{"/v1/", "/calendar/v3/", "/drive/v3/"}

// Google's messages for authentication and scope errors (spec §2.2).
const (
	msgMissingCredentials = "Request is missing required authentication credential. Expected OAuth 2 access token, " +
		"login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	msgInvalidCredentials = "Request had invalid authentication credentials. Expected OAuth 2 access token, " +
		"login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	msgInsufficientScopes = "Request had insufficient authentication scopes."
	realm                 = `Bearer realm="https://accounts.google.com/"`
)

// gate authenticates an API request, finds its method in the scope oracle
// (never in package scopes' table, which the door uses), enforces the
// method's scopes, injects faults, and passes the request on to next with
// the fakeapi.Caller in its context.
func (s *Server) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, ok := oracleMatch(r)
		if !ok {
			writeNotFoundPage(w, r)
			return
		}
		annotate(r, func(rec *RequestRecord) { rec.MethodID = m.ID })
		api, rpc := m.API, rpcName(m)
		v := bearerToken(r)
		if v == "" {
			w.Header().Set("WWW-Authenticate", realm)
			fakeapi.Error{Code: http.StatusUnauthorized, Reason: "CREDENTIALS_MISSING", Message: msgMissingCredentials, Method: rpc}.Write(w, api)
			return
		}
		tok, ok := s.validAccess(v)
		if !ok {
			w.Header().Set("WWW-Authenticate", realm+`, error="invalid_token"`)
			fakeapi.Error{Code: http.StatusUnauthorized, Reason: "ACCESS_TOKEN_EXPIRED", Message: msgInvalidCredentials, Method: rpc}.Write(w, api)
			return
		}
		email := tok.grant.email
		annotate(r, func(rec *RequestRecord) { rec.User, rec.ClientID = email, tok.grant.clientID })
		scope, ok := narrowestScope(m.Scopes, tok.scopes)
		if !ok {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`%s, error="insufficient_scope", scope="%s"`, realm, strings.Join(m.Scopes, " ")))
			fakeapi.Error{Code: http.StatusForbidden, Reason: "ACCESS_TOKEN_SCOPE_INSUFFICIENT", Message: msgInsufficientScopes, Method: rpc}.Write(w, api)
			return
		}
		annotate(r, func(rec *RequestRecord) { rec.Scope = scope })
		r = r.WithContext(fakeapi.WithCaller(r.Context(), fakeapi.Caller{Email: email, ClientID: tok.grant.clientID, Scopes: tok.scopes}))
		if f, ok := s.faults.match(m.ID, email); ok {
			s.injectAPIFault(w, r, f, faultTarget{api: api, rpc: rpc, email: email}, next)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearerToken returns the access token of a request: the Authorization
// header's Bearer token, or the access_token query parameter.
func bearerToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return ""
		}
		return strings.TrimSpace(token)
	}
	return r.URL.Query().Get("access_token")
}

// narrowestScope picks, among the granted scopes that are accepted, the
// narrowest by the registry's Breadth (scopes the registry does not know
// count as broadest), then the shortest name.
func narrowestScope(accepted, granted []string) (string, bool) {
	best, bestBreadth := "", math.MaxInt
	for _, sc := range granted {
		if !slices.Contains(accepted, sc) {
			continue
		}
		breadth := math.MaxInt - 1
		if reg, ok := scopes.Lookup(sc); ok {
			breadth = reg.Breadth
		}
		if breadth < bestBreadth || (breadth == bestBreadth && len(sc) < len(best)) {
			best, bestBreadth = sc, breadth
		}
	}
	return best, best != ""
}

// rpcName is the method's gRPC name as Google puts it in ErrorInfo
// metadata, such as "calendar.v3.Events.List" (the Drive and People forms
// are unconfirmed).
func rpcName(m oracleMethod) string {
	parts := strings.Split(m.ID, ".")
	resource, method := title(parts[len(parts)-2]), title(parts[len(parts)-1])
	switch m.API {
	case fakeapi.APICalendar:
		return "calendar.v3." + resource + "." + method
	case fakeapi.APIDrive:
		return "google.apps.drive.v3.Drive" + resource + "." + method
	default:
		return "google.people.v1." + resource + "Service." + method
	}
}

func title(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// writeNotFoundPage writes the HTML 404 page Google's front end serves for
// a path that is no API method.
func writeNotFoundPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, "<!DOCTYPE html>\n<title>Error 404 (Not Found)!!1</title>\n"+
		"<p><b>404.</b> That’s an error.\n<p>The requested URL <code>%s</code> was not found on this server. That’s all we know.\n",
		template.HTMLEscapeString(r.URL.Path))
}
