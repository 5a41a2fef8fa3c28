package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/jobs"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/policy"
)

// Errors of the web layer itself.
var (
	// errSignInRequired means a page needs a signed-in user.
	errSignInRequired = errors.New("web: sign-in required")
	// errForbidden means the signed-in user's role does not allow the request.
	errForbidden = errors.New("web: role does not allow this")
	// errFeatureNotForRole means a user asked to link a feature their role
	// does not use, so ScopeTrail will not ask Google for its scopes.
	errFeatureNotForRole = errors.New("web: the role does not use this feature")
)

// invalidInput is a request the user can correct; its message is shown.
type invalidInput struct{ msg string }

// Error returns the message shown to the user.
func (e *invalidInput) Error() string { return e.msg }

// invalidf returns an error, shown to the user with status 400, that says
// what to change.
func invalidf(format string, args ...any) error {
	return &invalidInput{msg: fmt.Sprintf(format, args...)}
}

// problem is how an error is shown: its status, the page that explains it
// and a message that is safe to show.
type problem struct {
	status  int
	page    string
	message string
}

// Generic messages.
const (
	msgNotFound = "We could not find that page."
	msgInternal = "Something went wrong on our side. Please try again; if it keeps happening, tell your administrator."
	// msgGoogleDown is shown when a live call to Google failed even after
	// its retries, because Google is down, slow or asks to slow down.
	msgGoogleDown = "Google is not answering; ScopeTrail will retry. Please reload this page in a moment."
	// msgClientConfig is shown when Google refuses ScopeTrail's own OAuth
	// client: trying again does not help.
	msgClientConfig = "Google refused ScopeTrail's sign-in settings, so trying again will not help. Tell your administrator: " +
		"GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET or GOOGLE_TOKEN_AUTH is wrong."
)

