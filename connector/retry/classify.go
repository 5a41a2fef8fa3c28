package retry

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

// rateLimitReasons are the 403 reasons that mean "slow down", normalised by
// normReason (Google spells them rateLimitExceeded in errors[].reason and
// RATE_LIMIT_EXCEEDED in an ErrorInfo).
var rateLimitReasons = map[string]bool{
	"ratelimitexceeded":     true,
	"userratelimitexceeded": true,
}

// connMessages are fragments of the messages of connection failures that
// have no exported type: HTTP/2 stream resets, GOAWAY, idle connections the
// server closed, and resets wrapped in strings.
var connMessages = []string{
	"connection reset",
	"broken pipe",
	"stream error",
	"http2: server sent goaway",
	"server closed idle connection",
	"transport connection broken",
}

// Retryable reports whether err is a transient failure worth another
// attempt: HTTP 429, 403 with the reason rateLimitExceeded or
// userRateLimitExceeded, any 5xx, or a broken or refused connection
// (including a body cut short). It is false for nil, for the end of a
// context, for the door's refusals (googlehttp.ErrDenied,
// ErrAuditUnavailable, ErrRevoked), for a missing token unless its refresh
// failed on the connection, and for every other 4xx. An error that knows
// whether it is worth another attempt, by a method Retryable() bool in its
// chain (a transcription engine's answer, say), decides for itself, unless
// the context ended.
func Retryable(err error) bool {
	switch {
	case err == nil,
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, googlehttp.ErrDenied), errors.Is(err, googlehttp.ErrAuditUnavailable),
		errors.Is(err, googlehttp.ErrRevoked):
		return false
	}
	var self interface{ Retryable() bool }
	if errors.As(err, &self) {
		return self.Retryable()
	}
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		return gerr.Code == http.StatusTooManyRequests || gerr.Code >= 500 ||
			gerr.Code == http.StatusForbidden && rateLimited(gerr)
	}
	return isConnError(err)
}

// rateLimited reports whether a Google error carries a rate-limit reason,
// in errors[].reason or in the reason of an ErrorInfo detail.
func rateLimited(e *googleapi.Error) bool {
	for _, it := range e.Errors {
		if rateLimitReasons[normReason(it.Reason)] {
			return true
		}
	}
	for _, d := range e.Details {
		m, ok := d.(map[string]any)
		if !ok {
			continue
		}
		if t, _ := m["@type"].(string); !strings.HasSuffix(t, "google.rpc.ErrorInfo") {
			continue
		}
		if r, _ := m["reason"].(string); rateLimitReasons[normReason(r)] {
			return true
		}
	}
	return false
}

// normReason lower-cases a reason and drops its underscores.
func normReason(r string) string {
	return strings.ToLower(strings.ReplaceAll(r, "_", ""))
}

// isConnError reports whether err is a connection failure: an operation on
// a socket that failed or timed out, a reset or refused connection, or a
// response that ended early.
func isConnError(err error) bool {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	// *url.Error is a net.Error too, so look only at timeouts.
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	msg := strings.ToLower(err.Error())
	for _, m := range connMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// retryAfter reads the Retry-After header of a Google error, in seconds or
// as an HTTP date relative to now, or the wait that an error with a method
// RetryAfter() time.Duration in its chain asks for (a positive one); ok is
// false when there is none.
func retryAfter(err error, now time.Time) (time.Duration, bool) {
	var asks interface{ RetryAfter() time.Duration }
	if errors.As(err, &asks) && asks.RetryAfter() > 0 {
		return asks.RetryAfter(), true
	}
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) || gerr.Header == nil {
		return 0, false
	}
	v := strings.TrimSpace(gerr.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, perr := strconv.ParseInt(v, 10, 64); perr == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	t, perr := http.ParseTime(v)
	if perr != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
