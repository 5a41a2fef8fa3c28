package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// TestClassify checks the error table, with errors wrapped as callers wrap
// them.
func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err      error
		wantCode int
		wantPage string
	}{
		{googleauth.ErrAccessDenied, http.StatusOK, "denied"},
		{googleauth.ErrDomainNotAllowed, http.StatusForbidden, "refused"},
		{googleauth.ErrStateMismatch, http.StatusBadRequest, "error"},
		{googleauth.ErrIDToken, http.StatusBadRequest, "error"},
		{googleauth.ErrExchange, http.StatusBadGateway, "error"},
		{googleauth.ErrAccountMismatch, http.StatusForbidden, "error"},
		{googleauth.ErrUnknownFeature, http.StatusNotFound, "error"},
		{identity.ErrSubjectMismatch, http.StatusForbidden, "error"},
		{identity.ErrInvalidRole, http.StatusBadRequest, "error"},
		{identity.ErrNotFound, http.StatusNotFound, "error"},
		{grant.ErrNotFound, http.StatusNotFound, "error"},
		{errCSRF, http.StatusForbidden, "error"},
		{errSignInRequired, http.StatusUnauthorized, "error"},
		{errForbidden, http.StatusForbidden, "error"},
		{invalidf("Choose a role."), http.StatusBadRequest, "error"},
		{echo.ErrNotFound, http.StatusNotFound, "error"},
		{echo.ErrMethodNotAllowed, http.StatusMethodNotAllowed, "error"},
		{errDatabaseDown, http.StatusInternalServerError, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			t.Parallel()
			p := classify(fmt.Errorf("doing something: %w", tt.err))
			if p.status != tt.wantCode || p.page != tt.wantPage {
				t.Errorf("classify = %d %s, want %d %s", p.status, p.page, tt.wantCode, tt.wantPage)
			}
			if p.message == "" && p.page == "error" {
				t.Error("error page without a message")
			}
		})
	}
}

// TestInternalErrors checks that a failure behind the page shows a generic
// page, keeps its details out of it, and is the only kind logged as an
// error.
func TestInternalErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signIn(bob)
	h.expectStatus(h.post("/link/everything", nil), http.StatusNotFound)
	if strings.Contains(h.logs.String(), "level=ERROR") {
		t.Errorf("a 404 was logged as an error:\n%s", h.logs)
	}

	h.grants.mu.Lock()
	h.grants.err = errDatabaseDown
	h.grants.mu.Unlock()
	r := h.get("/dashboard")
	h.expectStatus(r, http.StatusInternalServerError)
	if got := r.TextOf(t, "#error p"); !strings.Contains(got, "Something went wrong on our side") {
		t.Errorf("500 page says %q", got)
	}
	if strings.Contains(r.Content, errDatabaseDown.Error()) {
		t.Error("500 page shows the error's details")
	}
	if !strings.Contains(h.logs.String(), "level=ERROR msg=\"request failed\"") || !strings.Contains(h.logs.String(), errDatabaseDown.Error()) {
		t.Errorf("500 not logged as an error with its details:\n%s", h.logs)
	}
}

// TestBeginFailure checks that a sign-in that cannot start is a 500, and
// that an unverifiable answer from Google is a 400.
func TestBeginFailure(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.auth.beginErr = errors.New("discovery failed")
	h.expectStatus(h.post("/auth/signin", nil), http.StatusInternalServerError)

	h2 := newHarness(t)
	h2.auth.finishErr = fmt.Errorf("nonce: %w", googleauth.ErrIDToken)
	state := h2.googleRedirect("/auth/signin")
	r := h2.callback(url.Values{"state": {state}, "code": {"c"}})
	h2.expectStatus(r, http.StatusBadRequest)
	if got := r.TextOf(t, "#error p"); !strings.Contains(got, "could not be verified") {
		t.Errorf("page says %q", got)
	}
}

// TestPanic checks that a panic in a handler becomes a logged 500 and that
// the server keeps serving.
func TestPanic(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signIn(bob)
	h.tokens.mu.Lock()
	h.tokens.panics = true
	h.tokens.mu.Unlock()
	r := h.get("/dashboard")
	h.expectStatus(r, http.StatusInternalServerError)
	if !strings.Contains(h.logs.String(), "panic serving request") {
		t.Errorf("panic not logged:\n%s", h.logs)
	}
	h.expectStatus(h.get("/healthz"), http.StatusOK)
}

func TestFailureText(t *testing.T) {
	t.Parallel()
	for _, c := range []googlehttp.Class{googlehttp.ClassCanceled, googlehttp.ClassDenied, googlehttp.ClassRevoked,
		googlehttp.ClassNoToken, googlehttp.ClassAuditUnavailable, googlehttp.ClassRateLimited, googlehttp.ClassTransient,
		googlehttp.ClassPermanent, googlehttp.ClassInternal} {
		if failureWords[string(c)] == "" {
			t.Errorf("class %q has no words", c)
		}
	}
	for _, code := range []string{recordings.CodeExportTooLarge, recordings.CodeChecksum, recordings.CodeEmptyFile,
		recordings.CodeNotMedia, recordings.CodeCorrupt, recordings.CodeNoAudio, recordings.CodeTimeout,
		recordings.CodeEngineRefused, recordings.CodeHostNotAllowed, recordings.CodeWaitChanged, recordings.CodeWaitInterrupted,
		recordings.CodeWaitTranscription, recordings.CodeWaitRetranscribe, recordings.CodeWaitNoTranscript,
		recordings.CodeWaitExportTooLarge} {
		if failureWords[code] == "" {
			t.Errorf("recordings' code %q has no words", code)
		}
	}
	for _, tc := range []struct{ code, detail, want string }{
		{"", "", ""},
		{recordings.CodeNoAudio, "(pocketsphinx)", "The recording cannot be transcribed: the file has no audio track. (pocketsphinx)"},
		{"denied.suspended", "", "The Google permission this needs is suspended, by an administrator or by turning its feature off on the dashboard."},
		{"permanent.notFound", "Google answered 404 notFound", "Google refused the request. Google answered 404 notFound"},
		{"transient.http_502", "", "Google did not answer properly."},
		{"made.up", "", "The attempt failed."},
	} {
		if got := failureText(tc.code, tc.detail); got != tc.want {
			t.Errorf("failureText(%q, %q) = %q, want %q", tc.code, tc.detail, got, tc.want)
		}
	}
}
