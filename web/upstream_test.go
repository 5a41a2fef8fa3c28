package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/calendars"
	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
)

// outageCalendars is a fakeCalendars whose calls to Google fail with err.
type outageCalendars struct {
	*fakeCalendars
	err error
}

func (o outageCalendars) Choices(context.Context, string) (calendars.Choices, error) {
	return calendars.Choices{}, fmt.Errorf("listing the calendars of u-bob: %w", o.err)
}

func (o outageCalendars) Link(context.Context, string, []string) error {
	return fmt.Errorf("linking calendars of u-bob: %w", o.err)
}

// afterRetries is err as the connector returns it when its retries ran out.
func afterRetries(err error) error { return &retry.Error{Attempts: 6, Err: err} }

// TestGoogleOutageIsUnavailable checks that a page whose live call to
// Google fails because Google is down, slow or asks to slow down answers
// 503 with Retry-After and says ScopeTrail will retry, logged as a warning;
// and that failures that are not Google's outage stay 500 errors.
func TestGoogleOutageIsUnavailable(t *testing.T) {
	t.Parallel()
	limited := &googleapi.Error{Code: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"120"}}}
	tests := []struct {
		name       string
		err        error
		status     int
		retryAfter string
	}{
		{"503", afterRetries(&googleapi.Error{Code: http.StatusServiceUnavailable, Message: "The service is currently unavailable."}), http.StatusServiceUnavailable, "30"},
		{"500", afterRetries(&googleapi.Error{Code: http.StatusInternalServerError}), http.StatusServiceUnavailable, "30"},
		{"429 with Retry-After", afterRetries(limited), http.StatusServiceUnavailable, "120"},
		{"timeout", afterRetries(&url.Error{Op: "Get", URL: "https://www.googleapis.com/calendar/v3/users/me/calendarList",
			Err: &googlehttp.TimeoutError{Wait: "headers", Limit: 30 * time.Second}}), http.StatusServiceUnavailable, "30"},
		{"cut connection", afterRetries(&url.Error{Op: "Get", URL: "https://www.googleapis.com/calendar/v3/users/me/calendarList",
			Err: io.ErrUnexpectedEOF}), http.StatusServiceUnavailable, "30"},
		{"token store down", fmt.Errorf("%w for u-bob: %w", googlehttp.ErrTokenStore, errDatabaseDown), http.StatusInternalServerError, ""},
		{"database connection refused", fmt.Errorf("reading links: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}),
			http.StatusInternalServerError, ""},
		{"Google refused", &googleapi.Error{Code: http.StatusBadRequest}, http.StatusInternalServerError, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			f := newFakeCalendars()
			deps := h.deps()
			deps.Calendars = &CalendarPages{Calendars: outageCalendars{f, tc.err}, Meetings: f, Syncs: f}
			h.serve(h.config(), deps)
			h.signIn(bob)
			for _, r := range []*pageResult{{"GET", h.get("/calendars")}, {"POST", h.post("/calendars", url.Values{"calendar": {calendars.PrimaryID}})}} {
				if r.page.StatusCode != tc.status || r.page.Header.Get("Retry-After") != tc.retryAfter {
					t.Errorf("%s /calendars: %d, Retry-After %q; want %d, %q", r.method, r.page.StatusCode, r.page.Header.Get("Retry-After"), tc.status, tc.retryAfter)
				}
				says := r.page.TextOf(t, "#error p")
				if outage := strings.Contains(says, "Google is not answering; ScopeTrail will retry"); outage != (tc.status == http.StatusServiceUnavailable) {
					t.Errorf("%s /calendars says %q", r.method, says)
				}
			}
			logs := h.logs.String()
			if tc.status == http.StatusServiceUnavailable {
				if strings.Contains(logs, "level=ERROR") || strings.Count(logs, "level=WARN") != 2 {
					t.Errorf("an outage of Google was not logged as two warnings and no error:\n%s", logs)
				}
			} else if strings.Count(logs, "level=ERROR") != 2 {
				t.Errorf("a failure on our side was not logged as two errors:\n%s", logs)
			}
		})
	}
}

// pageResult is a page and the method that asked for it.
type pageResult struct {
	method string
	page   *browser.Page
}
