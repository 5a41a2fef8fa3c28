package googleauth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/tokens"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// Flow runs sign-in and linking. It is safe for concurrent use; the state
// of an unfinished flow is in the database, so any replica can finish it.
type Flow struct {
	cfg      Config
	db       *sqldb.DB
	users    *identity.Store
	tokens   *tokens.Store
	grants   *grant.Store
	audit    *audit.Trail
	invites  Invitations
	now      func() time.Time
	http     *http.Client
	verifier *oidc.IDTokenVerifier
	// exchanger exchanges codes; one Config, so that the style
	// TokenAuthAuto detects is remembered.
	exchanger *oauth2.Config
}

// New returns a Flow. When cfg.Endpoints.JWKSURL is empty it fetches the
// issuer's discovery document to find it (and any other empty endpoint);
// otherwise it makes no request. It reports every configuration problem at
// once.
func New(ctx context.Context, cfg Config, deps Deps) (*Flow, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("googleauth: invalid configuration:\n%w", err)
	}
	if deps.DB == nil || deps.Users == nil || deps.Tokens == nil || deps.Grants == nil || deps.Audit == nil {
		return nil, errors.New("googleauth: Deps.DB, Users, Tokens, Grants and Audit are all required")
	}
	f := &Flow{
		cfg: cfg, db: deps.DB, users: deps.Users, tokens: deps.Tokens, grants: deps.Grants, audit: deps.Audit,
		now: deps.Now, http: cmp.Or(deps.HTTPClient, &http.Client{Timeout: 30 * time.Second}), invites: deps.Invitations,
	}
	if f.now == nil {
		f.now = time.Now
	}
	f.cfg.AllowedDomains = nil
	for _, d := range cfg.AllowedDomains {
		f.cfg.AllowedDomains = append(f.cfg.AllowedDomains, strings.ToLower(strings.TrimSpace(d)))
	}
	// The key set outlives ctx: it refetches keys when Google rotates them.
	keyCtx := oidc.ClientContext(context.WithoutCancel(ctx), f.http)
	ep := &f.cfg.Endpoints
	if ep.JWKSURL == "" {
		if err := discover(oidc.ClientContext(ctx, f.http), ep); err != nil {
			return nil, err
		}
	}
	if ep.AuthURL == "" || ep.TokenURL == "" {
		return nil, errors.New("googleauth: the authorization and token URLs must be configured or discoverable")
	}
	provider := (&oidc.ProviderConfig{
		IssuerURL: ep.Issuer, AuthURL: ep.AuthURL, TokenURL: ep.TokenURL, UserInfoURL: ep.UserinfoURL, JWKSURL: ep.JWKSURL,
	}).NewProvider(keyCtx)
	f.verifier = provider.VerifierContext(keyCtx, &oidc.Config{ClientID: cfg.ClientID, Now: f.now})
	f.exchanger = f.OAuth2Config()
	return f, nil
}