// errorTable maps sentinel errors to what the user sees. The first entry
// that matches wins.
var errorTable = []struct {
	err error
	problem
}{
	{googleauth.ErrAccessDenied, problem{http.StatusOK, "denied", ""}},
	{googleauth.ErrDomainNotAllowed, problem{http.StatusForbidden, "refused", ""}},
	{googleauth.ErrNotAdmitted, problem{http.StatusForbidden, "admission", ""}},
	{googleauth.ErrStateMismatch, problem{http.StatusBadRequest, "error", "This sign-in request has expired or was already used. Please start again."}},
	{googleauth.ErrIDToken, problem{http.StatusBadRequest, "error", "Google's answer could not be verified. Please start again."}},
	{googleauth.ErrBadCallback, problem{http.StatusBadRequest, "error", "Google's answer was incomplete or malformed. Please start again."}},
	{googleauth.ErrCodeRejected, problem{http.StatusBadRequest, "error", "This sign-in expired or was already used. Please start again."}},
	{googlehttp.ErrClientConfig, problem{http.StatusInternalServerError, "error", msgClientConfig}},
	{googleauth.ErrExchange, problem{http.StatusBadGateway, "error", "Google did not complete the request. Please try again in a moment."}},
	{googleauth.ErrAccountMismatch, problem{http.StatusForbidden, "error", "You granted access with a different Google account than the one you signed in with. Ask again and choose your own account."}},
	{googleauth.ErrUnknownFeature, problem{http.StatusNotFound, "error", msgNotFound}},
	{identity.ErrSubjectMismatch, problem{http.StatusForbidden, "error", "This email address already belongs to a different Google account."}},
	{identity.ErrInvalidRole, problem{http.StatusBadRequest, "error", "That role does not exist."}},
	{identity.ErrRoleChanged, problem{http.StatusConflict, "error", "Someone else changed this role at the same moment. Reload the page and try again."}},
	{identity.ErrNotFound, problem{http.StatusNotFound, "error", msgNotFound}},
	{grant.ErrNotFound, problem{http.StatusNotFound, "error", msgNotFound}},
	{grant.ErrScopeNotGranted, problem{http.StatusBadRequest, "error", "That scope is not granted, so it cannot be suspended."}},
	{revoke.ErrUnknownScope, problem{http.StatusBadRequest, "error", "Only the scopes ScopeTrail uses for Google APIs can be suspended."}},
	{calendars.ErrNotFound, problem{http.StatusNotFound, "error", msgNotFound}},
	{recordings.ErrNotFound, problem{http.StatusNotFound, "error", msgNotFound}},
	{calendars.ErrUnknownCalendar, problem{http.StatusBadRequest, "error", "That calendar cannot be linked. Reload the calendars page and choose again."}},
	{calendars.ErrNoAccess, problem{http.StatusForbidden, "error", "ScopeTrail may not read your calendars. Link calendars on your dashboard first."}},
	{invite.ErrInvalidEmail, problem{http.StatusBadRequest, "error", "Some of the addresses are not plain email addresses. Go back and tick colleagues from the directory."}},
	{invite.ErrTooMany, problem{http.StatusBadRequest, "error", "Invite at most 100 colleagues at once."}},
	{invite.ErrNotFound, problem{http.StatusNotFound, "error", "This invitation link is not valid. It may have been replaced by a newer one; ask the person who invited you."}},
	{invite.ErrExpired, problem{http.StatusGone, "error", "This invitation has expired. Ask the person who invited you for a new link."}},
	{invite.ErrWithdrawn, problem{http.StatusGone, "error", "This invitation was withdrawn."}},
	{invite.ErrAccepted, problem{http.StatusGone, "error", "This invitation was already used. If it was you, just sign in."}},
	{invite.ErrNotPending, problem{http.StatusConflict, "error", "This invitation was already accepted or withdrawn."}},
	{errBodyTooLarge, problem{http.StatusRequestEntityTooLarge, "error", "This request is larger than ScopeTrail accepts. Go back and send less at once."}},
	{errCSRF, problem{http.StatusForbidden, "error", "This form has expired. Go back, reload the page and try again."}},
	{errSignInRequired, problem{http.StatusUnauthorized, "error", "Please sign in first."}},
	{errForbidden, problem{http.StatusForbidden, "error", "Your role does not allow this. Ask an administrator if you need it."}},
	{errFeatureNotForRole, problem{http.StatusForbidden, "error", "Your role does not use this feature, so ScopeTrail does not ask Google for its access. Ask an administrator if you need it."}},
}

