// Package googlehttp is the one door to Google: the audited
// http.RoundTripper through which every request that carries a user's Google
// token leaves the process.
//
// For each request the door resolves Google's method id from the URL,
// refuses unknown methods, asks the policy for the narrowest granted scope
// that allows the method for the purpose carried in the request's context,
// and refuses — sending nothing, and writing a deny entry — when there is no
// usable grant. It then loads the user's token, refreshes it through Google's
// token endpoint when it has expired (audited too), writes the write-ahead
// audit entry, and only then sends the request. The outcome — HTTP status,
// Google's error reason, bytes, items and latency — is recorded when the
// response body is read to its end or closed. If the audit trail cannot be
// written, nothing is sent.
//
// No token value ever appears in an audit entry or in an error.
//
// Classify is the one place that says what an error of a call through the
// door means (refused, revoked, rate-limited, transient, permanent, …) and
// turns it into a short code and a redacted detail that stores keep and
// pages put into words.
package googlehttp

import (
	"context"
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/policy"
)

// Sentinel errors. Every error the door's RoundTrip returns for a request it
// refused wraps one of them, and no request was sent.
var (
	// ErrDenied means the policy refused the request; the error is a
	// *DeniedError that gives the reason.
	ErrDenied = errors.New("googlehttp: request refused")
	// ErrAuditUnavailable means the audit trail could not record the
	// request, so it was not sent.
	ErrAuditUnavailable = errors.New("googlehttp: audit trail unavailable, request not sent")
	// ErrNoToken means the user has no token that can be used or refreshed.
	ErrNoToken = errors.New("googlehttp: no usable token")
	// ErrTokenStore means the user's token could not be read from its
	// store; trying again later may succeed.
	ErrTokenStore = errors.New("googlehttp: the token store cannot be read, request not sent")
	// ErrRevoked means Google reports that the user's grant was revoked;
	// the grant is marked revoked.
	ErrRevoked = errors.New("googlehttp: access revoked at Google")
	// ErrClientConfig means the OAuth server refused ScopeTrail's client
	// itself; the error is a *ClientConfigError.
	ErrClientConfig = errors.New("googlehttp: the OAuth server refused the client configuration")
)

// ClientConfigError is an OAuth server's refusal of the client itself, at
// its token or revoke endpoint: invalid_client, unauthorized_client, or an
// invalid_request the client's configuration causes.
type ClientConfigError struct {
	// Endpoint is "token" or "revoke".
	Endpoint string
	// Status is the HTTP status and Code the OAuth error code.
	Status int
	Code   string
}

func (e *ClientConfigError) Error() string {
	return fmt.Sprintf("googlehttp: the %s endpoint refused the OAuth client: %d %s", e.Endpoint, e.Status, e.Code)
}

// Unwrap makes errors.Is(err, ErrClientConfig) true.
func (e *ClientConfigError) Unwrap() error { return ErrClientConfig }

// IsClientConfigCode reports whether an OAuth error code of the token or
// revoke endpoint blames the client's configuration rather than the token
// or the user.
func IsClientConfigCode(code string) bool {
	return code == "invalid_client" || code == "unauthorized_client" || code == "invalid_request"
}

// DeniedError is a refusal by the policy.
type DeniedError struct {
	// Reason is the policy's reason, such as "suspended".
	Reason policy.Reason
	// Method is Google's method id, "" when unknown; Scope the scope the
	// refusal concerns, if any.
	Method, Scope string
}

func (e *DeniedError) Error() string {
	msg := fmt.Sprintf("googlehttp: request refused: %s", e.Reason)
	if e.Method != "" {
		msg += " (method " + e.Method
		if e.Scope != "" {
			msg += ", scope " + e.Scope
		}
		msg += ")"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrDenied) true.
func (e *DeniedError) Unwrap() error { return ErrDenied }

type purposeKey struct{}

// WithPurpose returns a context that declares why the requests made with it
// use Google: the policy refuses a request whose purpose was not declared for
// the scope it would use, and one without a purpose.
func WithPurpose(ctx context.Context, p scopes.Purpose) context.Context {
	return context.WithValue(ctx, purposeKey{}, p)
}

// PurposeFrom returns the purpose declared in ctx, "" when none was.
func PurposeFrom(ctx context.Context) scopes.Purpose {
	p, _ := ctx.Value(purposeKey{}).(scopes.Purpose)
	return p
}
