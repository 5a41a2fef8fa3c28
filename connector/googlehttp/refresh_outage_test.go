package googlehttp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// tooManyTokenRequests is a base transport that answers the first token
// request itself with 429 and a Retry-After, as a rate-limited token
// endpoint does, and sends every other request on.
type tooManyTokenRequests struct {
	tokenURL string
	fired    atomic.Bool
}

func (b *tooManyTokenRequests) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.String() != b.tokenURL || b.fired.Swap(true) {
		return http.DefaultTransport.RoundTrip(r)
	}
	body := `{"error": "rate_limit_exceeded"}`
	return &http.Response{StatusCode: http.StatusTooManyRequests, Request: r, ContentLength: int64(len(body)),
		Header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"3"}}, Body: io.NopCloser(strings.NewReader(body))}, nil
}

// refusingBase is a base transport whose first token request finds the
// connection refused.
type refusingBase struct {
	tokenURL string
	fired    atomic.Bool
}

func (b *refusingBase) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.String() != b.tokenURL || b.fired.Swap(true) {
		return http.DefaultTransport.RoundTrip(r)
	}
	// Port 9 on loopback refuses connections: a real refusal.
	out := r.Clone(r.Context())
	out.URL.Host = "127.0.0.1:9"
	return http.DefaultTransport.RoundTrip(out)
}

// TestRefreshOutageIsRetried: a refresh that fails on the token endpoint's
// side (5xx, 429, a cut answer, a refused connection) is a transient
// failure that retry.Do tries again. Each attempt has its own refresh
// entries, the call succeeds, and the user is neither marked for reconnect
// nor revoked.
func TestRefreshOutageIsRetried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		fault     googletest.FaultKind
		base      func(tokenURL string) http.RoundTripper
		class     googlehttp.Class
		failed    step
		wantSleep time.Duration
	}{
		{name: "503", fault: googletest.FaultUnavailable, class: googlehttp.ClassTransient,
			failed: step{audit.EventRefreshFailed, audit.OutcomeError, 503, "token_endpoint_503"}},
		{name: "500", fault: googletest.FaultBackendError, class: googlehttp.ClassTransient,
			failed: step{audit.EventRefreshFailed, audit.OutcomeError, 500, "token_endpoint_500"}},
		{name: "cut answer", fault: googletest.FaultCutBody, class: googlehttp.ClassTransient,
			failed: step{audit.EventRefreshFailed, audit.OutcomeError, 200, "transport_error"}},
		{name: "429", base: func(u string) http.RoundTripper { return &tooManyTokenRequests{tokenURL: u} },
			class: googlehttp.ClassRateLimited, wantSleep: 3 * time.Second,
			failed: step{audit.EventRefreshFailed, audit.OutcomeError, 429, "token_endpoint_429"}},
		{name: "connection refused", base: func(u string) http.RoundTripper { return &refusingBase{tokenURL: u} },
			class:  googlehttp.ClassTransient,
			failed: step{audit.EventRefreshFailed, audit.OutcomeError, 0, "transport_error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			door := h.Door
			if tc.base != nil {
				door = h.NewDoor(t, func(o *googlehttp.Options) { o.Base = tc.base(h.URLs.TokenURL) })
			}
			user := h.Authorize(t, h.People[0], allScopes...)
			s := newServices(t, h.URLs, door, user)
			h.expire(t, user)
			if tc.fault != "" {
				h.Fake.AddFault(googletest.Fault{Method: googletest.MethodToken, User: h.People[0], Kind: tc.fault, Count: 1})
			}
			var first error
			var slept []time.Duration
			p := retry.Policy{MaxAttempts: 3, Base: time.Millisecond, Max: time.Millisecond,
				Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
			err := retry.Do(recordings, p, func(ctx context.Context) error {
				_, err := s.drive.Files.List().Context(ctx).Do()
				if first == nil {
					first = err
				}
				return err
			})
			if err != nil {
				t.Fatalf("files.list under retry.Do after a refresh failure: %v (first attempt: %v)", err, first)
			}
			if f := googlehttp.Classify(first); f.Class != tc.class {
				t.Errorf("the failed refresh is classified %+v, want %s", f, tc.class)
			}
			if len(slept) != 1 || slept[0] < tc.wantSleep {
				t.Errorf("retry.Do waited %v, want one wait of at least %v", slept, tc.wantSleep)
			}
			want := []step{{audit.EventRefresh, audit.OutcomePending, 0, ""}, tc.failed,
				{audit.EventRefresh, audit.OutcomePending, 0, ""}, {audit.EventRefresh, audit.OutcomeOK, 200, ""}, pending, okList}
			if diff := cmp.Diff(want, steps(h.Entries(t, user))); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			g, err := h.Grants.Get(context.Background(), user)
			if err != nil {
				t.Fatal(err)
			}
			if g.Status != grant.StatusActive {
				t.Errorf("after a token endpoint outage the grant is %q, want active", g.Status)
			}
		})
	}
}

// tokenAnswer is a base transport that answers every token request itself
// with status and an OAuth error code, and sends the other requests on.
type tokenAnswer struct {
	tokenURL string
	status   int
	code     string
}

func (b tokenAnswer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.String() != b.tokenURL {
		return http.DefaultTransport.RoundTrip(r)
	}
	body := `{"error": "` + b.code + `"}`
	return &http.Response{StatusCode: b.status, Request: r, ContentLength: int64(len(body)),
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body))}, nil
}

// TestRefreshRefusals: of the token endpoint's refusals, only invalid_grant
// (the grant is revoked) and unauthorized_client (the user must link their
// account again) ask the user to act; invalid_client is ScopeTrail's
// configuration, and any other refusal is a permanent failure of the
// request that leaves the grant alone. None is retried.
func TestRefreshRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status int
		code   string
		class  googlehttp.Class
		grant  grant.Status
	}{
		{400, "invalid_grant", googlehttp.ClassRevoked, grant.StatusRevoked},
		{400, "unauthorized_client", googlehttp.ClassNoToken, grant.StatusReconnectNeeded},
		{401, "invalid_client", googlehttp.ClassConfig, grant.StatusActive},
		{400, "invalid_scope", googlehttp.ClassPermanent, grant.StatusActive},
		{404, "", googlehttp.ClassPermanent, grant.StatusActive},
	} {
		t.Run(fmt.Sprint(tc.status, " ", tc.code), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			door := h.NewDoor(t, func(o *googlehttp.Options) { o.Base = tokenAnswer{h.URLs.TokenURL, tc.status, tc.code} })
			user := h.Authorize(t, h.People[0], allScopes...)
			h.expire(t, user)
			calls := 0
			err := retry.Do(recordings, retry.Policy{MaxAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }},
				func(ctx context.Context) error {
					calls++
					_, err := newServices(t, h.URLs, door, user).drive.Files.List().Context(ctx).Do()
					return err
				})
			if f := googlehttp.Classify(err); f.Class != tc.class || calls != 1 {
				t.Errorf("a refresh refused with %d %q: %+v after %d calls, want %s after one", tc.status, tc.code, f, calls, tc.class)
			}
			g, err := h.Grants.Get(context.Background(), user)
			if err != nil {
				t.Fatal(err)
			}
			if g.Status != tc.grant {
				t.Errorf("the grant is %q, want %q", g.Status, tc.grant)
			}
		})
	}
}
