package googlehttp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/policy"
)

// Class is what a failed Google call through the door means for whoever
// made it: whether to try again now, later, or not until someone acts. It is
// decided by Classify and nowhere else.
type Class string

// The classes, from the most to the least final.
const (
	// ClassNone is the class of no error.
	ClassNone Class = ""
	// ClassCanceled means the caller's context ended: the caller stopped.
	ClassCanceled Class = "canceled"
	// ClassDenied means the policy refused the request (a suspended scope,
	// an undeclared purpose, no grant); nothing was sent.
	ClassDenied Class = "denied"
	// ClassRevoked means the user's grant is revoked: Google said so
	// (invalid_grant), or a store refused to keep what was fetched because
	// the grant was revoked meanwhile.
	ClassRevoked Class = "revoked"
	// ClassNoToken means the user has no token that can be used or
	// refreshed; nothing was sent.
	ClassNoToken Class = "no_token"
	// ClassAuditUnavailable means the audit trail could not record the
	// request, so it was not sent.
	ClassAuditUnavailable Class = "audit_unavailable"
	// ClassRateLimited means Google asked to slow down (429, or 403 with a
	// rate-limit reason).
	ClassRateLimited Class = "rate_limited"
	// ClassTransient means a failure that another attempt may not meet: a
	// 5xx, a broken or refused connection, a timeout.
	ClassTransient Class = "transient"
	// ClassPermanent means Google refused the request itself (a 4xx other
	// than a rate limit); the same request will fail again.
	ClassPermanent Class = "permanent"
	// ClassConfig means the OAuth server refused ScopeTrail's own client
	// (invalid_client anywhere; unauthorized_client or invalid_request on a
	// code exchange or a revocation): the client id, secret, authentication style
	// (GOOGLE_TOKEN_AUTH) or endpoint is wrong. Nothing will work until an
	// administrator fixes the configuration, so it is not retried soon.
	ClassConfig Class = "config"
	// ClassInternal means the failure is not Google's nor the door's: a
	// database error, say. The job that met it may be tried again later.
	ClassInternal Class = "internal"
)

// Retryable reports whether the same request is worth another attempt
// soon: a rate limit or a transient failure.
func (c Class) Retryable() bool { return c == ClassRateLimited || c == ClassTransient }

// Refused reports whether the user's access itself refuses the work: it
// stays refused until the user links their account again or an
// administrator acts, so a job that met it is not tried again.
func (c Class) Refused() bool { return c == ClassDenied || c == ClassRevoked || c == ClassNoToken }

// NothingSent reports whether the door sends no request for the user at
// the moment: the access is refused, or the audit trail is unavailable.
// Other requests for the same user would fare no better.
func (c Class) NothingSent() bool { return c.Refused() || c == ClassAuditUnavailable }

// Codes that are not a class name followed by a detail. Every code is a
// class, or a class, a dot and what in that class went wrong:
// "denied.suspended", "permanent.notFound", "transient.http_503".
const (
	// CodeRevokedMeanwhile: a store refused to keep what was fetched because
	// the grant was revoked while the request was in flight.
	CodeRevokedMeanwhile = "revoked.meanwhile"
	// CodeNetwork: the connection to Google failed or was cut short.
	CodeNetwork = "transient.network"
	// CodeTimeout: Google did not answer in time.
	CodeTimeout = "transient.timeout"
	// CodeTokenStore: the user's stored token could not be read, so
	// nothing was sent.
	CodeTokenStore = "transient.token_store"
	// CodeDeadline: the caller's deadline passed.
	CodeDeadline = "canceled.deadline"
	// CodeUnknown is never returned by Classify: it stands for a failure
	// kept as text before codes were kept, or recorded by something else
	// (River, say), whose text is not shown.
	CodeUnknown = "unknown"
)

// DeniedCode is the code of a refusal by the policy for reason:
// "denied.suspended".
func DeniedCode(reason policy.Reason) string { return string(ClassDenied) + "." + string(reason) }

