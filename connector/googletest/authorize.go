package googletest

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scopetrail/scopetrail/scopes"
)

// authRequestTTL is how long a consent page can be answered.
const authRequestTTL = 10 * time.Minute

// authRequest is a validated authorization request, waiting for the user's
// answer on the consent page. The consent form carries only its id, so the
// client, redirect URI and scopes cannot be changed by the form.
type authRequest struct {
	id             string
	client         Client
	redirectURI    string
	scopes         []string // Google spellings, in the order requested
	state          string
	nonce          string
	offline        bool
	prompt         []string
	includeGranted bool
	loginHint      string
	challenge      string
	method         string
	expires        time.Time
}

// pkceChallenge is the syntax of an RFC 7636 code challenge or verifier.
var pkceChallenge = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// authorize serves /o/oauth2/auth and /o/oauth2/v2/auth: it validates the
// request and shows the consent page, or answers at once for prompt=none.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	annotate(r, func(rec *RequestRecord) { rec.MethodID = "oauth.authorize" })
	req, perr := s.parseAuthRequest(r.URL.Query())
	if perr != nil {
		renderError(w, perr)
		return
	}
	annotate(r, func(rec *RequestRecord) { rec.ClientID = req.client.ID })
	if slices.Contains(req.prompt, "none") {
		s.authorizeSilently(w, r, req)
		return
	}
	s.mu.Lock()
	s.sweepLocked()
	s.pending[req.id] = req
	s.mu.Unlock()
	s.renderConsent(w, req)
}

// parseAuthRequest validates an authorization request in Google's order:
// client and redirect URI first (errors shown on Google's own page, never
// redirected), then the other parameters.
func (s *Server) parseAuthRequest(q url.Values) (*authRequest, *pageError) {
	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	if clientID == "" {
		return nil, invalidRequestPage("Missing required parameter: client_id", q)
	}
	c, ok := s.client(clientID)
	if !ok {
		return nil, &pageError{Status: http.StatusUnauthorized, Code: "invalid_client",
			Message: "The OAuth client was not found.", Details: details(q)}
	}
	if redirectURI == "" {
		return nil, invalidRequestPage("Missing required parameter: redirect_uri", q)
	}
	if !slices.Contains(c.RedirectURIs, redirectURI) {
		return nil, &pageError{Status: http.StatusBadRequest, Code: "redirect_uri_mismatch",
			Message: fmt.Sprintf("You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. "+
				"If you're the app developer, register the redirect URI in the Google Cloud Console: %s", redirectURI),
			Details: details(q)}
	}
	if rt := q.Get("response_type"); rt != "code" {
		return nil, invalidRequestPage(fmt.Sprintf("Invalid response_type: %q. Only \"code\" is supported.", rt), q)
	}
	req := &authRequest{
		id: randomToken("", 24), client: c, redirectURI: redirectURI,
		state: q.Get("state"), nonce: q.Get("nonce"), loginHint: q.Get("login_hint"),
		includeGranted: q.Get("include_granted_scopes") == "true" && !s.strict,
		prompt:         strings.Fields(q.Get("prompt")),
		challenge:      q.Get("code_challenge"),
		method:         q.Get("code_challenge_method"),
		expires:        s.now().Add(authRequestTTL),
	}
	if q.Get("scope") == "" {
		return nil, invalidRequestPage("Missing required parameter: scope", q)
	}
	var invalid []string
	for _, sc := range strings.Fields(q.Get("scope")) {
		sc = googleSpelling(sc)
		if keep, known := s.requestedScope(sc); !known {
			invalid = append(invalid, sc)
		} else if !keep {
			continue
		} else if !slices.Contains(req.scopes, sc) {
			req.scopes = append(req.scopes, sc)
		}
	}
	if len(invalid) > 0 {
		return nil, &pageError{Status: http.StatusBadRequest, Code: "invalid_scope",
			Message: fmt.Sprintf("Some requested scopes were invalid. {invalid=[%s]}", strings.Join(invalid, ", ")), Details: details(q)}
	}
	switch q.Get("access_type") {
	case "", "online":
	case "offline":
		req.offline = true
	default:
		return nil, invalidRequestPage(fmt.Sprintf("Invalid access_type: %s", q.Get("access_type")), q)
	}
	for _, p := range req.prompt {
		if p != "none" && p != "consent" && p != "select_account" {
			return nil, invalidRequestPage(fmt.Sprintf("Invalid prompt: %s", q.Get("prompt")), q)
		}
	}
	if slices.Contains(req.prompt, "none") && len(req.prompt) > 1 {
		return nil, invalidRequestPage("prompt=none must not be combined with other values", q)
	}
	return req, req.checkPKCE(q)
}

// checkPKCE validates the code challenge; plain is the default method.
func (req *authRequest) checkPKCE(q url.Values) *pageError {
	if req.challenge == "" {
		if req.method != "" {
			return invalidRequestPage("code_challenge_method without code_challenge", q)
		}
		return nil
	}
	if req.method == "" {
		req.method = "plain"
	}
	if req.method != "S256" && req.method != "plain" {
		return invalidRequestPage("Invalid code_challenge_method: "+req.method, q)
	}
	if !pkceChallenge.MatchString(req.challenge) {
		return invalidRequestPage("Invalid code_challenge", q)
	}
	return nil
}

// authorizeSilently answers prompt=none without a page. The fake has no
// browser session, so login_hint names the signed-in account; the request
// succeeds when that account already granted every requested scope.
func (s *Server) authorizeSilently(w http.ResponseWriter, r *http.Request, req *authRequest) {
	p, ok := s.personByHint(req.loginHint)
	if !ok {
		redirectWith(w, r, req.redirectURI, url.Values{"error": {"login_required"}, "state": {req.state}})
		return
	}
	key := grantKey{clientID: req.client.ID, email: p.Email}
	annotate(r, func(rec *RequestRecord) { rec.User = p.Email })
	s.mu.Lock()
	g := s.grants[key]
	if g == nil || slices.ContainsFunc(req.scopes, func(sc string) bool { return !slices.Contains(g.scopes, sc) }) {
		s.mu.Unlock()
		redirectWith(w, r, req.redirectURI, url.Values{"error": {"consent_required"}, "state": {req.state}})
		return
	}
	code, granted := s.issueCodeLocked(req, g, req.scopes, false)
	s.mu.Unlock()
	s.redirectWithCode(w, r, req, code, granted, "none")
}

// googleSpelling returns the spelling Google uses for a requested scope:
// the short sign-in scopes email and profile come back in their long form.
func googleSpelling(scope string) string {
	switch scope {
	case scopes.Email:
		return scopes.UserinfoEmail
	case scopes.Profile:
		return scopes.UserinfoProfile
	}
	return scope
}

// knownScopes is every scope the fake accepts in an authorization request:
// the sign-in scopes and every scope of a method in the discovery table.
var knownScopes = sync.OnceValue(func() map[string]bool {
	known := map[string]bool{scopes.OpenID: true, scopes.UserinfoEmail: true, scopes.UserinfoProfile: true}
	for _, m := range scopes.Methods() {
		for _, sc := range m.Scopes {
			known[sc] = true
		}
	}
	return known
})
