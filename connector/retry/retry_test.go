package retry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
)

// recorder is a Policy.Sleep that records the waits and never waits.
type recorder struct{ waits []time.Duration }

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.waits = append(r.waits, d)
	return ctx.Err()
}

// policy returns a policy whose jitter draws always give j and whose waits
// go to rec.
func policy(attempts int, j float64, rec *recorder) retry.Policy {
	return retry.Policy{MaxAttempts: attempts, Base: 100 * time.Millisecond, Max: time.Second,
		Sleep: rec.sleep, Rand: func() float64 { return j }}
}

func gerr(code int, reason string) *googleapi.Error {
	e := &googleapi.Error{Code: code, Header: http.Header{}}
	if reason != "" {
		e.Errors = []googleapi.ErrorItem{{Reason: reason}}
	}
	return e
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	infoDetail := &googleapi.Error{Code: 403, Details: []any{map[string]any{
		"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED"}}}
	otherDetail := &googleapi.Error{Code: 403, Details: []any{map[string]any{
		"@type": "type.googleapis.com/google.rpc.Help", "reason": "RATE_LIMIT_EXCEEDED"}}}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"429", gerr(429, "rateLimitExceeded"), true},
		{"429 without reason", gerr(429, ""), true},
		{"403 rateLimitExceeded", gerr(403, "rateLimitExceeded"), true},
		{"403 userRateLimitExceeded", gerr(403, "userRateLimitExceeded"), true},
		{"403 ErrorInfo RATE_LIMIT_EXCEEDED", infoDetail, true},
		{"403 other detail type", otherDetail, false},
		{"403 insufficientPermissions", gerr(403, "insufficientPermissions"), false},
		{"403 quotaExceeded", gerr(403, "dailyLimitExceeded"), false},
		{"500", gerr(500, "backendError"), true},
		{"503", gerr(503, ""), true},
		{"400", gerr(400, "badRequest"), false},
		{"404", gerr(404, "notFound"), false},
		{"410", gerr(410, "fullSyncRequired"), false},
		{"wrapped 503", fmt.Errorf("listing: %w", gerr(503, "")), true},
		{"unexpected EOF", fmt.Errorf("decoding: %w", io.ErrUnexpectedEOF), true},
		{"EOF in url.Error", &url.Error{Op: "Get", URL: "u", Err: io.EOF}, true},
		{"ECONNRESET", &url.Error{Op: "Get", URL: "u", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}, true},
		{"connection refused", &url.Error{Op: "Get", URL: "u", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, true},
		{"reset in text", errors.New("read tcp: connection reset by peer"), true},
		{"http2 stream error", errors.New("stream error: stream ID 3; INTERNAL_ERROR"), true},
		{"url.Error of something else", &url.Error{Op: "Get", URL: "u", Err: errors.New("unsupported protocol scheme")}, false},
		{"door timeout", &url.Error{Op: "Get", URL: "u", Err: &googlehttp.TimeoutError{Wait: "headers", Limit: time.Second}}, true},
		{"door timeout joined", &url.Error{Op: "Get", URL: "u", Err: errors.Join(&googlehttp.TimeoutError{Wait: "body", Limit: time.Second})}, true},
		{"no token, refresh timed out", fmt.Errorf("%w: refreshing: %w", googlehttp.ErrNoToken, &googlehttp.TimeoutError{Wait: "headers", Limit: time.Second}), true},
		{"canceled", context.Canceled, false},
		{"canceled in url.Error", &url.Error{Op: "Get", URL: "u", Err: context.Canceled}, false},
		{"deadline", context.DeadlineExceeded, false},
		{"door denied", &url.Error{Op: "Get", URL: "u", Err: &googlehttp.DeniedError{Reason: "revoked"}}, false},
		{"audit unavailable", &url.Error{Op: "Get", URL: "u", Err: googlehttp.ErrAuditUnavailable}, false},
		{"revoked at Google", fmt.Errorf("%w: invalid_grant", googlehttp.ErrRevoked), false},
		{"no token", fmt.Errorf("%w for u: no_token", googlehttp.ErrNoToken), false},
		{"no token, refresh cut", fmt.Errorf("%w: refreshing: %w", googlehttp.ErrNoToken, io.ErrUnexpectedEOF), true},
		{"plain error", errors.New("boom"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := retry.Retryable(tc.err); got != tc.want {
				t.Errorf("Retryable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestDo(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	for _, tc := range []struct {
		name      string
		attempts  int
		jitter    float64
		errs      []error // the errors of successive calls; nil after the end
		wantCalls int
		wantWaits []time.Duration
		wantErr   error
	}{
		{name: "success first", attempts: 3, wantCalls: 1},
		{name: "success after two 503", attempts: 5, jitter: 0.5, errs: []error{gerr(503, ""), gerr(503, "")},
			wantCalls: 3, wantWaits: []time.Duration{50 * ms, 100 * ms}},
		{name: "ceiling doubles and is truncated", attempts: 7, jitter: 1, errs: []error{gerr(500, ""), gerr(500, ""), gerr(500, ""), gerr(500, ""), gerr(500, "")},
			wantCalls: 6, wantWaits: []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1000 * ms}},
		{name: "bounded attempts", attempts: 3, errs: []error{gerr(429, ""), gerr(429, ""), gerr(429, ""), nil},
			wantCalls: 3, wantWaits: []time.Duration{0, 0}, wantErr: &googleapi.Error{Code: 429}},
		{name: "not retryable stops at once", attempts: 5, errs: []error{gerr(404, "notFound")},
			wantCalls: 1, wantErr: &googleapi.Error{Code: 404}},
		{name: "door refusal stops at once", attempts: 5, errs: []error{&url.Error{Op: "Get", URL: "u", Err: &googlehttp.DeniedError{Reason: "revoked"}}},
			wantCalls: 1, wantErr: googlehttp.ErrDenied},
		{name: "one attempt", attempts: 0, errs: []error{gerr(503, "")}, wantCalls: 1, wantErr: &googleapi.Error{Code: 503}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			calls := 0
			err := retry.Do(context.Background(), policy(tc.attempts, tc.jitter, rec), func(context.Context) error {
				calls++
				if calls <= len(tc.errs) {
					return tc.errs[calls-1]
				}
				return nil
			})
			if calls != tc.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tc.wantCalls)
			}
			if diff := cmp.Diff(tc.wantWaits, rec.waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			checkErr(t, err, tc.wantErr, tc.wantCalls)
		})
	}
}

