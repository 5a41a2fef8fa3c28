package googlehttp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// Revoke asks Google to revoke a user's grant: it posts the user's refresh
// token (or, without one, the access token) to Options.RevokeURL with its
// token_type_hint, authenticated with the client credentials as
// Options.OAuth2's AuthStyle says (RFC 7009 §2.1; Google accepts them too,
// and a standards-conformant server requires them), audited as a revoke
// entry with method "oauth2.revoke". With AuthStyleAutoDetect it tries HTTP
// Basic first and, when that is refused with 400 or 401, the form body, as
// golang.org/x/oauth2 does at the token endpoint: each request has its own
// entry, and the style that worked is the only one used from then on.
//
// It neither deletes the tokens nor marks the grant; revoking a user locally
// is the caller's work, and must not wait for Google. A token Google already
// considers invalid counts as revoked. It returns an error wrapping
// ErrNoToken when the user has no token, and an error when Google's answer is
// anything else than success, so that the caller can retry: one wrapping a
// *googleapi.Error with Google's status and error code when Google answered,
// which Classify tells transient from permanent, and from a configuration
// error (invalid_client and the like).
func (d *Door) Revoke(ctx context.Context, userID string) error {
	if d.revokeURL == "" {
		return errors.New("googlehttp: Options.RevokeURL is not set")
	}
	c := &call{userID: userID, email: d.actorEmail(ctx, userID), requestID: randomID(), api: "oauth2"}
	c.method.ID = "oauth2.revoke"
	tok, err := d.tokens.Load(ctx, userID)
	if err != nil && !errors.Is(err, ErrNoToken) {
		return fmt.Errorf("%w for %s: %w", ErrTokenStore, userID, err)
	}
	if tok == nil || (tok.RefreshToken == "" && tok.AccessToken == "") {
		return fmt.Errorf("%w for %s: nothing to revoke at Google", ErrNoToken, userID)
	}
	form := url.Values{"token": {tok.RefreshToken}, "token_type_hint": {"refresh_token"}}
	if tok.RefreshToken == "" {
		form = url.Values{"token": {tok.AccessToken}, "token_type_hint": {"access_token"}}
	}
	var resp *http.Response
	var r audit.Result
	styles := d.revokeStyles()
	for i, inHeader := range styles {
		var err error
		if resp, r, err = d.revokeOnce(ctx, c, form, inHeader); err != nil {
			return fmt.Errorf("googlehttp: revoking the grant of %s at Google: %w", userID, err)
		}
		refused := (resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized) && r.ErrorReason != "invalid_token"
		if len(styles) > 1 && (resp.StatusCode == http.StatusOK || r.ErrorReason == "invalid_token") {
			d.revokeInHeader.Store(&inHeader) // the server took these credentials
		}
		if !refused || i == len(styles)-1 {
			break
		}
	}
	if r.Outcome == audit.OutcomeError && (resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized) &&
		IsClientConfigCode(r.ErrorReason) {
		return fmt.Errorf("googlehttp: revoking the grant of %s: %w", userID,
			&ClientConfigError{Endpoint: "revoke", Status: resp.StatusCode, Code: r.ErrorReason})
	}
	if r.Outcome == audit.OutcomeError && r.ErrorReason != "invalid_token" {
		gerr := &googleapi.Error{Code: r.HTTPStatus, Header: resp.Header}
		if r.ErrorReason != "" {
			gerr.Errors = []googleapi.ErrorItem{{Reason: r.ErrorReason}}
		}
		return fmt.Errorf("googlehttp: revoking the grant of %s at Google: %w", userID, gerr)
	}
	return nil
}

// revokeStyles says how to send the client credentials to the revoke
// endpoint, in the order to try: in an HTTP Basic header (true) or in the
// form body (false). With AuthStyleAutoDetect it is Basic then the form,
// until one of them has worked; then only that one.
func (d *Door) revokeStyles() []bool {
	switch d.oauth.Endpoint.AuthStyle {
	case oauth2.AuthStyleInHeader:
		return []bool{true}
	case oauth2.AuthStyleInParams:
		return []bool{false}
	}
	if worked := d.revokeInHeader.Load(); worked != nil {
		return []bool{*worked}
	}
	return []bool{true, false}
}

// revokeOnce sends one revoke request between its own pending audit entry
// and its outcome, and returns Google's answer, with its body read and
// closed, and the outcome recorded. Its error means the request was not
// sent or got no answer, or the audit trail could not record it.
func (d *Door) revokeOnce(ctx context.Context, c *call, form url.Values, inHeader bool) (*http.Response, audit.Result, error) {
	begin, err := d.trail.Begin(ctx, d.entry(c, audit.EventRevoke))
	if err != nil {
		return nil, audit.Result{}, fmt.Errorf("%w: %w", ErrAuditUnavailable, err)
	}
	start := time.Now()
	resp, body, err := d.postRevokeOnce(ctx, form, inHeader)
	if err != nil {
		return nil, audit.Result{}, errors.Join(err,
			d.complete(ctx, begin, audit.Result{Outcome: audit.OutcomeError, ErrorReason: failureReason(err, "transport_error"), Latency: time.Since(start)}))
	}
	r := audit.Result{Outcome: audit.OutcomeOK, HTTPStatus: resp.StatusCode, NumResponseBytes: int64(len(body)), Latency: time.Since(start)}
	if resp.StatusCode != http.StatusOK {
		r.Outcome, r.ErrorReason = audit.OutcomeError, oauthErrorCode(body)
	}
	return resp, r, d.complete(ctx, begin, r)
}

// postRevokeOnce makes one revoke request, with the client credentials in
// an HTTP Basic header (URL-encoded, RFC 6749 §2.3.1) or in the form body.
func (d *Door) postRevokeOnce(ctx context.Context, form url.Values, inHeader bool) (*http.Response, []byte, error) {
	v := url.Values{}
	for k, vs := range form {
		v[k] = vs
	}
	if !inHeader {
		v.Set("client_id", d.oauth.ClientID)
		v.Set("client_secret", d.oauth.ClientSecret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.revokeURL, strings.NewReader(v.Encode()))
	if err != nil {
		return nil, nil, fmt.Errorf("building the revoke request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if inHeader {
		req.SetBasicAuth(url.QueryEscape(d.oauth.ClientID), url.QueryEscape(d.oauth.ClientSecret))
	}
	resp, err := d.base.RoundTrip(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp, body, nil
}

// oauthErrorCode returns the error member of an OAuth error body, "" when
// there is none.
func oauthErrorCode(body []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	return e.Error
}
