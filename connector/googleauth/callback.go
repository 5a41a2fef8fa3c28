package googleauth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// Errors about the redirect itself, returned by Finish.
var (
	// ErrBadCallback means the redirect is malformed: a parameter given
	// twice, no code, or a code too long or with characters RFC 6749 does
	// not allow. Nothing was consumed, so a well-formed redirect with the
	// same state can still finish.
	ErrBadCallback = errors.New("googleauth: malformed redirect")
	// ErrAuthorization means the authorization server redirected back with
	// an OAuth error other than access_denied; the error is an
	// *AuthorizationError that names it.
	ErrAuthorization = errors.New("googleauth: the authorization server answered with an error")
	// ErrCodeRejected means the token endpoint refused the authorization
	// code (invalid_grant): it expired, or was used already. The user
	// starts again.
	ErrCodeRejected = errors.New("googleauth: the authorization code was rejected")
)

// AuthorizationError is an OAuth error the authorization server redirected
// back with (RFC 6749 §4.1.2.1).
type AuthorizationError struct {
	// Code is the error code, such as "server_error"; it is empty when the
	// redirect's code is not a well-formed OAuth error code, so it is safe
	// to show and to log.
	Code string
}

func (e *AuthorizationError) Error() string {
	return "googleauth: the authorization server answered error " + cmp.Or(e.Code, "(malformed)")
}

// Unwrap makes errors.Is(err, ErrAuthorization) true.
func (e *AuthorizationError) Unwrap() error { return ErrAuthorization }

// Bounds of the redirect's values. Google's codes are under 100 characters;
// RFC 6749 sets no bound.
const (
	maxCodeLen = 2048
)

// singleParams are the redirect parameters that must appear at most once
// (RFC 6749 §3.1: "Request and response parameters MUST NOT be included
// more than once").
var singleParams = []string{"state", "code", "error", "error_description", "error_uri", "scope", "iss"}

// errorCode is the syntax of the OAuth error codes ScopeTrail shows: RFC
// 6749 allows more (any printable ASCII but " and \), none of it in use.
var errorCode = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// checkRedirect refuses a malformed redirect query, before anything is
// consumed.
func checkRedirect(q url.Values) error {
	for _, k := range singleParams {
		if n := len(q[k]); n > 1 {
			return fmt.Errorf("%w: parameter %s appears %d times", ErrBadCallback, k, n)
		}
	}
	if q.Has("error") {
		return nil
	}
	code := q.Get("code")
	switch {
	case code == "":
		return fmt.Errorf("%w: the redirect has no code", ErrBadCallback)
	case len(code) > maxCodeLen:
		return fmt.Errorf("%w: the code is %d bytes long, more than %d", ErrBadCallback, len(code), maxCodeLen)
	case strings.IndexFunc(code, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0:
		return fmt.Errorf("%w: the code has characters outside printable ASCII", ErrBadCallback)
	}
	return nil
}

// refused handles a redirect that carries an OAuth error: it audits a deny
// entry, and returns ErrAccessDenied for access_denied, else an
// *AuthorizationError. The user of a sign-in is not known yet, so its entry
// has no actor. error_description is never used: it is free text from
// outside.
func (f *Flow) refused(ctx context.Context, p pending, raw string) error {
	code := ""
	if errorCode.MatchString(raw) {
		code = raw
	}
	var err error = &AuthorizationError{Code: code}
	if code == "access_denied" {
		err = fmt.Errorf("%w during %s", ErrAccessDenied, p.kind)
	}
	e := audit.Entry{ClientID: f.cfg.ClientID, Event: audit.EventDeny, Outcome: audit.OutcomeDenied,
		Scope: strings.Join(cleanGranted(p.scopes), " "), ErrorReason: cmp.Or(code, "malformed_error")}
	if p.kind == KindLink {
		e.ActorID, e.Purpose, e.Resource = p.userID, string(featurePurpose(p.feature)), "feature="+string(p.feature)
		if u, uerr := f.users.User(ctx, p.userID); uerr == nil {
			e.ActorEmail = u.Email
		}
	} else {
		e.Purpose = string(scopes.PurposeSignIn)
	}
	if _, aerr := f.audit.Append(ctx, e); aerr != nil {
		return errors.Join(err, fmt.Errorf("googleauth: auditing the refused %s: %w", p.kind, aerr))
	}
	return err
}

// cleanGranted returns scopes, canonical and sorted, without
// offline_access, which asks for a refresh token and grants no access.
func cleanGranted(list []string) []string {
	out := scopes.Parse(strings.Join(list, " "))
	for i, sc := range out {
		if sc == offlineAccess {
			return append(out[:i:i], out[i+1:]...)
		}
	}
	return out
}
