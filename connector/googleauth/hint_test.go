package googleauth_test

import (
	"context"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestSignInWithLoginHint: a sign-in begun with a hint sends Google's
// login_hint, the consent page preselects that account, and the account
// chosen there is the one signed in.
func TestSignInWithLoginHint(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		t.Parallel()
		ctx := context.Background()
		e := newEnv(t, db, options{})
		authURL, state, err := e.flow.BeginSignIn(ctx, bob)
		if err != nil {
			t.Fatalf("BeginSignIn: %v", err)
		}
		if got := query(t, authURL).Get("login_hint"); got != bob {
			t.Errorf("auth URL login_hint = %q, want %q", got, bob)
		}
		page := browser.OpenConsent(t, authURL)
		if page.Selected != bob {
			t.Errorf("the consent page preselects %q, want %q", page.Selected, bob)
		}
		res, err := e.flow.Finish(ctx, state, page.Submit(browser.Answer{}).Query())
		if err != nil {
			t.Fatalf("Finish: %v", err)
		}
		if res.User.Email != bob {
			t.Errorf("signed in %q, want the hinted %q", res.User.Email, bob)
		}
	})
}
