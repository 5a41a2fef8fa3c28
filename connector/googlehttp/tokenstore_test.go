package googlehttp_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// brokenTokens is a token store that cannot be read, as a database that is
// down: it holds a token, but Load fails.
type brokenTokens struct{ googlehttp.TokenStore }

var errDatabaseDown = errors.New("database is down")

func (brokenTokens) Load(context.Context, string) (*oauth2.Token, error) { return nil, errDatabaseDown }

// TestUnreadableTokenIsNotNoToken: a token store that cannot be read is a
// failure worth retrying, not "no token": the request is refused without
// reaching Google, audited, and classified transient, and a revocation at
// Google is not skipped as if there were nothing to revoke.
func TestUnreadableTokenIsNotNoToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.Authorize(t, h.People[0], allScopes...)
	broken := connectortest.New(t, connectortest.Options{Google: h.Google, DB: h.DB, Tokens: brokenTokens{h.Tokens}})
	ctx := context.Background()

	_, err := newServices(t, broken.URLs, broken.Door, user).drive.Files.List().Context(recordings).Do()
	if err == nil || errors.Is(err, googlehttp.ErrNoToken) || !errors.Is(err, errDatabaseDown) {
		t.Fatalf("files.list with an unreadable token store: %v, want the store's error and not ErrNoToken", err)
	}
	if f := googlehttp.Classify(err); f.Class != googlehttp.ClassTransient || f.Code != googlehttp.CodeTokenStore {
		t.Errorf("Classify = %+v, want transient %s", f, googlehttp.CodeTokenStore)
	}
	if diff := cmp.Diff([]step{{audit.EventDeny, audit.OutcomeDenied, 0, "token_store_error"}}, steps(broken.Entries(t, user))); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	if got := h.APIRequests(""); len(got) != 0 {
		t.Errorf("the fake served %d requests", len(got))
	}

	if err := broken.Door.Revoke(ctx, user); err == nil || errors.Is(err, googlehttp.ErrNoToken) {
		t.Errorf("Revoke with an unreadable token store: %v, want an error that is not ErrNoToken", err)
	}
}
