package googlehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/policy"
)

// transport is the door's RoundTripper for one user.
type transport struct {
	door   *Door
	userID string
}

// RoundTrip sends req if the policy allows it and the audit trail recorded
// it; see the package documentation.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	d, ctx := t.door, req.Context()
	c := d.newCall(req, t.userID)
	if !c.known {
		return nil, d.refuse(ctx, req, c, policy.Decision{Reason: policy.ReasonUnknownMethod})
	}
	var gp *grant.Grant
	g, err := d.grants.Get(ctx, t.userID)
	switch {
	case err == nil:
		gp = &g
	case !errors.Is(err, grant.ErrNotFound):
		closeBody(req)
		return nil, d.deny(ctx, c, "grant_unavailable", fmt.Errorf("googlehttp: loading the grant of %s: %w", t.userID, err))
	}
	dec := policy.Decide(c.method, gp, c.purpose)
	if !dec.Allowed {
		return nil, d.refuse(ctx, req, c, dec)
	}
	c.scope = dec.Scope
	tok, refreshed, err := d.token(ctx, c, "")
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := d.send(req, c, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	if !refreshed {
		if req.Body != nil && req.GetBody == nil {
			// The body cannot be sent again: let the caller see the 401.
			return resp, nil
		}
		// Google no longer takes the access token: refresh it once and try
		// again.
		drain(resp)
		retry, tok, err := d.retry(req, c, tok)
		if err != nil {
			return nil, err
		}
		if resp, err = d.send(retry, c, tok); err != nil || resp.StatusCode != http.StatusUnauthorized {
			return resp, err
		}
	}
	// A refreshed token is refused: the user revoked the app at Google. The
	// caller gets the 401 whether or not the revocation could be recorded;
	// the next request tries again.
	_ = d.revoked(ctx, c, "unauthorized_after_refresh")
	return resp, nil
}

// retry refreshes the token that got a 401 and returns a copy of req to
// send again, with a fresh body.
func (d *Door) retry(req *http.Request, c *call, stale *oauth2.Token) (*http.Request, *oauth2.Token, error) {
	tok, _, err := d.token(req.Context(), c, stale.AccessToken)
	if err != nil {
		return nil, nil, err
	}
	retry := req.Clone(req.Context())
	if req.GetBody != nil {
		if retry.Body, err = req.GetBody(); err != nil {
			return nil, nil, fmt.Errorf("googlehttp: rewinding the request body: %w", err)
		}
	}
	return retry, tok, nil
}

// refuse refuses a request the policy denied: it writes the deny entry and
// returns a *DeniedError.
func (d *Door) refuse(ctx context.Context, req *http.Request, c *call, dec policy.Decision) error {
	closeBody(req)
	c.scope = dec.Scope
	return d.deny(ctx, c, string(dec.Reason), &DeniedError{Reason: dec.Reason, Method: c.method.ID, Scope: dec.Scope})
}

// deny writes the deny entry of a request refused for reason, and returns
// err, with ErrAuditUnavailable too if the entry could not be written.
func (d *Door) deny(ctx context.Context, c *call, reason string, err error) error {
	e := d.entry(c, audit.EventDeny)
	e.Outcome, e.ErrorReason = audit.OutcomeDenied, reason
	if _, aerr := d.trail.Append(ctx, e); aerr != nil {
		return fmt.Errorf("%w; %w: %w", err, ErrAuditUnavailable, aerr)
	}
	return err
}

// send writes the write-ahead entry, then sends the request with the token.
// The outcome is recorded when the response body ends or is closed.
func (d *Door) send(req *http.Request, c *call, tok *oauth2.Token) (*http.Response, error) {
	ctx := req.Context()
	begin, err := d.trail.Begin(ctx, d.entry(c, audit.EventActivity))
	if err != nil {
		closeBody(req)
		return nil, fmt.Errorf("%w: %w", ErrAuditUnavailable, err)
	}
	out := sendOnce(req.Clone(ctx))
	tok.SetAuthHeader(out)
	start := time.Now()
	resp, err := d.base.RoundTrip(out)
	if err != nil {
		r := audit.Result{Outcome: audit.OutcomeError, ErrorReason: failureReason(err, "transport_error"), Latency: time.Since(start)}
		if cerr := d.complete(ctx, begin, r); cerr != nil {
			return nil, errors.Join(err, cerr)
		}
		return nil, err
	}
	resp.Body = newWatchedBody(resp, c.method, func(r audit.Result) error {
		r.Latency = time.Since(start)
		return d.complete(ctx, begin, r)
	})
	return resp, nil
}

// sendOnce makes out a request that Go's transport sends at most once.
// The transport sends a request again by itself, on a new connection, when
// a kept-alive connection closes before the answer and the request can be
// replayed: a GET, or a body it can get again. The server may have read
// the first one, and the door would not see the second. A request with a
// body the transport cannot get again is never replayed, so a request
// without a body gets an empty one, of which no byte goes out.
// Retrying is retry.Do's, through the door.
func sendOnce(out *http.Request) *http.Request {
	out.GetBody = nil
	if out.Body == nil || out.Body == http.NoBody {
		out.Body = io.NopCloser(strings.NewReader(""))
	}
	return out
}

// complete records the outcome of a begun request. The request's context
// may have ended by then; the entry is written regardless.
func (d *Door) complete(_ context.Context, begin audit.Entry, r audit.Result) error {
	if err := d.trail.CompleteAsync(begin, r); err != nil {
		return fmt.Errorf("googlehttp: recording the outcome of request %s: %w", begin.RequestID, err)
	}
	return nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
