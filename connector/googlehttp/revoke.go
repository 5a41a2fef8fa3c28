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

	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/scopes/audit"
)

// Revoke asks Google to revoke a user's grant: it posts the user's refresh
// token (or, without one, the access token) to Options.RevokeURL, audited as
// a revoke entry with method "oauth2.revoke". It neither deletes the tokens
// nor marks the grant; revoking a user locally is the caller's work, and
// must not wait for Google. A token Google already considers invalid counts
// as revoked. It returns an error wrapping ErrNoToken when the user has no
// token, and an error when Google's answer is anything else than success, so
// that the caller can retry: one wrapping a *googleapi.Error with Google's
// status and error code when Google answered, which Classify tells
// transient from permanent.
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
	value := tok.RefreshToken
	if value == "" {
		value = tok.AccessToken
	}
	begin, err := d.trail.Begin(ctx, d.entry(c, audit.EventRevoke))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrAuditUnavailable, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.revokeURL, strings.NewReader(url.Values{"token": {value}}.Encode()))
	if err != nil {
		return errors.Join(fmt.Errorf("googlehttp: building the revoke request: %w", err),
			d.complete(ctx, begin, audit.Result{Outcome: audit.OutcomeError, ErrorReason: "bad_request"}))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	start := time.Now()
	resp, err := d.base.RoundTrip(req)
	if err != nil {
		return errors.Join(fmt.Errorf("googlehttp: revoking the grant of %s at Google: %w", userID, err),
			d.complete(ctx, begin, audit.Result{Outcome: audit.OutcomeError, ErrorReason: "transport_error", Latency: time.Since(start)}))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	r := audit.Result{Outcome: audit.OutcomeOK, HTTPStatus: resp.StatusCode, NumResponseBytes: int64(len(body)), Latency: time.Since(start)}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		r.Outcome, r.ErrorReason = audit.OutcomeError, e.Error
	}
	if err := d.complete(ctx, begin, r); err != nil {
		return err
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