// discover fills the empty endpoints from the issuer's discovery document.
func discover(ctx context.Context, ep *Endpoints) error {
	p, err := oidc.NewProvider(ctx, ep.Issuer)
	if err != nil {
		return fmt.Errorf("googleauth: discovering the OpenID configuration of %s: %w", ep.Issuer, err)
	}
	var meta struct {
		JWKSURI    string `json:"jwks_uri"`
		Revocation string `json:"revocation_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return fmt.Errorf("googleauth: reading the OpenID configuration of %s: %w", ep.Issuer, err)
	}
	if meta.JWKSURI == "" {
		return fmt.Errorf("googleauth: the OpenID configuration of %s has no jwks_uri", ep.Issuer)
	}
	ep.JWKSURL = meta.JWKSURI
	ep.AuthURL = cmp.Or(ep.AuthURL, p.Endpoint().AuthURL)
	ep.TokenURL = cmp.Or(ep.TokenURL, p.Endpoint().TokenURL)
	ep.UserinfoURL = cmp.Or(ep.UserinfoURL, p.UserInfoEndpoint())
	ep.RevokeURL = cmp.Or(ep.RevokeURL, meta.Revocation)
	return nil
}

// OAuth2Config returns the client configuration without scopes, for
// refreshing tokens. It authenticates the client as Config.TokenAuth says.
// Each call returns a new Config, whose auto-detected style is found anew.
func (f *Flow) OAuth2Config() *oauth2.Config {
	return &oauth2.Config{
		ClientID:     f.cfg.ClientID,
		ClientSecret: f.cfg.ClientSecret,
		RedirectURL:  f.cfg.RedirectURL,
		Endpoint: oauth2.Endpoint{
			AuthURL:   f.cfg.Endpoints.AuthURL,
			TokenURL:  f.cfg.Endpoints.TokenURL,
			AuthStyle: f.cfg.authStyle(),
		},
	}
}

// Endpoints returns the endpoints in use, including discovered ones.
func (f *Flow) Endpoints() Endpoints { return f.cfg.Endpoints }

// BeginSignIn starts a sign-in with openid, email and profile. It stores the
// request for 10 minutes and returns the URL to send the browser to and the
// state to keep in the browser's session for Finish. A loginHint other than
// "" is sent as Google's login_hint, the email of the account that Google's
// account chooser preselects; it is only a hint: whoever signs in is who
// Finish admits or refuses.
func (f *Flow) BeginSignIn(ctx context.Context, loginHint string) (authURL, state string, err error) {
	var opts []oauth2.AuthCodeOption
	if len(f.cfg.AllowedDomains) == 1 {
		// A hint for Google's account chooser; Finish enforces the domain.
		opts = append(opts, oauth2.SetAuthURLParam("hd", f.cfg.AllowedDomains[0]))
	}
	if loginHint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", loginHint))
	}
	return f.begin(ctx, pending{kind: KindSignIn}, scopes.SignIn, opts...)
}

// BeginLink starts asking a signed-in user for a feature's scopes, plus
// openid so that Finish can check the same Google account answered. It asks
// for offline access, includes the scopes granted before, and sends
// prompt=consent: Google returns a refresh token only on consent, and a
// refresh token keeps the scopes of the exchange that issued it, so a link
// that did not come back with a new one would lose its scopes at the next
// refresh. From an issuer other than
// Google's, which may not honour include_granted_scopes, it asks again for
// the feature scopes granted before, and for offline_access (OIDC Core
// §11), which such servers need to issue a refresh token. It returns
// ErrUnknownFeature for a feature without scopes, and an error wrapping
// identity.ErrNotFound for an unknown user.
func (f *Flow) BeginLink(ctx context.Context, userID string, feature scopes.Feature) (authURL, state string, err error) {
	want := scopes.FeatureScopes(feature)
	if len(want) == 0 {
		return "", "", fmt.Errorf("%w: %q", ErrUnknownFeature, feature)
	}
	u, err := f.users.User(ctx, userID)
	if err != nil {
		return "", "", fmt.Errorf("googleauth: starting link: %w", err)
	}
	ask := slices.Concat([]string{scopes.OpenID}, want)
	if !f.incremental() {
		earlier, err := f.earlierScopes(ctx, userID)
		if err != nil {
			return "", "", fmt.Errorf("googleauth: starting link: %w", err)
		}
		for _, sc := range earlier {
			if !slices.Contains(ask, sc) {
				ask = append(ask, sc)
			}
		}
		ask = append(ask, offlineAccess)
	}
	return f.begin(ctx, pending{kind: KindLink, userID: userID, feature: feature}, ask,
		oauth2.AccessTypeOffline, oauth2.ApprovalForce,
		oauth2.SetAuthURLParam("include_granted_scopes", "true"),
		oauth2.SetAuthURLParam("login_hint", u.Email))
}

// incremental reports whether the issuer is Google's, which honours
// include_granted_scopes: a new token carries every scope granted before.
func (f *Flow) incremental() bool {
	u, err := url.Parse(f.cfg.Endpoints.Issuer)
	return err == nil && u.Host == googleIssuerHost
}

// earlierScopes returns the feature scopes the user's grant holds, none
// when it is revoked.
func (f *Flow) earlierScopes(ctx context.Context, userID string) ([]string, error) {
	g, err := f.grants.Get(ctx, userID)
	switch {
	case errors.Is(err, grant.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case g.Status == grant.StatusRevoked:
		return nil, nil
	}
	var out []string
	for _, sc := range g.Scopes {
		if !slices.Contains(scopes.SignIn, sc) {
			out = append(out, sc)
		}
	}
	return out, nil
}

// begin stores a pending request with a fresh state, nonce and PKCE
// verifier, and returns the authorization URL.
func (f *Flow) begin(ctx context.Context, p pending, scopeList []string, opts ...oauth2.AuthCodeOption) (authURL, state string, err error) {
	state, p.nonce, p.verifier, p.scopes = randomString(), randomString(), oauth2.GenerateVerifier(), scopeList
	p.expires = f.now().Add(pendingTTL)
	if err := f.savePending(ctx, state, p); err != nil {
		return "", "", fmt.Errorf("googleauth: starting %s: %w", p.kind, err)
	}
	cfg := f.OAuth2Config()
	cfg.Scopes = scopeList
	opts = append(opts, oidc.Nonce(p.nonce), oauth2.S256ChallengeOption(p.verifier))
	return cfg.AuthCodeURL(state, opts...), state, nil
}
