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
// audience, expiry), then its nonce, azp and iat are checked. Granted scopes
// are read only from the token response (the requested ones when it omits
// them, RFC 6749 §5.1).
//
// The flows work with any standards-conformant OpenID Connect server, not
// only Google's: the client authenticates as Config.TokenAuth says, and
// with an issuer other than Google's a link also asks for offline_access
// and, since such a server may not honour include_granted_scopes, again for
// the scopes granted before; the grant is then exactly what the new token
// carries. A redirect with an OAuth error, and the scopes a user unticked,
// are audited as deny entries.
package googleauth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/oauth2"

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

// googleIssuerHost is the host of Google's OpenID issuer.
const googleIssuerHost = "accounts.google.com"

// offlineAccess is the OpenID Connect scope that asks for a refresh token
// (OIDC Core §11). Google does not use it; others do.
const offlineAccess = "offline_access"

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
	// TokenAuth is how the client authenticates at the token endpoint, for
	// code exchanges and refreshes, and at the revoke endpoint: one of
	// TokenAuthAuto (the default when empty), TokenAuthBasic or
	// TokenAuthPost.
	TokenAuth string
}

// Client authentication styles (RFC 6749 §2.3.1), the values of
// Config.TokenAuth and GOOGLE_TOKEN_AUTH.
const (
	// TokenAuthAuto tries HTTP Basic first and then the form body, as
	// golang.org/x/oauth2's AuthStyleAutoDetect does, and remembers what
	// worked.
	TokenAuthAuto = "auto"
	// TokenAuthBasic is client_secret_basic: HTTP Basic authentication.
	TokenAuthBasic = "basic"
	// TokenAuthPost is client_secret_post: client_id and client_secret in
	// the form body.
	TokenAuthPost = "post"
)

// authStyle returns the x/oauth2 style of c.TokenAuth.
func (c Config) authStyle() oauth2.AuthStyle {
	switch c.TokenAuth {
	case TokenAuthBasic:
		return oauth2.AuthStyleInHeader
	case TokenAuthPost:
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleAutoDetect
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
	switch c.TokenAuth {
	case "", TokenAuthAuto, TokenAuthBasic, TokenAuthPost:
	default:
		errs = append(errs, fmt.Errorf("token authentication %q is not one of auto, basic and post", c.TokenAuth))
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
	// Lost are the features the user could use before this link and no
	// longer can: the server does not honour incremental authorization and
	// the new token, which replaces the old one, lacks their scopes.
	Lost []scopes.Feature
	// NoRefreshToken is true when, after a link, ScopeTrail holds no refresh
	// token for the user: it can reach Google only until the access token
	// expires, and not while the user is away.
	NoRefreshToken bool
}
