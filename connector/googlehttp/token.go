package googlehttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// expiryDelta is how long before its expiry a token is treated as expired,
// as golang.org/x/oauth2 does.
const expiryDelta = 10 * time.Second

// token returns a usable token for c's user: the stored one while it is
// fresh, else a refreshed one. A non-empty stale is an access token Google
// refused; the token is refreshed unless another request already replaced
// it. refreshed reports whether this call refreshed the token.
//
// One refresh at a time runs for a user: requests of this process wait on a
// mutex, so that at most one of them per user waits on the store's lock
// (RefreshLocker), which excludes the other processes. Once it holds the
// lock, a request reads the token again, and does not refresh it if
// another request, here or in another process, already did.
func (d *Door) token(ctx context.Context, c *call, stale string) (tok *oauth2.Token, refreshed bool, err error) {
	if tok, err = d.load(ctx, c); err != nil || d.fresh(tok, stale) {
		return tok, false, err
	}
	mu, _ := d.refreshing.LoadOrStore(c.userID, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	locker, ok := d.tokens.(RefreshLocker)
	if !ok {
		return d.refreshUnlessFresh(ctx, c, stale)
	}
	called := false
	lerr := locker.LockRefresh(ctx, c.userID, func(ctx context.Context) error {
		called = true
		tok, refreshed, err = d.refreshUnlessFresh(ctx, c, stale)
		return err
	})
	if !called {
		return nil, false, d.deny(ctx, c, "token_store_error", fmt.Errorf("%w: locking the refresh of %s: %w", ErrTokenStore, c.userID, lerr))
	}
	return tok, refreshed, err
}

// refreshUnlessFresh loads the user's token again and refreshes it unless
// another request already did.
func (d *Door) refreshUnlessFresh(ctx context.Context, c *call, stale string) (*oauth2.Token, bool, error) {
	tok, err := d.load(ctx, c)
	if err != nil || d.fresh(tok, stale) {
		return tok, false, err
	}
	if tok, err = d.refresh(ctx, c, tok); err != nil {
		return nil, false, err
	}
	return tok, true, nil
}

func (d *Door) fresh(tok *oauth2.Token, stale string) bool {
	return tok.AccessToken != "" && tok.AccessToken != stale &&
		(tok.Expiry.IsZero() || d.now().Add(expiryDelta).Before(tok.Expiry))
}

// load loads the user's token. Without one the request is refused with a
// deny entry; so it is when the store cannot be read, but with an error
// wrapping ErrTokenStore, worth another attempt.
func (d *Door) load(ctx context.Context, c *call) (*oauth2.Token, error) {
	tok, err := d.tokens.Load(ctx, c.userID)
	switch {
	case err == nil && tok != nil:
		return tok, nil
	case err == nil || errors.Is(err, ErrNoToken):
		return nil, d.noToken(ctx, c, "no_token", err)
	}
	return nil, d.deny(ctx, c, "token_store_error", fmt.Errorf("%w for %s: %w", ErrTokenStore, c.userID, err))
}

// noToken writes the deny entry of a request refused for want of a token
// and returns its error, wrapping cause when there is one.
func (d *Door) noToken(ctx context.Context, c *call, reason string, cause error) error {
	err := fmt.Errorf("%w for %s: %s", ErrNoToken, c.userID, reason)
	if cause != nil {
		err = fmt.Errorf("%w: %w", err, cause)
	}
	return d.deny(ctx, c, reason, err)
}

// refresh gets a new access token from Google's token endpoint, through the
// base transport, each request audited as a refresh (or refresh_failed)
// entry, and stores it. How a failure is returned is refreshFailure's
// choice.
func (d *Door) refresh(ctx context.Context, c *call, tok *oauth2.Token) (*oauth2.Token, error) {
	if tok.RefreshToken == "" {
		return nil, errors.Join(d.noToken(ctx, c, "no_refresh_token", nil), d.grants.MarkReconnect(ctx, c.userID, "no_refresh_token"))
	}
	e := d.entry(c, audit.EventRefresh)
	e.APIName, e.MethodName, e.Scope, e.Resource = "oauth2", "oauth2.token", "", ""
	rt := &auditedTokenEndpoint{door: d, ctx: ctx, entry: e}
	hc := &http.Client{Transport: rt}
	nt, err := d.oauth.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, hc), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	switch {
	case errors.Is(err, ErrAuditUnavailable):
		return nil, errors.Join(err, rt.cerr)
	case err == nil:
		// The outcome was recorded before the token is stored: a request
		// that finds the new token in the store, without waiting for this
		// refresh, must find the refresh complete on the trail too. The
		// new token is stored even if the caller has gone: with a server
		// that rotates refresh tokens, the old one no longer works.
		if err = d.tokens.Save(context.WithoutCancel(ctx), c.userID, nt); err != nil {
			return nil, errors.Join(fmt.Errorf("googlehttp: storing the refreshed token of %s: %w", c.userID, err), rt.cerr)
		}
		if nt.RefreshToken == "" {
			nt.RefreshToken = tok.RefreshToken
		}
		return nt, rt.cerr
	}
	f := refreshFailure(c.userID, err)
	switch f.reason {
	case "invalid_grant":
		return nil, errors.Join(f.err, rt.cerr, d.revoked(ctx, c, f.reason))
	case "unauthorized_client":
		// The refresh token belongs to another OAuth client.
		return nil, errors.Join(f.err, rt.cerr, d.grants.MarkReconnect(ctx, c.userID, f.reason))
	}
	return nil, errors.Join(f.err, rt.cerr)
}

// revoked handles a revocation seen at Google: it only marks the grant
// revoked and writes a revoke entry with the reason. Marking the grant
// records the revocation's remaining steps (tokens, sessions, purge) in the
// same transaction, and revoke.Service completes them, retrying until done;
// none of them runs inside the request that met the revocation.
func (d *Door) revoked(ctx context.Context, c *call, reason string) error {
	ctx = context.WithoutCancel(ctx)
	merr := d.grants.Revoke(ctx, c.userID, reason)
	e := d.entry(c, audit.EventRevoke)
	e.Outcome, e.ErrorReason = audit.OutcomeOK, reason
	if merr != nil {
		e.Outcome = audit.OutcomeError
	}
	_, aerr := d.trail.Append(ctx, e)
	if err := errors.Join(merr, aerr); err != nil {
		return fmt.Errorf("googlehttp: recording the revocation of %s: %w", c.userID, err)
	}
	return nil
}