// checkErr checks that err is nil when want is, and otherwise an
// *retry.Error of attempts that unwraps to want (a sentinel, or a
// *googleapi.Error of the same code).
func checkErr(t *testing.T, err, want error, attempts int) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		return
	}
	var re *retry.Error
	if !errors.As(err, &re) || re.Attempts != attempts {
		t.Fatalf("Do = %v, want a *retry.Error after %d attempts", err, attempts)
	}
	if wg, ok := want.(*googleapi.Error); ok {
		var g *googleapi.Error
		if !errors.As(err, &g) || g.Code != wg.Code {
			t.Fatalf("Do = %v, want Google error %d", err, wg.Code)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("Do = %v, want %v", err, want)
	}
}

func TestDoRetryAfter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		header        string
		jitter        float64
		wantMin, want time.Duration
	}{
		{name: "seconds above the backoff", header: "3", want: 3 * time.Second, wantMin: 3 * time.Second},
		{name: "seconds below the backoff", header: "0", jitter: 0.5, want: 50 * time.Millisecond, wantMin: 50 * time.Millisecond},
		{name: "HTTP date", header: "in 90s", want: 90 * time.Second, wantMin: 85 * time.Second},
		{name: "garbage ignored", header: "soon", want: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recorder{}
			e := gerr(429, "rateLimitExceeded")
			if tc.header == "in 90s" { // An HTTP date, made just before it is read.
				tc.header = time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
			}
			e.Header.Set("Retry-After", tc.header)
			calls := 0
			err := retry.Do(context.Background(), policy(3, tc.jitter, rec), func(context.Context) error {
				if calls++; calls == 1 {
					return e
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if len(rec.waits) != 1 || rec.waits[0] < tc.wantMin || rec.waits[0] > tc.want {
				t.Errorf("waits = %v, want one in [%v, %v]", rec.waits, tc.wantMin, tc.want)
			}
		})
	}
}

func TestDoContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	p := retry.Policy{MaxAttempts: 5, Base: time.Hour, Max: time.Hour, Rand: func() float64 { return 1 }}
	calls := 0
	err := retry.Do(ctx, p, func(context.Context) error {
		calls++
		cancel()
		return gerr(503, "")
	})
	if calls != 1 || !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v after %d calls, want context.Canceled after 1", err, calls)
	}
	var g *googleapi.Error
	if !errors.As(err, &g) || g.Code != 503 {
		t.Errorf("Do = %v, want the last failure kept", err)
	}
}

func TestDefault(t *testing.T) {
	t.Parallel()
	want := retry.Policy{MaxAttempts: 6, Base: 250 * time.Millisecond, Max: 30 * time.Second}
	if d := retry.Default; d.MaxAttempts != want.MaxAttempts || d.Base != want.Base || d.Max != want.Max || d.Sleep != nil || d.Rand != nil {
		t.Errorf("Default = %+v, want %+v", d, want)
	}
}

// selfClassified is an error that knows whether it is worth another attempt
// and how long to wait, as a transcription engine's answer does.
type selfClassified struct {
	retry bool
	after time.Duration
}

func (e selfClassified) Error() string             { return "engine answered" }
func (e selfClassified) Retryable() bool           { return e.retry }
func (e selfClassified) RetryAfter() time.Duration { return e.after }

func TestDoHonoursErrorsThatClassifyThemselves(t *testing.T) {
	t.Parallel()
	t.Run("retryable with a wait", func(t *testing.T) {
		t.Parallel()
		rec := &recorder{}
		calls := 0
		err := retry.Do(context.Background(), policy(3, 0, rec), func(context.Context) error {
			calls++
			if calls == 1 {
				return fmt.Errorf("posting audio: %w", selfClassified{retry: true, after: 7 * time.Second})
			}
			return nil
		})
		if err != nil || calls != 2 {
			t.Fatalf("Do = %v after %d calls, want nil after 2", err, calls)
		}
		if diff := cmp.Diff([]time.Duration{7 * time.Second}, rec.waits); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
	})
	t.Run("permanent", func(t *testing.T) {
		t.Parallel()
		calls := 0
		err := retry.Do(context.Background(), policy(3, 0, &recorder{}), func(context.Context) error {
			calls++
			return selfClassified{retry: false}
		})
		if err == nil || calls != 1 {
			t.Fatalf("Do = %v after %d calls, want an error after 1", err, calls)
		}
	})
}
