package googlehttp_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// TestEachTokenRequestIsAudited: with AuthStyleAutoDetect, golang.org/x/oauth2
// follows a failed token request with a second one in the other style,
// within one refresh. Each request the token endpoint serves has its own
// pair of entries, in order.
func TestEachTokenRequestIsAudited(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	door := h.NewDoor(t, func(o *googlehttp.Options) {
		cfg := *o.OAuth2
		cfg.Endpoint.AuthStyle = oauth2.AuthStyleAutoDetect
		o.OAuth2 = &cfg
	})
	user := h.Authorize(t, h.People[0], allScopes...)
	h.expire(t, user)
	h.Fake.ResetRequests()
	h.Fake.AddFault(googletest.Fault{Method: googletest.MethodToken, User: h.People[0], Kind: googletest.FaultUnavailable, Count: 1})
	if _, err := newServices(t, h.URLs, door, user).drive.Files.List().Context(recordings).Do(); err != nil {
		t.Fatalf("files.list: %v", err)
	}
	var served []int
	for _, r := range h.Fake.Requests() {
		if r.MethodID == "oauth.token" {
			served = append(served, r.Status)
		}
	}
	if diff := cmp.Diff([]int{503, 200}, served); diff != "" {
		t.Errorf("token requests served (-want +got):\n%s", diff)
	}
	want := []step{{audit.EventRefresh, audit.OutcomePending, 0, ""}, {audit.EventRefreshFailed, audit.OutcomeError, 503, "token_endpoint_503"},
		{audit.EventRefresh, audit.OutcomePending, 0, ""}, {audit.EventRefresh, audit.OutcomeOK, 200, ""}, pending, okList}
	if diff := cmp.Diff(want, steps(h.Entries(t, user))); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}
