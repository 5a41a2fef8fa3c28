package googlehttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

func gerr(code int, reason, msg string) *googleapi.Error {
	e := &googleapi.Error{Code: code, Message: msg, Header: http.Header{}}
	if reason != "" {
		e.Errors = []googleapi.ErrorItem{{Reason: reason}}
	}
	return e
}

// tried is an error that says how many attempts were made, as retry's does.
type tried struct{ n int }

func (e tried) Error() string { return "tried" }
func (e tried) Tries() int    { return e.n }
func (e tried) Unwrap() error { return gerr(503, "backendError", "") }

func TestClassify(t *testing.T) {
	t.Parallel()
	info := &googleapi.Error{Code: 403, Details: []any{map[string]any{
		"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED"}}}
	for _, tc := range []struct {
		name   string
		err    error
		class  googlehttp.Class
		code   string
		detail string
	}{
		{"nil", nil, googlehttp.ClassNone, "", ""},
		{"suspended", &url.Error{Op: "Get", URL: "u", Err: &googlehttp.DeniedError{Reason: "suspended", Method: "drive.files.list"}},
			googlehttp.ClassDenied, "denied.suspended", ""},
		{"revoked at Google", fmt.Errorf("%w: invalid_grant", googlehttp.ErrRevoked), googlehttp.ClassRevoked, "revoked", ""},
		{"revoked meanwhile", fmt.Errorf("storing: %w", grant.ErrRevoked), googlehttp.ClassRevoked, "revoked.meanwhile", ""},
		{"no token", fmt.Errorf("%w for u: no_token", googlehttp.ErrNoToken), googlehttp.ClassNoToken, "no_token", ""},
		{"no token, refresh timed out in text", fmt.Errorf("%w: refreshing: %w", googlehttp.ErrNoToken,
			fmt.Errorf("oauth2: cannot fetch token: %v", &googlehttp.TimeoutError{Wait: "body", Limit: time.Minute})),
			googlehttp.ClassTransient, googlehttp.CodeTimeout, "Google did not answer in time"},
		{"no token, refresh cut", fmt.Errorf("%w: refreshing: %w", googlehttp.ErrNoToken, io.ErrUnexpectedEOF),
			googlehttp.ClassTransient, "transient.network", "the response was cut short"},
		{"audit unavailable", fmt.Errorf("%w: disk full", googlehttp.ErrAuditUnavailable), googlehttp.ClassAuditUnavailable, "audit_unavailable", ""},
		{"denied, and not audited", fmt.Errorf("%w; %w: disk", &googlehttp.DeniedError{Reason: "no_grant"}, googlehttp.ErrAuditUnavailable),
			googlehttp.ClassDenied, "denied.no_grant", ""},
		{"429", gerr(429, "rateLimitExceeded", ""), googlehttp.ClassRateLimited, "rate_limited", "Google answered 429 rateLimitExceeded"},
		{"403 userRateLimitExceeded", gerr(403, "userRateLimitExceeded", ""), googlehttp.ClassRateLimited, "rate_limited", "Google answered 403 userRateLimitExceeded"},
		{"403 ErrorInfo", info, googlehttp.ClassRateLimited, "rate_limited", "Google answered 403 RATE_LIMIT_EXCEEDED"},
		{"403 dailyLimitExceeded", gerr(403, "dailyLimitExceeded", "Quota"), googlehttp.ClassPermanent, "permanent.dailyLimitExceeded", "Google answered 403 dailyLimitExceeded: Quota"},
		{"404", gerr(404, "notFound", "Not Found"), googlehttp.ClassPermanent, "permanent.notFound", "Google answered 404 notFound: Not Found"},
		{"400 without reason", gerr(400, "", ""), googlehttp.ClassPermanent, "permanent.http_400", "Google answered 400"},
		{"503", fmt.Errorf("listing: %w", gerr(503, "backendError", "")), googlehttp.ClassTransient, "transient.backendError", "Google answered 503 backendError"},
		{"503 after attempts", tried{6}, googlehttp.ClassTransient, "transient.backendError", "Google answered 503 backendError (after 6 attempts)"},
		{"message with a token", gerr(400, "invalid", `bad "https://x.test/a?pageToken=SECRET"`), googlehttp.ClassPermanent, "permanent.invalid",
			`Google answered 400 invalid: bad "https://x.test/a?…"`},
		{"reason not fit for a code", gerr(400, "a b/c", ""), googlehttp.ClassPermanent, "permanent.abc", "Google answered 400 abc"},
		{"EOF in url.Error", &url.Error{Op: "Get", URL: "https://x.test/?pageToken=S", Err: io.EOF}, googlehttp.ClassTransient, "transient.network", "the response was cut short"},
		{"refused", &url.Error{Op: "Get", URL: "u", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, googlehttp.ClassTransient, "transient.network", "the connection was refused"},
		{"reset in text", errors.New("read tcp: connection reset by peer"), googlehttp.ClassTransient, "transient.network", "the connection was broken"},
		{"canceled", &url.Error{Op: "Get", URL: "u", Err: context.Canceled}, googlehttp.ClassCanceled, "canceled", ""},
		{"canceled wins", errors.Join(gerr(503, "", ""), context.Canceled), googlehttp.ClassCanceled, "canceled", ""},
		{"deadline", context.DeadlineExceeded, googlehttp.ClassCanceled, "canceled.deadline", ""},
		{"plain error", errors.New(`db: Get "https://x.test/?code=1"`), googlehttp.ClassInternal, "internal", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := googlehttp.Classify(tc.err)
			if f.Class != tc.class || f.Code != tc.code || f.Detail != tc.detail {
				t.Errorf("Classify(%v) = %q %q %q, want %q %q %q", tc.err, f.Class, f.Code, f.Detail, tc.class, tc.code, tc.detail)
			}
		})
	}
}

