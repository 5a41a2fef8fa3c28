package googleauth_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestFinishRefuses runs flows that Finish must refuse, each against its own
// fake Google.
func TestFinishRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// beginSignIn starts a sign-in and answers the consent page.
	beginSignIn := func(t *testing.T, e *env, a browser.Answer) (state string, q url.Values) {
		t.Helper()
		authURL, state, err := e.flow.BeginSignIn(ctx)
		if err != nil {
			t.Fatalf("BeginSignIn: %v", err)
		}
		return state, consent(t, authURL, a)
	}
	tamper := func(t *testing.T, e *env, column, value string) {
		t.Helper()
		if _, err := e.DB.Exec(ctx, "UPDATE oauth_requests SET "+column+" = ?", value); err != nil {
			t.Fatalf("tampering with the pending request: %v", err)
		}
	}
	cases := []struct {
		name     string
		opts     options
		run      func(t *testing.T, e *env) (googleauth.Result, error)
		wantErr  error
		wantKind string
	}{
		{name: "access denied", wantErr: googleauth.ErrAccessDenied, wantKind: googleauth.KindSignIn,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada, Cancel: true})
				res, err := e.flow.Finish(ctx, state, q)
				if _, again := e.flow.Finish(ctx, state, q); !errors.Is(again, googleauth.ErrStateMismatch) {
					t.Errorf("denied state used again: error %v, want ErrStateMismatch", again)
				}
				return res, err
			}},
		{name: "access denied while linking", wantErr: googleauth.ErrAccessDenied, wantKind: googleauth.KindLink,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				user := e.signIn(t, ada)
				authURL, state, err := e.flow.BeginLink(ctx, user.ID, scopes.FeatureInvite)
				if err != nil {
					t.Fatalf("BeginLink: %v", err)
				}
				return e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: ada, Cancel: true}))
			}},
		{name: "replayed state", wantErr: googleauth.ErrStateMismatch,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				if _, err := e.flow.Finish(ctx, state, q); err != nil {
					t.Fatalf("first Finish: %v", err)
				}
				return e.flow.Finish(ctx, state, q)
			}},
		{name: "forged state", wantErr: googleauth.ErrStateMismatch,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				_, q := beginSignIn(t, e, browser.Answer{Account: ada})
				forged := "forged-" + q.Get("state")
				q.Set("state", forged)
				return e.flow.Finish(ctx, forged, q)
			}},
		{name: "state of another browser session", wantErr: googleauth.ErrStateMismatch,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				_, err := e.flow.Finish(ctx, "the attacker's session state", q)
				if _, rightful := e.flow.Finish(ctx, state, q); rightful != nil {
					t.Errorf("the rightful browser could not finish after a mismatched attempt: %v", rightful)
				}
				return googleauth.Result{}, err
			}},
		{name: "no state", wantErr: googleauth.ErrStateMismatch,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				_, q := beginSignIn(t, e, browser.Answer{Account: ada})
				q.Del("state")
				return e.flow.Finish(ctx, "", q)
			}},
		{name: "expired request", wantErr: googleauth.ErrStateMismatch,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				e.Clock.Advance(11 * time.Minute)
				return e.flow.Finish(ctx, state, q)
			}},
		{name: "wrong nonce", wantErr: googleauth.ErrIDToken,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				tamper(t, e, "nonce", "not-the-nonce-google-saw")
				return e.flow.Finish(ctx, state, q)
			}},
		{name: "wrong PKCE verifier", wantErr: googleauth.ErrExchange,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				tamper(t, e, "verifier", oauth2.GenerateVerifier())
				return e.flow.Finish(ctx, state, q)
			}},
		{name: "expired ID token", opts: options{fakeLag: 2 * time.Hour}, wantErr: googleauth.ErrIDToken,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				_, err := e.flow.Finish(ctx, state, q)
				if te := new(oidc.TokenExpiredError); !errors.As(err, &te) {
					t.Errorf("error %v is not a *oidc.TokenExpiredError", err)
				}
				return googleauth.Result{}, err
			}},
		{name: "ID token of another issuer", opts: options{issuer: "https://accounts.google.com"}, wantErr: googleauth.ErrIDToken,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				return e.flow.Finish(ctx, state, q)
			}},
		{name: "domain not allowed", opts: options{allowedDomains: []string{"other.example"}}, wantErr: googleauth.ErrDomainNotAllowed,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				res, err := e.flow.Finish(ctx, state, q)
				if users, uerr := e.users.Users(ctx); len(users) != 0 || uerr != nil {
					t.Errorf("a refused sign-in created users: %v, %v", users, uerr)
				}
				if got := events(t, e); !cmp.Equal(got, [][4]string{{"admission_refused", ada, "", "domain_not_allowed"}}) {
					t.Errorf("audit trail after the refusal: %q", got)
				}
				return res, err
			}},
		{name: "link granted by another account", wantErr: googleauth.ErrAccountMismatch, wantKind: googleauth.KindLink,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				user := e.signIn(t, ada)
				authURL, state, err := e.flow.BeginLink(ctx, user.ID, scopes.FeatureRecordings)
				if err != nil {
					t.Fatalf("BeginLink: %v", err)
				}
				res, err := e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: bob}))
				if has, herr := e.tokens.HasRefreshToken(ctx, user.ID); has || herr != nil {
					t.Errorf("bob's token was stored for ada: %v, %v", has, herr)
				}
				return res, err
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, sqldbtest.SQLite(t), tc.opts)
			res, err := tc.run(t, e)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Finish error %v, want %v", err, tc.wantErr)
			}
			if tc.wantKind != "" && res.Kind != tc.wantKind {
				t.Errorf("Result.Kind = %q, want %q", res.Kind, tc.wantKind)
			}
		})
	}
}

func TestFinishGoogleError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sqldbtest.SQLite(t), options{})
	_, state, err := e.flow.BeginSignIn(ctx)
	if err != nil {
		t.Fatalf("BeginSignIn: %v", err)
	}
	_, err = e.flow.Finish(ctx, state, url.Values{"state": {state}, "error": {"server_error"}})
	for _, sentinel := range []error{googleauth.ErrAccessDenied, googleauth.ErrStateMismatch, googleauth.ErrExchange} {
		if err == nil || errors.Is(err, sentinel) {
			t.Errorf("Finish with error=server_error returned %v", err)
		}
	}
}
