package replicatest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// writeGoogleError answers as Google's front ends do when they refuse a
// request.
func writeGoogleError(w http.ResponseWriter, code int, status, reason, message string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"error":{"code":%d,"message":%q,"status":%q,"errors":[{"message":%q,"domain":"global","reason":%q}]}}`,
		code, message, status, message, reason)
}

// errReset is how modify asks for the connection to be closed.
var errReset = errors.New("replicatest: reset")

// closeConnection ends a request the proxy could not complete by closing
// the connection without an answer, as a broken network does, instead of
// the reverse proxy's 502, which Google never sends.
func closeConnection(http.ResponseWriter, *http.Request, error) { panic(http.ErrAbortHandler) }

// cutReader returns the first left bytes of r, then fails, which makes the
// reverse proxy cut the connection.
type cutReader struct {
	r    io.ReadCloser
	left int64
}

func (c *cutReader) Read(b []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.left -= int64(n)
	return n, err
}

func (c *cutReader) Close() error { return c.r.Close() }

// throttledReader reads r at about rate bytes per second.
type throttledReader struct {
	r    io.ReadCloser
	rate int64
	ctx  context.Context
}

func (t *throttledReader) Read(b []byte) (int, error) {
	if chunk := int(t.rate / 20); len(b) > chunk {
		b = b[:max(chunk, 1)]
	}
	n, err := t.r.Read(b)
	select {
	case <-time.After(time.Duration(n) * time.Second / time.Duration(t.rate)):
	case <-t.ctx.Done():
		return n, t.ctx.Err()
	}
	return n, err
}

func (t *throttledReader) Close() error { return t.r.Close() }
