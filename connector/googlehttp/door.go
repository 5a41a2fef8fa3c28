package googlehttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// GrantSource gives the door the users' grants, and takes its reports of
// revocations seen at Google. *grant.Store is one.
type GrantSource interface {
	// Get returns the grant of a user, or an error wrapping
	// grant.ErrNotFound.
	Get(ctx context.Context, userID string) (grant.Grant, error)
	// MarkReconnect marks that the user must link their account again.
	MarkReconnect(ctx context.Context, userID, reason string) error
	// Revoke marks the user's grant revoked.
	Revoke(ctx context.Context, userID, reason string) error
}

// TokenStore keeps the users' tokens. The door is the only reader of token
// values that sends them anywhere. Implementations are safe for concurrent
// use, keep each user's token apart, and pass the contract suite in
// googlehttp/tokenstoretest.
type TokenStore interface {
	// Load returns the user's token, with the granted scopes as its "scope"
	// extra when they are known. The caller may change the token it gets.
	// Load returns an error wrapping ErrNoToken if no token is stored for
	// the user, and another error if the stored token cannot be read.
	Load(ctx context.Context, userID string) (*oauth2.Token, error)
	// Save stores a copy of tok, replacing the user's token: a token
	// without a refresh token keeps the stored refresh token, and one
	// without a "scope" extra keeps the stored scopes (RFC 6749 §5.1: an
	// omitted scope is unchanged). It returns an error if the token cannot
	// be stored.
	Save(ctx context.Context, userID string, tok *oauth2.Token) error
}

// Options configure a Door.
type Options struct {
	// Bases are the APIs' base URLs; an empty one means Google's.
	Bases Bases
	// OAuth2 holds the client credentials and the token endpoint used to
	// refresh tokens. Required.
	OAuth2 *oauth2.Config
	// RevokeURL is Google's token revocation endpoint, for Revoke.
	RevokeURL string
	// Grants, Tokens and Trail are required.
	Grants GrantSource
	Tokens TokenStore
	Trail  *audit.Trail
	// Base sends the requests; nil means http.DefaultTransport's settings
	// with Timeouts.Connect.
	Base http.RoundTripper
	// Timeouts bound the waits of every request sent through Base,
	// refreshes and revocations included.
	Timeouts Timeouts
	// Now is the clock that decides whether a token has expired; nil means
	// time.Now. Latency is measured with the monotonic clock.
	Now func() time.Time
	// ActorEmail, when set, names the user in audit entries. It is asked
	// once per user and cached.
	ActorEmail func(ctx context.Context, userID string) (string, error)
}

// Door is the audited door to Google. It is safe for concurrent use.
type Door struct {
	bases      map[string]string
	oauth      *oauth2.Config
	revokeURL  string
	grants     GrantSource
	tokens     TokenStore
	trail      *audit.Trail
	base       http.RoundTripper
	now        func() time.Time
	emails     func(ctx context.Context, userID string) (string, error)
	emailCache sync.Map

	// refreshing holds one mutex per user, so that one refresh at a time
	// runs for a user in this process.
	refreshing sync.Map
	// revokeInHeader is the style of client authentication the revoke
	// endpoint accepted, with AuthStyleAutoDetect; nil until one has.
	revokeInHeader atomic.Pointer[bool]
}

// New returns a Door.
func New(o Options) (*Door, error) {
	var missing []error
	for name, ok := range map[string]bool{"OAuth2": o.OAuth2 != nil, "Grants": o.Grants != nil, "Tokens": o.Tokens != nil, "Trail": o.Trail != nil} {
		if !ok {
			missing = append(missing, fmt.Errorf("googlehttp: Options.%s is required", name))
		}
	}
	if err := errors.Join(missing...); err != nil {
		return nil, err
	}
	d := &Door{bases: o.Bases.byAPI(), oauth: o.OAuth2, revokeURL: o.RevokeURL, grants: o.Grants, tokens: o.Tokens, trail: o.Trail,
		base: o.Base, now: o.Now, emails: o.ActorEmail}
	timeouts := o.Timeouts.orDefault()
	if d.base == nil {
		d.base = newTransport(timeouts)
	}
	d.base = &deadlines{base: d.base, timeout: timeouts}
	if d.now == nil {
		d.now = time.Now
	}
	return d, nil
}

// Client returns an HTTP client that acts for a user through the door, for
// option.WithHTTPClient. Requests need a purpose: see WithPurpose.
func (d *Door) Client(userID string) *http.Client {
	return &http.Client{Transport: &transport{door: d, userID: userID}}
}
