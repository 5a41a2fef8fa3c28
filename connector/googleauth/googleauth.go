// Package googleauth runs ScopeTrail's two OAuth flows with Google: sign-in
// with OpenID Connect (openid email profile), and linking, which asks a
// signed-in user for the scopes of one feature at a time (incremental
// authorization).
//
// Every authorization request carries a state, a nonce and a PKCE S256
// challenge. The state, nonce and code verifier are kept server-side, keyed
// by a hash of the state, and are consumed exactly once when Google
// redirects back; the state must also match the one kept in the browser's
// session. The ID token is verified with go-oidc (signature, issuer,
// audience, expiry) and its nonce is checked. Granted scopes are read only
// from the token response.
package googleauth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Errors returned by Finish and BeginLink. They are wrapped with details.
var (
	// ErrAccessDenied means the user refused consent on Google's page.
	ErrAccessDenied = errors.New("googleauth: the user denied access")
	// ErrStateMismatch means the redirect's state is missing, does not
	// match the browser session, is unknown, was already used or expired.
	ErrStateMismatch = errors.New("googleauth: unknown, reused or mismatched state")
	// ErrDomainNotAllowed means the account's hosted domain ("hd" claim)
	// is not one of Config.AllowedDomains.
	ErrDomainNotAllowed = errors.New("googleauth: account domain not allowed")
	// ErrIDToken means the ID token is missing or failed verification:
	// signature, issuer, audience, expiry, nonce or an unverified email.
	ErrIDToken = errors.New("googleauth: invalid ID token")
	// ErrExchange means the authorization code could not be exchanged for a
	// token.
	ErrExchange = errors.New("googleauth: code exchange failed")
	// ErrAccountMismatch means a link was granted by a different Google
	// account than the signed-in user's.
	ErrAccountMismatch = errors.New("googleauth: linked Google account is not the signed-in account")
	// ErrUnknownFeature means BeginLink was asked for a feature that has no
	// scopes.
	ErrUnknownFeature = errors.New("googleauth: unknown feature")
)

// Kinds of flow, in Result.Kind.
const (
	KindSignIn = "signin"
	KindLink   = "link"
)

// Endpoints are Google's OAuth and OpenID Connect URLs, each of which can be
// pointed at a stand-in such as the fake in connector/googletest.
// The environment variables name them for the command line, with Google's
// production endpoints as defaults.
type Endpoints struct {
	AuthURL     string `env:"GOOGLE_AUTH_URL" envDefault:"https://accounts.google.com/o/oauth2/v2/auth"`
	TokenURL    string `env:"GOOGLE_TOKEN_URL" envDefault:"https://oauth2.googleapis.com/token"`
	RevokeURL   string `env:"GOOGLE_REVOKE_URL" envDefault:"https://oauth2.googleapis.com/revoke"`
	UserinfoURL string `env:"GOOGLE_USERINFO_URL" envDefault:"https://openidconnect.googleapis.com/v1/userinfo"`
	// Issuer is the OpenID issuer the ID token must name.
	Issuer string `env:"GOOGLE_ISSUER" envDefault:"https://accounts.google.com"`
	// JWKSURL is where the ID token signing keys are published. When empty,
	// New discovers it, and any other empty URL, from the issuer's
	// /.well-known/openid-configuration.
	JWKSURL string `env:"GOOGLE_JWKS_URL" envDefault:"https://www.googleapis.com/oauth2/v3/certs"`
}

// GoogleEndpoints returns Google's production endpoints.
func GoogleEndpoints() Endpoints {
	return Endpoints{
		AuthURL:     "https://accounts.google.com/o/oauth2/v2/auth",
		TokenURL:    "https://oauth2.googleapis.com/token",
		RevokeURL:   "https://oauth2.googleapis.com/revoke",
		UserinfoURL: "https://openidconnect.googleapis.com/v1/userinfo",
		Issuer:      "https://accounts.google.com",
		JWKSURL:     "https://www.googleapis.com/oauth2/v3/certs",
	}
}

// Config configures the flows.
type Config struct {
	// ClientID and ClientSecret identify ScopeTrail's OAuth client.
	ClientID, ClientSecret string
	// RedirectURL is the callback registered with the client.
	RedirectURL string
	Endpoints   Endpoints
	// AllowedDomains, when not empty, lists the Google Workspace domains
	// whose accounts may sign in, matched against the ID token's "hd".
	AllowedDomains []string
	// AdminEmails become admins when they sign in; see identity.Store.SignIn.
	// They are always admitted.
	AdminEmails []string
	// SignupDomains are the email domains whose accounts may sign up
	// without an invitation; see Finish for the other ways in.
	SignupDomains []string
}

// validate reports every problem of c at once.
func (c Config) validate() error {
	var errs []error
	if c.ClientID == "" {
		errs = append(errs, errors.New("client id is empty"))
	}
	if c.ClientSecret == "" {
		errs = append(errs, errors.New("client secret is empty"))
	}
	for name, u := range map[string]string{"redirect URL": c.RedirectURL, "issuer": c.Endpoints.Issuer} {
		if p, err := url.Parse(u); err != nil || !p.IsAbs() || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s %q is not an absolute URL", name, u))
		}
	}
	return errors.Join(errs...)
}

// Deps are the stores the flows write to. All but Invitations, Now and
// HTTPClient are required.
type Deps struct {
	// DB holds the pending authorization requests.
	DB     *sqldb.DB
	Users  *identity.Store
	Tokens *tokens.Store
	Grants *grant.Store
	Audit  *audit.Trail
	// Invitations admits the accounts invited by email; nil admits nobody
	// by invitation.
	Invitations Invitations
	// Now is the clock for request expiry and ID token verification; nil
	// means time.Now.
	Now func() time.Time
	// HTTPClient makes the discovery, key and token requests; nil means a
	// client with a 30 second timeout.
	HTTPClient *http.Client
}

// Result is what a finished flow did.
type Result struct {
	// Kind is KindSignIn or KindLink.
	Kind string
	// User is the user who signed in, or who linked the feature. For a
	// link, callers should check it is the user of the browser session.
	User identity.User
	// Feature is the feature linked; empty for sign-in.
	Feature scopes.Feature
	// Granted are the scopes Google's token response says were granted,
	// canonical and sorted.
	Granted []string
	// Missing are the feature's scopes that were not granted.
	Missing []string
}
