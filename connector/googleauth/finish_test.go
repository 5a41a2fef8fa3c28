package googleauth_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
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
		authURL, state, err := e.flow.BeginSignIn(ctx, "")
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
		{name: "wrong PKCE verifier", wantErr: googleauth.ErrCodeRejected,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				tamper(t, e, "verifier", oauth2.GenerateVerifier())
				return e.flow.Finish(ctx, state, q)
			}},
		{name: "code used already", wantErr: googleauth.ErrCodeRejected,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
				if _, err := e.flow.Finish(ctx, state, q); err != nil {
					t.Fatalf("first Finish: %v", err)
				}
				authURL, state2, err := e.flow.BeginSignIn(ctx, "")
				if err != nil {
					t.Fatal(err)
				}
				_ = authURL
				q.Set("state", state2)
				return e.flow.Finish(ctx, state2, q)
			}},
		{name: "ID token issued in the future", opts: options{fakeLag: -10 * time.Minute}, wantErr: googleauth.ErrIDToken,
			run: func(t *testing.T, e *env) (googleauth.Result, error) {
				state, q := beginSignIn(t, e, browser.Answer{Account: ada})
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

// TestFinishGoogleError redirects back with OAuth errors other than
// access_denied: each is an *AuthorizationError that names a well-formed
// code (and no other), consumes the request, and is audited as a deny entry
// that never holds error_description.
func TestFinishGoogleError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sqldbtest.SQLite(t), options{})
	user := e.signIn(t, ada)
	for _, tc := range []struct{ code, want string }{
		{"server_error", "server_error"}, {"temporarily_unavailable", "temporarily_unavailable"},
		{"invalid_scope", "invalid_scope"}, {"interaction_required", "interaction_required"},
		{"<script>alert(1)</script>", ""}, {"", ""},
	} {
		for _, link := range []bool{false, true} {
			authURL, state, err := e.flow.BeginSignIn(ctx, "")
			if link {
				authURL, state, err = e.flow.BeginLink(ctx, user.ID, scopes.FeatureInvite)
			}
			if err != nil || authURL == "" {
				t.Fatalf("Begin: %v", err)
			}
			_, err = e.flow.Finish(ctx, state, url.Values{"state": {state}, "error": {tc.code}, "error_description": {"<b>secret-description</b>"}})
			var ae *googleauth.AuthorizationError
			if !errors.As(err, &ae) || !errors.Is(err, googleauth.ErrAuthorization) || ae.Code != tc.want {
				t.Errorf("Finish with error=%q (link %v): %v, want an AuthorizationError with code %q", tc.code, link, err, tc.want)
			}
			if strings.Contains(err.Error(), "secret-description") {
				t.Errorf("the error holds error_description: %v", err)
			}
			if _, again := e.flow.Finish(ctx, state, url.Values{"state": {state}, "code": {"x"}}); !errors.Is(again, googleauth.ErrStateMismatch) {
				t.Errorf("the refused request was not consumed: %v", again)
			}
		}
	}
	var denies []audit.Entry
	for _, en := range entries(t, e) {
		if en.Event == audit.EventDeny {
			denies = append(denies, en)
			if strings.Contains(en.ErrorReason+en.Scope+en.Resource, "secret-description") {
				t.Errorf("a deny entry holds error_description: %+v", en)
			}
		}
	}
	if len(denies) != 12 {
		t.Fatalf("%d deny entries, want 12", len(denies))
	}
	wantSignIn := audit.Entry{ClientID: clientID, Event: audit.EventDeny, Outcome: audit.OutcomeDenied, Scope: "email openid profile",
		Purpose: "signin", ErrorReason: "server_error"}
	wantLink := audit.Entry{ActorID: user.ID, ActorEmail: ada, ClientID: clientID, Event: audit.EventDeny, Outcome: audit.OutcomeDenied,
		Scope: scopes.DirectoryReadonly + " openid", Purpose: "invite", Resource: "feature=invite", ErrorReason: "server_error"}
	if diff := cmp.Diff([]audit.Entry{wantSignIn, wantLink}, denies[:2]); diff != "" {
		t.Errorf("deny entries (-want +got):\n%s", diff)
	}
	if denies[8].ErrorReason != "malformed_error" {
		t.Errorf("the deny entry of a malformed error code has reason %q", denies[8].ErrorReason)
	}
}

