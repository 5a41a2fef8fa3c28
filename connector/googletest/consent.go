package googletest

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/scopes"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// consentPage is the data of the consent page.
type consentPage struct {
	RequestID string
	App       string
	Domain    string
	Accounts  []accountOption
	Scopes    []scopeOption
}

type accountOption struct {
	Email, Name string
	Selected    bool
}

// scopeOption is one checkbox. Sign-in scopes are Fixed: always granted,
// shown ticked and disabled, as on Google's page.
type scopeOption struct {
	Value, Description string
	Fixed              bool
}

// renderConsent shows the consent page of a pending request.
func (s *Server) renderConsent(w http.ResponseWriter, req *authRequest) {
	page := consentPage{RequestID: req.id, App: req.client.displayName(), Domain: s.ws.Domain}
	hinted, _ := s.personByHint(req.loginHint)
	for _, p := range s.ws.People() {
		if !p.Deleted {
			page.Accounts = append(page.Accounts, accountOption{Email: p.Email, Name: p.DisplayName, Selected: p.Email == hinted.Email})
		}
	}
	for _, sc := range req.scopes {
		opt := scopeOption{Value: sc, Description: sc, Fixed: isSignIn(sc) || sc == offlineAccess}
		if reg, ok := scopes.Lookup(sc); ok {
			opt.Description = reg.Description
		}
		page.Scopes = append(page.Scopes, opt)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = pages.ExecuteTemplate(w, "consent.html", page) // a write error means the browser left
}

// consent serves POST /o/oauth2/consent, the answer to a consent page:
// Cancel redirects with error=access_denied, Allow with a code bound to the
// ticked scopes and the chosen account.
func (s *Server) consent(w http.ResponseWriter, r *http.Request) {
	annotate(r, func(rec *RequestRecord) { rec.MethodID = "oauth.consent" })
	if err := r.ParseForm(); err != nil {
		renderError(w, invalidRequestPage("The consent form could not be read.", nil))
		return
	}
	id := r.PostForm.Get("request")
	s.mu.Lock()
	req, ok := s.pending[id]
	delete(s.pending, id)
	s.mu.Unlock()
	if !ok || !s.now().Before(req.expires) {
		renderError(w, invalidRequestPage("This sign-in request has expired or was already answered. Go back to the app and try again.", nil))
		return
	}
	annotate(r, func(rec *RequestRecord) { rec.ClientID = req.client.ID })
	denied := url.Values{"error": {"access_denied"}, "state": {req.state}}
	switch r.PostForm.Get("action") {
	case "cancel":
		redirectWith(w, r, req.redirectURI, denied)
		return
	case "allow":
	default:
		renderError(w, invalidRequestPage("Choose Allow or Cancel.", nil))
		return
	}
	p, ok := s.activePerson(r.PostForm.Get("account"))
	if !ok {
		renderError(w, invalidRequestPage("Choose an account of "+s.ws.Domain+".", nil))
		return
	}
	annotate(r, func(rec *RequestRecord) { rec.User = p.Email })
	ticked := r.PostForm["scope"]
	var granted []string
	for _, sc := range req.scopes {
		if isSignIn(sc) || sc == offlineAccess || slices.Contains(ticked, sc) {
			granted = append(granted, sc)
		}
	}
	if len(granted) == 0 {
		redirectWith(w, r, req.redirectURI, denied)
		return
	}
	s.mu.Lock()
	g, first := s.recordConsentLocked(grantKey{clientID: req.client.ID, email: p.Email}, granted)
	withRefresh := req.offline && (first || slices.Contains(req.prompt, "consent"))
	if s.strict {
		withRefresh = withRefreshStrict(granted)
	}
	code, codeScopes := s.issueCodeLocked(req, g, granted, withRefresh)
	s.mu.Unlock()
	s.redirectWithCode(w, r, req, code, codeScopes, "consent")
}

// issueCodeLocked issues an authorization code for the granted scopes, plus
// every scope granted earlier when the request asked for
// include_granted_scopes. s.mu must be held.
func (s *Server) issueCodeLocked(req *authRequest, g *grant, granted []string, withRefresh bool) (code string, codeScopes []string) {
	codeScopes = union(nil, granted)
	if req.includeGranted {
		codeScopes = slices.Clone(g.scopes)
	}
	code = randomToken(codePrefix, 48)
	s.codes[code] = &authCode{
		grant: g.key, redirectURI: req.redirectURI, scopes: codeScopes, requested: req.scopes, nonce: req.nonce,
		challenge: req.challenge, method: req.method, offline: req.offline,
		withRefresh: withRefresh, expires: s.now().Add(codeTTL),
	}
	return code, codeScopes
}

// redirectWithCode sends the browser back to the app with a code, as Google
// does: code and state, plus scope, authuser, hd and prompt.
func (s *Server) redirectWithCode(w http.ResponseWriter, r *http.Request, req *authRequest, code string, granted []string, prompt string) {
	redirectWith(w, r, req.redirectURI, url.Values{
		"code": {code}, "state": {req.state}, "scope": {strings.Join(granted, " ")},
		"authuser": {"0"}, "hd": {s.ws.Domain}, "prompt": {prompt},
	})
}

// redirectWith redirects to a registered redirect URI with the non-empty
// params added to its query.
func redirectWith(w http.ResponseWriter, r *http.Request, redirectURI string, params url.Values) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		renderError(w, invalidRequestPage("The registered redirect URI is not a valid URL.", nil))
		return
	}
	q := u.Query()
	for k, v := range params {
		if len(v) == 1 && v[0] == "" {
			continue
		}
		q[k] = v
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// personByHint returns the active person a login_hint names, by email or
// by subject id.
func (s *Server) personByHint(hint string) (workspace.Person, bool) {
	if hint == "" {
		return workspace.Person{}, false
	}
	if p, ok := s.activePerson(hint); ok {
		return p, true
	}
	if p, ok := s.ws.PersonByID(hint); ok && !p.Deleted {
		return p, true
	}
	return workspace.Person{}, false
}