// Failure is what Classify makes of an error: safe to store and to show.
type Failure struct {
	// Class is what the failure means.
	Class Class
	// Code is short, stable and holds no user data: the class, or the class,
	// a dot and the policy's or Google's reason ("denied.suspended",
	// "permanent.notFound", "rate_limited").
	Code string
	// Status is Google's HTTP status, 0 when Google did not answer.
	Status int
	// RetryAfter is the wait Google asked for, 0 when none.
	RetryAfter time.Duration
	// Detail says more, redacted: no URL query, token or Go error text, at
	// most MaxDetail runes. It may be empty.
	Detail string
}

// MaxDetail bounds Failure.Detail, in runes.
const MaxDetail = 300

// Classify says what err, the end of a Google call through the door (or of
// the work around one), means. It is the one place that decides whether a
// failure is refused, retryable or permanent. An error in err's chain with
// a method Retryable() bool decides between transient and permanent for
// itself, and one with RetryAfter() time.Duration gives the wait, unless the
// context ended; one with Tries() int says how many attempts were made.
func Classify(err error) Failure {
	f := classify(err, time.Now())
	var tried interface{ Tries() int }
	if errors.As(err, &tried) && tried.Tries() > 1 {
		f.Detail = strings.TrimSpace(fmt.Sprintf("%s (after %d attempts)", f.Detail, tried.Tries()))
	}
	f.Detail = cutRunes(Redact(f.Detail), MaxDetail)
	return f
}

func classify(err error, now time.Time) Failure {
	var denied *DeniedError
	switch {
	case err == nil:
		return Failure{}
	case errors.Is(err, context.Canceled):
		return Failure{Class: ClassCanceled, Code: string(ClassCanceled)}
	case errors.Is(err, context.DeadlineExceeded):
		return Failure{Class: ClassCanceled, Code: CodeDeadline}
	case errors.As(err, &denied):
		return Failure{Class: ClassDenied, Code: DeniedCode(denied.Reason)}
	case errors.Is(err, ErrRevoked):
		return Failure{Class: ClassRevoked, Code: string(ClassRevoked)}
	case errors.Is(err, grant.ErrRevoked):
		return Failure{Class: ClassRevoked, Code: CodeRevokedMeanwhile}
	case errors.Is(err, ErrNoToken):
		if f, ok := connFailure(err); ok { // The refresh failed on the way.
			return f
		}
		return Failure{Class: ClassNoToken, Code: string(ClassNoToken)}
	case errors.Is(err, ErrTokenStore):
		return Failure{Class: ClassTransient, Code: CodeTokenStore}
	case errors.Is(err, ErrAuditUnavailable):
		return Failure{Class: ClassAuditUnavailable, Code: string(ClassAuditUnavailable)}
	case errors.Is(err, ErrClientConfig):
		return configFailure(err)
	}
	if f, ok := selfClassified(err); ok {
		return f
	}
	if f, ok := googleFailure(err, now); ok {
		return f
	}
	if f, ok := connFailure(err); ok {
		return f
	}
	return Failure{Class: ClassInternal, Code: string(ClassInternal)}
}

// configFailure classifies an OAuth server's refusal of the client itself:
// the code is "config." and the OAuth error code.
func configFailure(err error) Failure {
	f := Failure{Class: ClassConfig, Code: string(ClassConfig)}
	var ce *ClientConfigError
	if errors.As(err, &ce) {
		f.Status, f.Code = ce.Status, string(ClassConfig)+"."+ce.Code
		f.Detail = fmt.Sprintf("%s answered %d %s", ce.Endpoint, ce.Status, ce.Code)
	}
	return f
}

// selfClassified classifies an error that says whether it is worth another
// attempt, such as a transcription engine's answer.
func selfClassified(err error) (Failure, bool) {
	var self interface{ Retryable() bool }
	if !errors.As(err, &self) {
		return Failure{}, false
	}
	f := Failure{Class: ClassPermanent, Code: string(ClassPermanent)}
	if self.Retryable() {
		f = Failure{Class: ClassTransient, Code: string(ClassTransient)}
	}
	var asks interface{ RetryAfter() time.Duration }
	if errors.As(err, &asks) && asks.RetryAfter() > 0 {
		f.RetryAfter = asks.RetryAfter()
	}
	return f, true
}
