package googletest

import (
	"bytes"
	"net/http"
	"strconv"
)

// cutWriter lets a handler write half of its response body, then cuts the
// connection, as a network failure in the middle of a download does. When
// the handler declares a Content-Length before writing, the body streams
// until half of it is sent; otherwise the body is buffered, sent with its
// full Content-Length, and cut after half. The cut is a panic with
// http.ErrAbortHandler, which net/http turns into a closed connection.
type cutWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	streaming   bool
	limit, sent int64
	buf         bytes.Buffer
}

// cutBody serves r with next, cutting the response in the middle.
func cutBody(w http.ResponseWriter, r *http.Request, next http.Handler) {
	cw := &cutWriter{ResponseWriter: w, status: http.StatusOK}
	next.ServeHTTP(cw, r)
	cw.cut()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (cw *cutWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

// WriteHeader records the status; it is sent at once when the body length
// is known.
func (cw *cutWriter) WriteHeader(code int) {
	if cw.wroteHeader {
		return
	}
	cw.wroteHeader, cw.status = true, code
	if n, err := strconv.ParseInt(cw.Header().Get("Content-Length"), 10, 64); err == nil && n > 0 {
		cw.streaming, cw.limit = true, n/2
		cw.ResponseWriter.WriteHeader(code)
	}
}

// Write passes on or buffers the body, and cuts the connection once half
// of a streamed body was sent.
func (cw *cutWriter) Write(p []byte) (int, error) {
	cw.WriteHeader(http.StatusOK)
	if !cw.streaming {
		return cw.buf.Write(p)
	}
	if room := cw.limit - cw.sent; int64(len(p)) >= room {
		cw.abort(p[:room])
	}
	n, err := cw.ResponseWriter.Write(p)
	cw.sent += int64(n)
	return n, err
}

// cut sends half of a buffered body and cuts the connection. A streamed
// body was cut by Write already, unless it was shorter than it declared.
func (cw *cutWriter) cut() {
	if cw.streaming {
		return
	}
	body := cw.buf.Bytes()
	cw.Header().Set("Content-Length", strconv.Itoa(len(body)))
	cw.ResponseWriter.WriteHeader(cw.status)
	cw.abort(body[:len(body)/2])
}

// abort writes p, flushes it to the client and cuts the connection.
func (cw *cutWriter) abort(p []byte) {
	_, _ = cw.ResponseWriter.Write(p)
	_ = http.NewResponseController(cw.ResponseWriter).Flush()
	panic(http.ErrAbortHandler)
}