func TestClassPredicates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		class                           googlehttp.Class
		retryable, refused, nothingSent bool
	}{
		{googlehttp.ClassNone, false, false, false},
		{googlehttp.ClassCanceled, false, false, false},
		{googlehttp.ClassDenied, false, true, true},
		{googlehttp.ClassRevoked, false, true, true},
		{googlehttp.ClassNoToken, false, true, true},
		{googlehttp.ClassAuditUnavailable, false, false, true},
		{googlehttp.ClassRateLimited, true, false, false},
		{googlehttp.ClassTransient, true, false, false},
		{googlehttp.ClassPermanent, false, false, false},
		{googlehttp.ClassInternal, false, false, false},
	} {
		if r, f, n := tc.class.Retryable(), tc.class.Refused(), tc.class.NothingSent(); r != tc.retryable || f != tc.refused || n != tc.nothingSent {
			t.Errorf("%q: retryable %v, refused %v, nothing sent %v; want %v %v %v", tc.class, r, f, n, tc.retryable, tc.refused, tc.nothingSent)
		}
	}
}

func TestClassifyRetryAfter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		header        string
		wantMin, want time.Duration
	}{
		{"3", 3 * time.Second, 3 * time.Second},
		{time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat), 85 * time.Second, 90 * time.Second},
		{"soon", 0, 0},
		{"-4", 0, 0},
	} {
		e := gerr(429, "", "")
		e.Header.Set("Retry-After", tc.header)
		if got := googlehttp.Classify(e).RetryAfter; got < tc.wantMin || got > tc.want {
			t.Errorf("Retry-After %q: %v, want in [%v, %v]", tc.header, got, tc.wantMin, tc.want)
		}
	}
}