// failureWords turns the failure codes that stores keep (googlehttp's, and
// the few of jobs and recordings) into what people read. A code missing
// here is looked up by its class, the part before the first dot, and then
// falls back to the words of googlehttp.CodeUnknown. This is the one place such words are
// chosen; the code's detail, redacted, may follow them.
var failureWords = map[string]string{
	string(googlehttp.ClassCanceled):                       "The work was interrupted before it finished.",
	googlehttp.CodeDeadline:                                "The work took too long and was stopped.",
	string(googlehttp.ClassDenied):                         "ScopeTrail's access policy refused the request.",
	googlehttp.DeniedCode(policy.ReasonSuspended):          "The Google permission this needs is suspended, by an administrator or by turning its feature off on the dashboard.",
	googlehttp.DeniedCode(policy.ReasonRevoked):            "Google access was revoked: turn the feature on again on the dashboard.",
	googlehttp.DeniedCode(policy.ReasonNoGrant):            "Google access was never granted: turn the feature on on the dashboard.",
	googlehttp.DeniedCode(policy.ReasonReconnectNeeded):    "Google no longer accepts ScopeTrail's access: reconnect on the dashboard.",
	googlehttp.DeniedCode(policy.ReasonScopeNotGranted):    "The Google permission this needs was not granted: turn the feature on on the dashboard.",
	googlehttp.DeniedCode(policy.ReasonPurposeNotDeclared): "ScopeTrail's access policy does not allow this use of the permission granted.",
	googlehttp.DeniedCode(policy.ReasonUnknownMethod):      "ScopeTrail's access policy does not know this Google request.",
	string(googlehttp.ClassRevoked):                        "Google access was revoked: turn the feature on again on the dashboard.",
	googlehttp.CodeRevokedMeanwhile:                        "Access was revoked while this ran: nothing it fetched was kept.",
	string(googlehttp.ClassNoToken):                        "No usable Google token: turn the feature on again on the dashboard.",
	string(googlehttp.ClassAuditUnavailable):               "The audit trail could not record the request, so it was not sent.",
	string(googlehttp.ClassRateLimited):                    "Google asked ScopeTrail to slow down.",
	string(googlehttp.ClassTransient):                      "Google did not answer properly.",
	googlehttp.CodeNetwork:                                 "Google could not be reached.",
	googlehttp.CodeTimeout:                                 "Google did not answer in time.",
	googlehttp.CodeTokenStore:                              "ScopeTrail could not read the stored Google token; it will try again.",
	string(googlehttp.ClassPermanent):                      "Google refused the request.",
	string(googlehttp.ClassConfig):                         "Google refused ScopeTrail's OAuth client: an administrator must fix GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET or GOOGLE_TOKEN_AUTH.",
	string(googlehttp.ClassConfig) + ".invalid_client":     "Google did not accept ScopeTrail's client credentials: an administrator must check GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_TOKEN_AUTH.",
	string(googlehttp.ClassInternal):                       "Something went wrong on ScopeTrail's side.",
	recordings.CodeExportTooLarge:                          "Drive cannot export this transcript: it is larger than 10 MB.",
	recordings.CodeChecksum:                                "The download did not match Drive's size and md5 checksum.",
	"waiting":                                              "Waiting.",
	recordings.CodeWaitChanged:                             "The file changed in Drive and is fetched again.",
	recordings.CodeWaitInterrupted:                         "It was interrupted and starts again when its job is retried.",
	recordings.CodeWaitTranscription:                       "Downloaded; waiting for its transcription.",
	recordings.CodeWaitRetranscribe:                        "Transcribing again, as asked.",
	recordings.CodeWaitNoTranscript:                        "Meet has no transcript of this meeting, and no transcription engine is set (TRANSCRIBE_ENGINE).",
	recordings.CodeWaitExportTooLarge:                      "Meet's transcript is larger than Drive exports: waiting for a transcription engine.",
	recordings.CodeEmptyFile:                               "The recording cannot be transcribed: the file is empty.",
	recordings.CodeNotMedia:                                "The recording cannot be transcribed: the file is not an audio or video file.",
	recordings.CodeCorrupt:                                 "The recording cannot be transcribed: the file is truncated or damaged.",
	recordings.CodeNoAudio:                                 "The recording cannot be transcribed: the file has no audio track.",
	recordings.CodeTimeout:                                 "Transcription took longer than its time limit (TRANSCRIBE_TIMEOUT) and was stopped.",
	recordings.CodeEngineRefused:                           "The transcription engine refused the recording.",
	recordings.CodeHostNotAllowed:                          "ScopeTrail may not send audio to this engine's host: an administrator can list it in TRANSCRIBE_ALLOWED_HOSTS.",
	jobs.CodeNotWired:                                      "This kind of job is not set up in this process.",
	googlehttp.CodeUnknown:                                 "The attempt failed.",
}

// failureText says in words what a stored failure code means, followed by
// its detail when there is one.
func failureText(code, detail string) string {
	if code == "" {
		return ""
	}
	words, ok := failureWords[code]
	if !ok {
		class, _, _ := strings.Cut(code, ".")
		if words, ok = failureWords[class]; !ok {
			words = failureWords[googlehttp.CodeUnknown]
		}
	}
	if detail != "" {
		return words + " " + detail
	}
	return words
}

