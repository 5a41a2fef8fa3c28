package jobs

import (
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/riverqueue/river"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
)

func TestStoredFailure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, code, detail string }{
		{"cancelled", "JobCancelError: [denied.revoked]", "denied.revoked", ""},
		{"with detail", "[transient.backendError] Google answered 503 backendError (after 6 attempts)",
			"transient.backendError", "Google answered 503 backendError (after 6 attempts)"},
		{"detail redacted again", `[permanent.invalid] see "https://x.test/a?pageToken=S"`, "permanent.invalid", `see "https://x.test/a?…"`},
		{"text of an older version", `JobCancelError: listing: Get "http://x.test/?pageToken=S": googlehttp: request refused`, googlehttp.CodeUnknown, ""},
		{"River's own", "PanicError: runtime error: index out of range", googlehttp.CodeUnknown, ""},
		{"detail of two lines", "[permanent.invalid] Google answered 400 invalid: one\ntwo", "permanent.invalid", "Google answered 400 invalid: one\ntwo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if code, detail := failure(tc.in); code != tc.code || detail != tc.detail {
				t.Errorf("failure(%q) = %q, %q; want %q, %q", tc.in, code, detail, tc.code, tc.detail)
			}
		})
	}
}

func TestOutcomeStoresCodeAndDetail(t *testing.T) {
	t.Parallel()
	refused := &url.Error{Op: "Get", URL: "https://x.test/?pageToken=S", Err: &googlehttp.DeniedError{Reason: "suspended"}}
	var cancel *river.JobCancelError
	if err := outcome(fmt.Errorf("syncing: %w", refused)); !errors.As(err, &cancel) || err.Error() != "JobCancelError: [denied.suspended]" {
		t.Errorf("outcome of a refusal = %q, want a cancellation with its code only", err)
	}
	if err := outcome(ErrNotWired); !errors.As(err, &cancel) || err.Error() != "JobCancelError: [not_wired]" {
		t.Errorf("outcome of ErrNotWired = %q, want a cancellation", err)
	}
	busy := &googleapi.Error{Code: 503, Errors: []googleapi.ErrorItem{{Reason: "backendError"}}}
	if err := outcome(busy); errors.As(err, &cancel) || err.Error() != "[transient.backendError] Google answered 503 backendError" {
		t.Errorf("outcome of a 503 = %q, want it retried, with its code and detail", err)
	}
}

func TestOutcomeKeepsTheError(t *testing.T) {
	t.Parallel()
	base := errors.New("boom")
	if err := outcome(base); !errors.Is(err, base) {
		t.Errorf("outcome(%v) = %v, want it wrapped", base, err)
	}
	if outcome(nil) != nil {
		t.Error("outcome(nil) != nil")
	}
}
