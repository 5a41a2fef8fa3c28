package googletest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes"
)

func TestAPIErrorFaults(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{people: 12})
	for i, tc := range []struct {
		kind       googletest.FaultKind
		retryAfter time.Duration
		code       int
		reason     string
	}{
		{googletest.FaultRateLimit, 0, 403, "rateLimitExceeded"},
		{googletest.FaultRateLimit, 1500 * time.Millisecond, 403, "rateLimitExceeded"},
		{googletest.FaultTooManyRequests, 0, 429, "rateLimitExceeded"},
		{googletest.FaultTooManyRequests, 30 * time.Second, 429, "rateLimitExceeded"},
		{googletest.FaultUserRateLimit, 0, 403, "userRateLimitExceeded"},
		{googletest.FaultBackendError, 0, 500, "backendError"},
		{googletest.FaultUnavailable, 5 * time.Second, 503, "backendError"},
	} {
		user := f.users[i]
		t.Run(string(tc.kind)+"/"+tc.retryAfter.String(), func(t *testing.T) {
			t.Parallel()
			svc := f.drive(t, f.login(t, user, f.config(scopes.DriveReadonly)))
			f.AddFault(googletest.Fault{Method: "drive.files.list", User: user, Kind: tc.kind, Count: 2, RetryAfter: tc.retryAfter})
			for range 2 {
				_, err := svc.Files.List().Do()
				ge := assertAPIError(t, err, tc.code, tc.reason)
				want := ""
				if tc.retryAfter > 0 {
					want = strconv.Itoa(int((tc.retryAfter + time.Second - 1) / time.Second))
				}
				if got := ge.Header.Get("Retry-After"); got != want {
					t.Errorf("Retry-After = %q, want %q", got, want)
				}
			}
			if _, err := svc.Files.List().Do(); err != nil {
				t.Errorf("after Count firings: %v", err)
			}
		})
	}
}

func TestFaultTargets(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly, scopes.CalendarReadonly)
	target, bystander := f.login(t, f.users[0], cfg), f.login(t, f.users[1], cfg)
	f.AddFault(googletest.Fault{User: f.users[0], Kind: googletest.FaultBackendError})
	f.AddFault(googletest.Fault{Method: "calendar.calendarList.list", Kind: googletest.FaultUnavailable})
	_, err := f.drive(t, target).Files.List().Do()
	assertAPIError(t, err, 500, "backendError")
	if _, err := f.drive(t, bystander).Files.List().Do(); err != nil {
		t.Errorf("another user got the user's fault: %v", err)
	}
	_, err = f.calendar(t, bystander).CalendarList.List().Do()
	assertAPIError(t, err, 503, "backendError")
	f.ClearFaults()
	if _, err := f.drive(t, target).Files.List().Do(); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
}

func TestProbabilityFaultsAreSeeded(t *testing.T) {
	t.Parallel()
	outcomes := func() []bool {
		f := newFake(t, fakeOptions{})
		svc := f.drive(t, f.login(t, f.users[0], f.config(scopes.DriveReadonly)))
		f.AddFault(googletest.Fault{Method: "drive.files.list", Kind: googletest.FaultTooManyRequests, Probability: 0.5})
		var out []bool
		for range 24 {
			_, err := svc.Files.List().Do()
			out = append(out, err != nil)
		}
		return out
	}
	first, second := outcomes(), outcomes()
	failed := 0
	for i := range first {
		if first[i] {
			failed++
		}
		if first[i] != second[i] {
			t.Fatalf("runs with one seed differ at request %d: %v vs %v", i, first, second)
		}
	}
	if failed == 0 || failed == len(first) {
		t.Errorf("%d of %d requests failed with probability 0.5", failed, len(first))
	}
}

func TestLatencyFault(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	svc := f.drive(t, f.login(t, f.users[0], f.config(scopes.DriveReadonly)))
	f.AddFault(googletest.Fault{Method: "drive.files.list", Kind: googletest.FaultLatency, Delay: 200 * time.Millisecond, Count: 1})
	start := time.Now()
	if _, err := svc.Files.List().Do(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("request took %v, want at least the 200ms delay", d)
	}
	t.Run("a client that gives up ends the wait", func(t *testing.T) {
		f.AddFault(googletest.Fault{Method: "drive.files.list", Kind: googletest.FaultBackendError, Delay: time.Minute, Count: 1})
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		f.ResetRequests()
		if _, err := svc.Files.List().Context(ctx).Do(); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error = %v, want the deadline", err)
		}
		rec := waitForRecord(t, f, "drive.files.list")
		if rec.Status != 0 {
			t.Errorf("logged status %d for a request the client gave up on, want 0", rec.Status)
		}
	})
}

