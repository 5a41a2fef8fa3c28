package googlehttp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/api/googleapi"
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

// googleFailure classifies Google's answer: 429 and 403 with a rate-limit
// reason are rate limits, 5xx transient, any other status permanent. The
// code carries Google's first reason, or the status when there is none.
func googleFailure(err error, now time.Time) (Failure, bool) {
	var gerr *googleapi.Error
	if !errors.As(err, &gerr) {
		return Failure{}, false
	}
	reason := googleReason(gerr)
	f := Failure{Status: gerr.Code, RetryAfter: retryAfter(gerr, now)}
	sub := reason
	if sub == "" {
		sub = "http_" + strconv.Itoa(gerr.Code)
	}
	switch {
	case gerr.Code == http.StatusTooManyRequests || gerr.Code == http.StatusForbidden && rateLimited(gerr):
		f.Class, f.Code = ClassRateLimited, string(ClassRateLimited)
	case gerr.Code >= 500:
		f.Class, f.Code = ClassTransient, string(ClassTransient)+"."+sub
	default:
		f.Class, f.Code = ClassPermanent, string(ClassPermanent)+"."+sub
	}
	f.Detail = fmt.Sprintf("Google answered %d", gerr.Code)
	if reason != "" {
		f.Detail += " " + reason
	}
	if gerr.Message != "" {
		f.Detail += ": " + gerr.Message
	}
	return f, true
}

// googleReason returns the first reason of a Google error, from errors[]
// or from an ErrorInfo detail, "" when it has none. Only letters, digits
// and underscores are kept, so that it can stand in a code.
func googleReason(e *googleapi.Error) string {
	r := ""
	for _, it := range e.Errors {
		if r = it.Reason; r != "" {
			break
		}
	}
	if r == "" {
		r = errorInfoReason(e)
	}
	return strings.Map(func(c rune) rune {
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			return c
		}
		return -1
	}, cutRunes(r, 64))
}

// errorInfoReason returns the reason of the first google.rpc.ErrorInfo
// detail of a Google error.
func errorInfoReason(e *googleapi.Error) string {
	for _, d := range e.Details {
		m, ok := d.(map[string]any)
		if !ok {
			continue
		}
		if t, _ := m["@type"].(string); !strings.HasSuffix(t, "google.rpc.ErrorInfo") {
			continue
		}
		if r, _ := m["reason"].(string); r != "" {
			return r
		}
	}
	return ""
}

// HasReason reports whether a Google error carries reason, in errors[] or
// in an ErrorInfo detail.
func HasReason(e *googleapi.Error, reason string) bool {
	for _, it := range e.Errors {
		if it.Reason == reason {
			return true
		}
	}
	for _, d := range e.Details {
		if m, ok := d.(map[string]any); ok && m["reason"] == reason {
			return true
		}
	}
	return false
}

// rateLimited reports whether a Google error carries a rate-limit reason,
// in errors[].reason or in the reason of an ErrorInfo detail.
func rateLimited(e *googleapi.Error) bool {
	for _, it := range e.Errors {
		if rateLimitReasons[normReason(it.Reason)] {
			return true
		}
	}
	return rateLimitReasons[normReason(errorInfoReason(e))]
}

// normReason lower-cases a reason and drops its underscores.
func normReason(r string) string {
	return strings.ToLower(strings.ReplaceAll(r, "_", ""))
}

// connFailure classifies a connection failure: an operation on a socket
// that failed or timed out, a reset or refused connection, or a response
// that ended early. The detail names which, in fixed words.
func connFailure(err error) (Failure, bool) {
	transient := func(code, detail string) (Failure, bool) {
		return Failure{Class: ClassTransient, Code: code, Detail: detail}, true
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return transient(CodeNetwork, "the response was cut short")
	case errors.Is(err, syscall.ECONNREFUSED):
		return transient(CodeNetwork, "the connection was refused")
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		return transient(CodeNetwork, "the connection was reset")
	}
	// *url.Error is a net.Error too, so look only at timeouts; it hides a
	// *TimeoutError that the door joined to another error.
	var ne net.Error
	if errors.As(err, new(*TimeoutError)) || errors.As(err, &ne) && ne.Timeout() {
		return transient(CodeTimeout, "Google did not answer in time")
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return transient(CodeNetwork, "the connection failed ("+op.Op+")")
	}
	if strings.Contains(err.Error(), timeoutText) {
		// golang.org/x/oauth2 keeps only the text of the error that ended
		// a token response's body.
		return transient(CodeTimeout, "Google did not answer in time")
	}
	msg := strings.ToLower(err.Error())
	for _, m := range connMessages {
		if strings.Contains(msg, m) {
			return transient(CodeNetwork, "the connection was broken")
		}
	}
	return Failure{}, false
}

// retryAfter reads the Retry-After header of a Google error, in seconds or
// as an HTTP date relative to now; 0 when there is none.
func retryAfter(e *googleapi.Error, now time.Time) time.Duration {
	if e.Header == nil {
		return 0
	}
	v := strings.TrimSpace(e.Header.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Duration(min(max(s, 0), int64(maxRetryAfter/time.Second))) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	return min(max(t.Sub(now), 0), maxRetryAfter)
}

// maxRetryAfter bounds the wait a Retry-After header may ask for, so that a
// huge number of seconds cannot overflow into a negative wait.
const maxRetryAfter = 24 * time.Hour
