package googleauth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
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
// refreshing tokens. It sends the client credentials in the form body, as
// Google expects.
func (f *Flow) OAuth2Config() *oauth2.Config {
	return &oauth2.Config{
		ClientID:     f.cfg.ClientID,
		ClientSecret: f.cfg.ClientSecret,
		RedirectURL:  f.cfg.RedirectURL,
		Endpoint: oauth2.Endpoint{
			AuthURL:   f.cfg.Endpoints.AuthURL,
			TokenURL:  f.cfg.Endpoints.TokenURL,
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// Endpoints returns the endpoints in use, including discovered ones.
func (f *Flow) Endpoints() Endpoints { return f.cfg.Endpoints }

// BeginSignIn starts a sign-in with openid, email and profile. It stores the
// request for 10 minutes and returns the URL to send the browser to and the
// state to keep in the browser's session for Finish.
func (f *Flow) BeginSignIn(ctx context.Context) (authURL, state string, err error) {
	var opts []oauth2.AuthCodeOption
	if len(f.cfg.AllowedDomains) == 1 {
		// A hint for Google's account chooser; Finish enforces the domain.
		opts = append(opts, oauth2.SetAuthURLParam("hd", f.cfg.AllowedDomains[0]))
	}
	return f.begin(ctx, pending{kind: KindSignIn}, scopes.SignIn, opts...)
}

// BeginLink starts asking a signed-in user for a feature's scopes, plus
// openid so that Finish can check the same Google account answered. It asks
// for offline access and includes the scopes granted before; it sends
// prompt=consent only when no refresh token is held for the user, since
// Google returns a refresh token only on consent. It returns
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
	hasRefresh, err := f.tokens.HasRefreshToken(ctx, userID)
	if err != nil {
		return "", "", fmt.Errorf("googleauth: starting link: %w", err)
	}
	opts := []oauth2.AuthCodeOption{
		oauth2.AccessTypeOffline,
		oauth2.SetAuthURLParam("include_granted_scopes", "true"),
		oauth2.SetAuthURLParam("login_hint", u.Email),
	}
	if !hasRefresh {
		opts = append(opts, oauth2.ApprovalForce)
	}
	return f.begin(ctx, pending{kind: KindLink, userID: userID, feature: feature}, slices.Concat([]string{scopes.OpenID}, want), opts...)
}

// begin stores a pending request with a fresh state, nonce and PKCE
// verifier, and returns the authorization URL.
func (f *Flow) begin(ctx context.Context, p pending, scopeList []string, opts ...oauth2.AuthCodeOption) (authURL, state string, err error) {
	state, p.nonce, p.verifier = randomString(), randomString(), oauth2.GenerateVerifier()
	p.expires = f.now().Add(pendingTTL)
	if err := f.savePending(ctx, state, p); err != nil {
		return "", "", fmt.Errorf("googleauth: starting %s: %w", p.kind, err)
	}
	cfg := f.OAuth2Config()
	cfg.Scopes = scopeList
	opts = append(opts, oidc.Nonce(p.nonce), oauth2.S256ChallengeOption(p.verifier))
	return cfg.AuthCodeURL(state, opts...), state, nil
}