func TestCutBodyFault(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{recordingSize: 1 << 20})
	rec := f.recording(t)
	svc := f.drive(t, f.login(t, rec.Owner, f.config(scopes.DriveReadonly)))
	t.Run("JSON", func(t *testing.T) {
		f.AddFault(googletest.Fault{Method: "drive.files.list", Kind: googletest.FaultCutBody, Count: 1})
		if _, err := svc.Files.List().Do(); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("error = %v, want unexpected EOF", err)
		}
	})
	t.Run("download", func(t *testing.T) {
		f.AddFault(googletest.Fault{Method: "drive.files.get", Kind: googletest.FaultCutBody, Count: 1})
		resp, err := svc.Files.Get(rec.ID).Download()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if !errors.Is(err, io.ErrUnexpectedEOF) || n != resp.ContentLength/2 {
			t.Errorf("read %d of %d bytes, error %v; want half and unexpected EOF", n, resp.ContentLength, err)
		}
	})
}

func TestTokenFaults(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly)
	t.Run("invalid_grant ends the grant", func(t *testing.T) {
		t.Parallel()
		tok := f.login(t, f.users[0], cfg, oauth2.AccessTypeOffline)
		f.AddFault(googletest.Fault{Method: googletest.MethodToken, User: f.users[0], Kind: googletest.FaultInvalidGrant, Count: 1})
		_, err := refresh(t.Context(), cfg, tok)
		assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
		_, err = f.drive(t, tok).Files.List().Do()
		assertAPIError(t, err, 401, "authError")
		_, err = refresh(t.Context(), cfg, tok)
		assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
	})
	t.Run("testing expiry ends the refresh token", func(t *testing.T) {
		t.Parallel()
		tok := f.login(t, f.users[1], cfg, oauth2.AccessTypeOffline)
		f.AddFault(googletest.Fault{Method: googletest.MethodToken, User: f.users[1], Kind: googletest.FaultTestingExpiry, Count: 1})
		_, err := refresh(t.Context(), cfg, tok)
		assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
		if _, err := f.drive(t, tok).Files.List().Do(); err != nil {
			t.Errorf("the access token died with the refresh token: %v", err)
		}
		_, err = refresh(t.Context(), cfg, tok)
		assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
	})
	t.Run("5xx", func(t *testing.T) {
		t.Parallel()
		tok := f.login(t, f.users[2], cfg, oauth2.AccessTypeOffline)
		f.AddFault(googletest.Fault{Method: googletest.MethodToken, User: f.users[2], Kind: googletest.FaultUnavailable, Count: 1})
		_, err := refresh(t.Context(), cfg, tok)
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) || re.Response.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("error = %v, want a 503 RetrieveError", err)
		}
		if _, err := refresh(t.Context(), cfg, tok); err != nil {
			t.Errorf("refresh after the fault: %v", err)
		}
	})
}

func TestUserRemovesApp(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.DriveReadonly)
	t.Run("RevokeUser", func(t *testing.T) {
		t.Parallel()
		tok := f.login(t, f.users[0], cfg, oauth2.AccessTypeOffline)
		f.RevokeUser(f.users[0])
		assertRemoved(t, f, cfg, tok)
	})
	t.Run("revoke_app fault", func(t *testing.T) {
		t.Parallel()
		tok := f.login(t, f.users[1], cfg, oauth2.AccessTypeOffline)
		f.AddFault(googletest.Fault{Method: "drive.files.list", User: f.users[1], Kind: googletest.FaultRevokeApp, Count: 1})
		assertRemoved(t, f, cfg, tok)
	})
	t.Run("over HTTP", func(t *testing.T) {
		t.Parallel()
		tok := f.login(t, f.users[2], cfg, oauth2.AccessTypeOffline)
		resp, err := http.Post(f.base+"/_fake/revoke-user?email="+f.users[2], "", nil)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("POST /_fake/revoke-user: %v %v", resp, err)
		}
		resp.Body.Close()
		assertRemoved(t, f, cfg, tok)
	})
}

// assertRemoved checks that the user's access and refresh tokens are dead.
func assertRemoved(t *testing.T, f *fake, cfg *oauth2.Config, tok *oauth2.Token) {
	t.Helper()
	_, err := f.drive(t, tok).Files.List().Do()
	assertAPIError(t, err, 401, "authError")
	_, err = refresh(t.Context(), cfg, tok)
	assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
}

// waitForRecord waits until the request log holds a record of method.
func waitForRecord(t *testing.T, f *fake, method string) googletest.RequestRecord {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, rec := range f.Requests() {
			if rec.MethodID == method {
				return rec
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s request was logged", method)
	return googletest.RequestRecord{}
}
