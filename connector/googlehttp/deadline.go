package googlehttp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// TimeoutError is the end of a request to Google that waited longer than
// one of the door's Timeouts. It is a net.Error whose Timeout is true, and it
// is not the end of the caller's context: Classify calls it
// transient (CodeTimeout), so it is retried.
type TimeoutError struct {
	// Wait is what took too long: "headers" or "body".
	Wait string
	// Limit is the timeout that fired.
	Limit time.Duration
}

// timeoutText begins the message of every TimeoutError, so that Classify
// knows one that a library kept only as text.
const timeoutText = "googlehttp: Google did not answer in time"

func (e *TimeoutError) Error() string {
	if e.Wait == "body" {
		return fmt.Sprintf("%s: no more of the response for %s", timeoutText, e.Limit)
	}
	return fmt.Sprintf("%s: no response headers within %s", timeoutText, e.Limit)
}

// Timeout reports true: the error is a timeout.
func (e *TimeoutError) Timeout() bool { return true }

// Temporary reports true, for the callers that still ask.
func (e *TimeoutError) Temporary() bool { return true }

var _ net.Error = (*TimeoutError)(nil)

// failureReason is the audit entry's error reason for an error that ended
// a request: "timeout" for a timeout, else the given reason.
func failureReason(err error, otherwise string) string {
	var ne net.Error
	if errors.As(err, new(*TimeoutError)) || errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	return otherwise
}

// newTransport returns the transport a door uses when Options.Base is nil:
// http.DefaultTransport's settings, with t's connect timeout on the dial
// and on the TLS handshake.
func newTransport(t Timeouts) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second}
	tr.DialContext = dialer.DialContext
	tr.TLSHandshakeTimeout = t.Connect
	return tr
}

// deadlines is a RoundTripper that bounds the waits of each request sent
// through base: Header for the response headers, Idle for each read of the
// body. The caller's context still ends the request at any time.
type deadlines struct {
	base    http.RoundTripper
	timeout Timeouts
}

var (
	errHeaderTimeout = errors.New("googlehttp: header timeout")
	errIdleTimeout   = errors.New("googlehttp: idle timeout")
)

// RoundTrip sends req through base and returns its response, whose body
// times out when Google sends nothing for Idle.
func (d *deadlines) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	timer := time.AfterFunc(d.timeout.Header, func() { cancel(errHeaderTimeout) })
	resp, err := d.base.RoundTrip(req.WithContext(ctx))
	if fired := !timer.Stop(); fired || err != nil {
		if err == nil {
			// The timeout fired as the headers came: the request is
			// cancelled already.
			resp.Body.Close()
		}
		cancel(nil)
		if perr := req.Context().Err(); perr != nil || !fired {
			return nil, cmp.Or(err, perr)
		}
		return nil, &TimeoutError{Wait: "headers", Limit: d.timeout.Header}
	}
	body := &idleBody{rc: resp.Body, ctx: ctx, cancel: cancel, limit: d.timeout.Idle}
	body.timer = time.AfterFunc(d.timeout.Idle, func() { cancel(errIdleTimeout) })
	body.timer.Stop()
	resp.Body = body
	return resp, nil
}

// idleBody is a response body whose every read must return within the
// idle timeout. Time the caller spends between reads does not count.
type idleBody struct {
	rc     io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	limit  time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.limit)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	if err != nil && err != io.EOF && context.Cause(b.ctx) == errIdleTimeout {
		err = &TimeoutError{Wait: "body", Limit: b.limit}
	}
	return n, err
}

// Close closes the body and releases its context.
func (b *idleBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}
