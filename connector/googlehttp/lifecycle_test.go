package googlehttp_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// step is an audit entry reduced to what a lifecycle test checks.
type step struct {
	Event   audit.Event
	Outcome audit.Outcome
	Status  int
	Reason  string
}

func steps(es []audit.Entry) []step {
	var out []step
	for _, e := range es {
		out = append(out, step{e.Event, e.Outcome, e.HTTPStatus, e.ErrorReason})
	}
	return out
}

var (
	recordings = connectortest.Ctx(scopes.PurposeRecordings)
	pending    = step{audit.EventActivity, audit.OutcomePending, 0, ""}
	okList     = step{audit.EventActivity, audit.OutcomeOK, 200, ""}
)

func TestGoogleErrorsAreRecorded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	s := newServices(t, h.URLs, h.Door, user)
	h.Fake.AddFault(googletest.Fault{Method: "drive.files.list", User: h.People[0], Kind: googletest.FaultRateLimit, Count: 1})
	if _, err := s.drive.Files.List().Context(recordings).Do(); !isStatus(err, 403) {
		t.Fatalf("files.list with a rate limit: %v", err)
	}
	if _, err := s.drive.Files.Get("no-such-file").Context(recordings).Do(); !isStatus(err, 404) {
		t.Fatalf("files.get of a missing file: %v", err)
	}
	want := []step{pending, {audit.EventActivity, audit.OutcomeError, 403, "rateLimitExceeded"},
		pending, {audit.EventActivity, audit.OutcomeError, 404, "notFound"}}
	if diff := cmp.Diff(want, steps(h.Entries(t, user))); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestRefreshIsAudited(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	s := newServices(t, h.URLs, h.Door, user)
	old, _ := h.Tokens.Load(context.Background(), user)
	h.expire(t, user)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := s.drive.Files.List().Context(recordings).Do(); err != nil {
				t.Errorf("files.list: %v", err)
			}
		})
	}
	wg.Wait()
	es := h.Entries(t, user)
	if diff := cmp.Diff([]step{{audit.EventRefresh, audit.OutcomePending, 0, ""}, {audit.EventRefresh, audit.OutcomeOK, 200, ""}}, steps(es[:2])); diff != "" {
		t.Errorf("the first entries are not one refresh (-want +got):\n%s", diff)
	}
	for _, e := range es[2:] {
		if e.Event == audit.EventRefresh {
			t.Errorf("a second refresh: %+v", e)
		}
	}
	if es[0].MethodName != "oauth2.token" || es[1].RefSeq != es[0].Seq {
		t.Errorf("refresh entries %+v", es[:2])
	}
	now, _ := h.Tokens.Load(context.Background(), user)
	if now.AccessToken == old.AccessToken || now.RefreshToken != old.RefreshToken {
		t.Error("the refreshed token was not stored, or lost its refresh token")
	}
}

func TestInvalidGrantRevokes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	s := newServices(t, h.URLs, h.Door, user)
	h.Fake.AddFault(googletest.Fault{Method: googletest.MethodToken, User: h.People[0], Kind: googletest.FaultInvalidGrant})
	h.expire(t, user)
	if _, err := s.drive.Files.List().Context(recordings).Do(); !errors.Is(err, googlehttp.ErrRevoked) {
		t.Fatalf("files.list after invalid_grant: %v, want ErrRevoked", err)
	}
	if _, err := s.drive.Files.List().Context(recordings).Do(); !errors.Is(err, googlehttp.ErrDenied) {
		t.Fatalf("files.list after the revocation: %v, want ErrDenied", err)
	}
	want := []step{
		{audit.EventRefresh, audit.OutcomePending, 0, ""},
		{audit.EventRefreshFailed, audit.OutcomeError, 400, "invalid_grant"},
		{audit.EventRevoke, audit.OutcomeOK, 0, "invalid_grant"},
		{audit.EventDeny, audit.OutcomeDenied, 0, "revoked"},
	}
	h.checkRevoked(t, user, "invalid_grant", want, 0)
}

