package googlehttp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/googletest"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

func TestNoTokenIsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	user := "u-" + h.People[0]
	if _, err := h.Grants.Record(ctx, user, connectortest.ClientID, allScopes); err != nil {
		t.Fatal(err)
	}
	if _, err := newServices(t, h.URLs, h.Door, user).drive.Files.List().Context(recordings).Do(); !errors.Is(err, googlehttp.ErrNoToken) {
		t.Fatalf("files.list without a token: %v, want ErrNoToken", err)
	}
	if diff := cmp.Diff([]step{{audit.EventDeny, audit.OutcomeDenied, 0, "no_token"}}, steps(h.Entries(t, user))); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if got := h.APIRequests(""); len(got) != 0 {
		t.Errorf("the fake served %d requests", len(got))
	}
}

// TestNoTokenValuesLeak runs a request, a refresh and a failed refresh, and
// checks that no token value is in the trail or in an error.
func TestNoTokenValuesLeak(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	s := newServices(t, h.URLs, h.Door, user)
	first, _ := h.Tokens.Load(context.Background(), user)
	var errs []error
	_, err := s.drive.Files.List().Context(recordings).Do()
	errs = append(errs, err)
	h.expire(t, user)
	_, err = s.drive.Files.List().Context(recordings).Do()
	errs = append(errs, err)
	second, _ := h.Tokens.Load(context.Background(), user)
	h.expire(t, user)
	h.Fake.AddFault(googletest.Fault{Method: googletest.MethodToken, User: h.People[0], Kind: googletest.FaultInvalidGrant})
	_, err = s.drive.Files.List().Context(recordings).Do()
	errs = append(errs, err)
	var trail strings.Builder
	if err := h.Trail.Export(context.Background(), &trail, audit.FormatJSONL, audit.Filter{Raw: true}); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{first.AccessToken, first.RefreshToken, second.AccessToken} {
		if secret == "" {
			t.Fatal("a token is empty")
		}
		if strings.Contains(trail.String(), secret) {
			t.Error("a token value is in the audit trail")
		}
		for _, err := range errs {
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("a token value is in the error %v", err)
			}
		}
	}
	if errs[2] == nil {
		t.Error("the request after invalid_grant succeeded")
	}
}