// classify finds how to show an error.
func classify(err error) problem {
	var ae *googleauth.AuthorizationError
	if errors.As(err, &ae) {
		return authorizationProblem(ae)
	}
	var ie *audit.InconsistentError
	if errors.As(err, &ie) {
		return problem{http.StatusServiceUnavailable, "error",
			"ScopeTrail sends nothing to Google while its " + ie.Error() + ". Tell your administrator."}
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			return row.problem
		}
	}
	var invalid *invalidInput
	if errors.As(err, &invalid) {
		return problem{http.StatusBadRequest, "error", invalid.msg}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg := http.StatusText(he.Code)
		if he.Code == http.StatusNotFound {
			msg = msgNotFound
		} else if he.Code >= 500 {
			msg = msgInternal
		}
		return problem{he.Code, "error", msg}
	}
	if _, ok := googleOutage(err); ok {
		return googleDown
	}
	return problem{http.StatusInternalServerError, "error", msgInternal}
}

// googleDown is how a Google outage is shown: it is not ScopeTrail's
// failure, and it ends by itself.
var googleDown = problem{http.StatusServiceUnavailable, "error", msgGoogleDown}

// defaultRetryAfter is the Retry-After sent for a Google outage when Google
// asked for no wait.
const defaultRetryAfter = 30 * time.Second

// googleOutage reports whether err is a Google call that failed, after its
// retries, because Google is down, slow or rate-limits: a 5xx, a 429 (or a
// 403 rate limit), a timeout or a cut connection. wait is the Retry-After
// Google asked for, or defaultRetryAfter.
func googleOutage(err error) (wait time.Duration, ok bool) {
	f := googlehttp.Classify(err)
	// Only Google's answers have a status or a rate limit; a timeout or a
	// broken connection is Google's when it ended an HTTP call or the
	// retries of one, not when the database's connection broke.
	ok = f.Class == googlehttp.ClassRateLimited || f.Class == googlehttp.ClassTransient && (f.Status >= 500 ||
		(f.Code == googlehttp.CodeTimeout || f.Code == googlehttp.CodeNetwork) && ofHTTPCall(err))
	return cmp.Or(f.RetryAfter, defaultRetryAfter), ok
}

// ofHTTPCall reports whether err ended an HTTP call, or the retries of one.
func ofHTTPCall(err error) bool {
	return errors.As(err, new(*url.Error)) || errors.As(err, new(*retry.Error)) || errors.As(err, new(*googlehttp.TimeoutError))
}

// authorizationProblem shows an OAuth error Google redirected back with:
// a 400 that names its code, which googleauth checked is a plain token, and
// asks to try again.
func authorizationProblem(ae *googleauth.AuthorizationError) problem {
	msg := "Google answered with an error instead of completing the request. Please try again."
	if ae.Code != "" {
		msg = fmt.Sprintf("Google answered with the error %q instead of completing the request. Please try again.", ae.Code)
	}
	return problem{http.StatusBadRequest, "error", msg}
}

// errorPage is what the error, denied and refused pages show.
type errorPage struct {
	Status         int
	StatusText     string
	Message        string
	AllowedDomains []string
	// Refusal is what the admission page says; nil on the other pages.
	Refusal *refusalView
}

// handleError is the one place errors become responses. Only server-side
// failures (5xx) are logged as errors, except Google's outages, which are
// warnings and tell when to retry; the rest are expected and logged at info.
// Neither the page nor the log carries request values.
func (s *Server) handleError(err error, c echo.Context) {
	p := classify(err)
	wait, _ := googleOutage(err)
	attrs := []any{"method", c.Request().Method, "route", c.Path(), "status", p.status, "err", err}
	switch {
	case p == googleDown:
		s.log.Warn("Google is not answering", attrs...)
	case p.status >= http.StatusInternalServerError:
		s.log.Error("request failed", attrs...)
	default:
		s.log.Info("request refused", attrs...)
	}
	if c.Response().Committed {
		return
	}
	if p == googleDown {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.status)
		return
	}
	page := errorPage{
		Status:         p.status,
		StatusText:     http.StatusText(p.status),
		Message:        p.message,
		AllowedDomains: s.cfg.AllowedDomains,
		Refusal:        s.refusalOf(c, err),
	}
	if rerr := s.render(c, p.status, p.page, page); rerr != nil {
		s.log.Error("rendering error page", "err", rerr)
		_ = c.String(http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError))
	}
}