func TestUnauthorizedRevokes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		setup     func(t *testing.T, h *harness, user string)
		wantErr   error
		wantSteps []step
		reason    string
	}{
		{
			name:    "app removed at Google: 401, then invalid_grant",
			setup:   func(_ *testing.T, h *harness, _ string) { h.Fake.RevokeUser(h.People[0]) },
			wantErr: googlehttp.ErrRevoked, reason: "invalid_grant",
			wantSteps: []step{pending, {audit.EventActivity, audit.OutcomeError, 401, "authError"},
				{audit.EventRefresh, audit.OutcomePending, 0, ""}, {audit.EventRefreshFailed, audit.OutcomeError, 400, "invalid_grant"},
				{audit.EventRevoke, audit.OutcomeOK, 0, "invalid_grant"}},
		},
		{
			name: "401 after a refresh",
			setup: func(t *testing.T, h *harness, user string) {
				h.expire(t, user)
				h.Fake.AddFault(googletest.Fault{Method: "drive.files.list", User: h.People[0], Kind: googletest.FaultRevokeApp, Count: 1})
			},
			reason: "unauthorized_after_refresh",
			wantSteps: []step{{audit.EventRefresh, audit.OutcomePending, 0, ""}, {audit.EventRefresh, audit.OutcomeOK, 200, ""},
				// The revocation is recorded before the caller closes the
				// 401's body, which records the request's outcome.
				pending, {audit.EventRevoke, audit.OutcomeOK, 0, "unauthorized_after_refresh"},
				{audit.EventActivity, audit.OutcomeError, 401, "authError"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			user := h.Authorize(t, h.People[0], allScopes...)
			s := newServices(t, h.URLs, h.Door, user)
			tc.setup(t, h, user)
			_, err := s.drive.Files.List().Context(recordings).Do()
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) || tc.wantErr == nil && !isStatus(err, 401) {
				t.Fatalf("files.list: %v", err)
			}
			h.checkRevoked(t, user, tc.reason, tc.wantSteps, 1)
		})
	}
}

// checkRevoked checks that a user's grant was revoked for reason, the
// user's entries and API requests, and that the door did nothing more: the
// token stays, for the revocation service to delete when it completes the
// revocation.
func (h *harness) checkRevoked(t *testing.T, user, reason string, want []step, apiRequests int) {
	t.Helper()
	g, err := h.Grants.Get(context.Background(), user)
	if err != nil || g.Status != grant.StatusRevoked || g.Reason != reason {
		t.Errorf("grant %+v, %v; want revoked for %s", g, err, reason)
	}
	if diff := cmp.Diff(want, steps(h.Entries(t, user))); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if got := h.APIRequests(""); len(got) != apiRequests {
		t.Errorf("the fake served %d API requests, want %d", len(got), apiRequests)
	}
	if _, err := h.Tokens.Load(context.Background(), user); err != nil {
		t.Errorf("the door deleted the token of the revoked user (%v); completing the revocation is not its job", err)
	}
}

func TestRevokeAtGoogle(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	ctx := context.Background()
	if err := h.Door.Revoke(ctx, user); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if err := h.Door.Revoke(ctx, user); err != nil {
		t.Fatalf("second Revoke: %v", err)
	}
	if err := h.Door.Revoke(ctx, "u-nobody"); !errors.Is(err, googlehttp.ErrNoToken) {
		t.Fatalf("Revoke without a token: %v, want ErrNoToken", err)
	}
	want := []step{{audit.EventRevoke, audit.OutcomePending, 0, ""}, {audit.EventRevoke, audit.OutcomeOK, 200, ""},
		{audit.EventRevoke, audit.OutcomePending, 0, ""}, {audit.EventRevoke, audit.OutcomeError, 400, "invalid_token"}}
	if diff := cmp.Diff(want, steps(h.Entries(t, user))); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	h.expire(t, user)
	s := newServices(t, h.URLs, h.Door, user)
	if _, err := s.drive.Files.List().Context(recordings).Do(); !errors.Is(err, googlehttp.ErrRevoked) {
		t.Fatalf("files.list after Revoke: %v, want ErrRevoked", err)
	}
}

func TestTransportErrorsAreRecorded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	h.Fake.AddFault(googletest.Fault{Method: "drive.files.list", Kind: googletest.FaultCutBody, Count: 1})
	if _, err := newServices(t, h.URLs, h.Door, user).drive.Files.List().Context(recordings).Do(); err == nil {
		t.Fatal("files.list with a cut body succeeded")
	}
	refused := errors.New("connection refused")
	down := h.NewDoor(t, func(o *googlehttp.Options) {
		o.Base = roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, refused })
	})
	if _, err := newServices(t, h.URLs, down, user).drive.Files.List().Context(recordings).Do(); !errors.Is(err, refused) {
		t.Fatalf("files.list with the network down: %v", err)
	}
	want := []step{pending, {audit.EventActivity, audit.OutcomeError, 200, "response_interrupted"},
		pending, {audit.EventActivity, audit.OutcomeError, 0, "transport_error"}}
	if diff := cmp.Diff(want, steps(h.Entries(t, user))); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

// roundTripFunc is a RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func isStatus(err error, code int) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == code
}