func TestClassifyCutsDetailOnRunes(t *testing.T) {
	t.Parallel()
	f := googlehttp.Classify(gerr(400, "invalid", strings.Repeat("é", 2*googlehttp.MaxDetail)+"\xff"))
	if !utf8.ValidString(f.Detail) || utf8.RuneCountInString(f.Detail) != googlehttp.MaxDetail+1 || !strings.HasSuffix(f.Detail, "é…") {
		t.Errorf("detail of %d runes, valid %v, ends %q; want %d runes cut between two é", utf8.RuneCountInString(f.Detail),
			utf8.ValidString(f.Detail), f.Detail[len(f.Detail)-8:], googlehttp.MaxDetail+1)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "googleapi: Error 503: backendError", "googleapi: Error 503: backendError"},
		{"query string", `Get "https://people.googleapis.com/v1/people:listDirectoryPeople?syncToken=abc&pageToken=def": EOF`,
			`Get "https://people.googleapis.com/v1/people:listDirectoryPeople?…": EOF`},
		{"fragment", "see http://x.test/a#access_token=t", "see http://x.test/a?…"},
		{"bearer", "Authorization: Bearer ya29.secret-value", "Authorization: Bearer …"},
		{"token fields", `{"access_token": "ya29.a", "refresh_token":"1//r"} code=4/abc`, `{"access_token": "…", "refresh_token":"…"} code=…`},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
	} {
		if got := googlehttp.Redact(tc.in); got != tc.want {
			t.Errorf("%s: Redact(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestClassifyDoorErrors classifies what the real clients get from the
// door and the fake: a refusal, and Google's 404.
func TestClassifyDoorErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], scopes.CalendarEventsReadonly)
	s := newServices(t, h.URLs, h.Door, user)
	_, err := s.calendar.Events.List("no-such-calendar").Context(connectortest.Ctx(scopes.PurposeMeetings)).Do()
	if f := googlehttp.Classify(err); f.Class != googlehttp.ClassPermanent || f.Status != http.StatusNotFound || f.Code != "permanent.notFound" {
		t.Errorf("events.list of an unknown calendar: %v classified %+v, want permanent.notFound", err, f)
	}
	_, err = s.drive.Files.List().Context(connectortest.Ctx(scopes.PurposeRecordings)).Do()
	if f := googlehttp.Classify(err); f.Class != googlehttp.ClassDenied || f.Code != "denied.scope_not_granted" {
		t.Errorf("files.list without the scope: %v classified %+v, want denied.scope_not_granted", err, f)
	}
}

func FuzzClassifyDetail(f *testing.F) {
	f.Add(400, "invalid", `see "https://x.test/a?pageToken=S" é`)
	f.Add(503, "back end", strings.Repeat("\xe2\x82", 200))
	f.Fuzz(func(t *testing.T, code int, reason, msg string) {
		got := googlehttp.Classify(&googleapi.Error{Code: code, Message: msg, Errors: []googleapi.ErrorItem{{Reason: reason}}})
		if !utf8.ValidString(got.Detail) || utf8.RuneCountInString(got.Detail) > googlehttp.MaxDetail+1 {
			t.Errorf("detail %q: not valid or longer than %d runes", got.Detail, googlehttp.MaxDetail)
		}
		if googlehttp.Redact(got.Detail) != got.Detail || strings.ContainsAny(got.Code, " /\"?") {
			t.Errorf("code %q, detail %q: something left to redact, or a bad code", got.Code, got.Detail)
		}
	})
}

// TestClassifyRevokeAnswers checks that Google's answers to a revocation
// are classified: a 503 is transient, a 400 other than invalid_token
// permanent, and no token is no token.
func TestClassifyRevokeAnswers(t *testing.T) {
	t.Parallel()
	var status atomic.Int32
	status.Store(http.StatusServiceUnavailable)
	env := connectortest.New(t, connectortest.Options{Door: func(o *googlehttp.Options) {
		revokeURL := o.RevokeURL
		o.Base = roundTrip(func(r *http.Request) (*http.Response, error) {
			if r.URL.String() != revokeURL {
				return http.DefaultTransport.RoundTrip(r)
			}
			body := `{"error":"backend_error"}`
			if status.Load() == http.StatusBadRequest {
				body = `{"error":"invalid_request"}`
			}
			return &http.Response{StatusCode: int(status.Load()), Header: http.Header{"Retry-After": {"7"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})
	}})
	user := env.Authorize(t, env.People[0], scopes.DriveReadonly)
	ctx := context.Background()
	f := googlehttp.Classify(env.Door.Revoke(ctx, user))
	if f.Class != googlehttp.ClassTransient || f.Code != "transient.backend_error" || f.RetryAfter != 7*time.Second {
		t.Errorf("Revoke answered 503: %+v, want transient.backend_error after 7s", f)
	}
	status.Store(http.StatusBadRequest)
	if f := googlehttp.Classify(env.Door.Revoke(ctx, user)); f.Class != googlehttp.ClassConfig || f.Code != "config.invalid_request" || f.Class.Retryable() {
		t.Errorf("Revoke answered 400 invalid_request: %+v, want config.invalid_request, not retryable", f)
	}
	if f := googlehttp.Classify(env.Door.Revoke(ctx, "u-nobody")); f.Class != googlehttp.ClassNoToken {
		t.Errorf("Revoke without a token: %+v, want no_token", f)
	}
}

// roundTrip is a RoundTripper made of a function.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