// TestFinishMalformed sends redirects that are malformed: each is refused
// with ErrBadCallback and consumes nothing, so the real redirect still
// finishes.
func TestFinishMalformed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sqldbtest.SQLite(t), options{})
	authURL, state, err := e.flow.BeginSignIn(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	good := consent(t, authURL, browser.Answer{Account: ada})
	for name, q := range map[string]url.Values{
		"no code":         {"state": {state}},
		"empty code":      {"state": {state}, "code": {""}},
		"two codes":       {"state": {state}, "code": {good.Get("code"), "other"}},
		"two states":      {"state": {state, state}, "code": {good.Get("code")}},
		"two errors":      {"state": {state}, "error": {"access_denied", "server_error"}},
		"100k code":       {"state": {state}, "code": {strings.Repeat("a", 100_000)}},
		"control in code": {"state": {state}, "code": {"4/0A\x00b"}},
	} {
		if _, err := e.flow.Finish(ctx, state, q); !errors.Is(err, googleauth.ErrBadCallback) {
			t.Errorf("%s: Finish error %v, want ErrBadCallback", name, err)
		}
	}
	if n := pendingRows(t, e, ""); n != 1 {
		t.Errorf("%d pending requests after the malformed redirects, want 1", n)
	}
	if _, err := e.flow.Finish(ctx, state, good); err != nil {
		t.Errorf("the real redirect after the malformed ones: %v", err)
	}
}

// TestForgedStateKeepsPending sends a redirect with a forged state to a
// browser whose session holds the real one: it is refused and the real
// request still finishes.
func TestForgedStateKeepsPending(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sqldbtest.SQLite(t), options{})
	authURL, state, err := e.flow.BeginSignIn(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	good := consent(t, authURL, browser.Answer{Account: ada})
	forged := url.Values{"state": {"forged"}, "code": {good.Get("code")}}
	if _, err := e.flow.Finish(ctx, state, forged); !errors.Is(err, googleauth.ErrStateMismatch) {
		t.Fatalf("forged state: %v, want ErrStateMismatch", err)
	}
	if _, err := e.flow.Finish(ctx, state, good); err != nil {
		t.Errorf("the real redirect after a forged one: %v", err)
	}
}

// TestDenialsAudited declines consent at sign-in and at a link, and unticks
// a scope at a link: each is a deny entry, the sign-in's without an actor,
// since nobody is signed in yet.
func TestDenialsAudited(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, sqldbtest.SQLite(t), options{})
	authURL, state, err := e.flow.BeginSignIn(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: ada, Cancel: true})); !errors.Is(err, googleauth.ErrAccessDenied) {
		t.Fatalf("declined sign-in: %v, want ErrAccessDenied", err)
	}
	user := e.signIn(t, ada)
	authURL, state, err = e.flow.BeginLink(ctx, user.ID, scopes.FeatureRecordings)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: ada, Cancel: true})); !errors.Is(err, googleauth.ErrAccessDenied) {
		t.Fatalf("declined link: %v, want ErrAccessDenied", err)
	}
	authURL, state, err = e.flow.BeginLink(ctx, user.ID, scopes.FeatureCalendars)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.flow.Finish(ctx, state, consent(t, authURL, browser.Answer{Account: ada, Untick: []string{scopes.CalendarEventsReadonly}})); err != nil {
		t.Fatalf("partial link: %v", err)
	}
	var got []audit.Entry
	for _, en := range entries(t, e) {
		if en.Event == audit.EventDeny {
			got = append(got, en)
		}
	}
	want := []audit.Entry{
		{ClientID: clientID, Event: audit.EventDeny, Outcome: audit.OutcomeDenied, Scope: "email openid profile", Purpose: "signin", ErrorReason: "access_denied"},
		{ActorID: user.ID, ActorEmail: ada, ClientID: clientID, Event: audit.EventDeny, Outcome: audit.OutcomeDenied,
			Scope: scopes.DriveReadonly + " openid", Purpose: "recordings", Resource: "feature=recordings", ErrorReason: "access_denied"},
		{ActorID: user.ID, ActorEmail: ada, ClientID: clientID, Event: audit.EventDeny, Outcome: audit.OutcomeDenied,
			Scope: scopes.CalendarEventsReadonly, Purpose: "meetings", Resource: "feature=calendars", ErrorReason: "not_granted"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deny entries (-want +got):\n%s", diff)
	}
}
