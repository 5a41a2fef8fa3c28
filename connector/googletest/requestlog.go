package googletest

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// maxRequests bounds the request log; the oldest tenth is dropped when it
// is full.
const maxRequests = 200_000

// RequestRecord is one request the fake served, as Google would log it. It
// never holds a token, code or secret.
type RequestRecord struct {
	Time time.Time `json:"time"`
	// User is the email of the user the request acted for, when known.
	User string `json:"user,omitempty"`
	// ClientID is the OAuth client, when known.
	ClientID string `json:"client_id,omitempty"`
	// MethodID is Google's method id ("drive.files.list") or, for OAuth
	// endpoints, "oauth.authorize", "oauth.consent", "oauth.token",
	// "oauth.revoke", "oauth.tokeninfo", "oauth.userinfo",
	// "oauth.discovery" or "oauth.certs". Empty for unknown paths.
	MethodID string `json:"method_id,omitempty"`
	// Scope is the granted scope that allowed an API call: the narrowest
	// one when several did.
	Scope string `json:"scope,omitempty"`
	// Status is the HTTP status sent, 0 when the client left first.
	Status int `json:"status"`
	// Bytes is the number of response body bytes sent.
	Bytes      int64  `json:"bytes"`
	Path       string `json:"path"`
	HTTPMethod string `json:"http_method"`
}

// requestLog keeps the records of the requests served.
type requestLog struct {
	mu      sync.Mutex
	records []RequestRecord
}

func newRequestLog() *requestLog { return &requestLog{} }

func (l *requestLog) add(rec RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.records) >= maxRequests {
		l.records = slices.Delete(l.records, 0, maxRequests/10)
	}
	l.records = append(l.records, rec)
}

// Requests returns the records of the requests served so far, oldest
// first. Requests to the /_fake/ control endpoints are not logged.
func (s *Server) Requests() []RequestRecord {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return slices.Clone(s.log.records)
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.records = nil
}

// recordKey is the context key of the record of the request being served.
type recordKey struct{}

// annotate lets a handler fill in the record of the request it serves.
func annotate(r *http.Request, fill func(*RequestRecord)) {
	if rec, ok := r.Context().Value(recordKey{}).(*RequestRecord); ok {
		fill(rec)
	}
}

// logRequests records every request next serves, even one whose
// connection is cut by a panic.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_fake/") {
			next.ServeHTTP(w, r)
			return
		}
		rec := &RequestRecord{Time: s.now(), Path: r.URL.Path, HTTPMethod: r.Method}
		cw := &countingWriter{ResponseWriter: w}
		defer func() {
			rec.Status, rec.Bytes = cw.status, cw.bytes
			if rec.Status == 0 && r.Context().Err() == nil {
				rec.Status = http.StatusOK
			}
			s.log.add(*rec)
		}()
		next.ServeHTTP(cw, r.WithContext(context.WithValue(r.Context(), recordKey{}, rec)))
	})
}

// countingWriter records the status and counts the body bytes of a
// response.
type countingWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (cw *countingWriter) WriteHeader(code int) {
	if cw.status == 0 {
		cw.status = code
	}
	cw.ResponseWriter.WriteHeader(code)
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	n, err := cw.ResponseWriter.Write(p)
	cw.bytes += int64(n)
	return n, err
}

// Flush sends buffered data to the client, for handlers that stream.
func (cw *countingWriter) Flush() { _ = http.NewResponseController(cw.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the connection's writer.
func (cw *countingWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }
