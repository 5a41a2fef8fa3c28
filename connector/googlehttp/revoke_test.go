package googlehttp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// revokeSeen is what the revoke endpoint received: the form and whether the
// client authenticated with HTTP Basic.
type revokeSeen struct {
	Form  url.Values
	Basic bool
}

// TestRevokeAuthenticates revokes a grant at a fake in Google mode and in
// strict mode (client authentication required, RFC 7009 §2.1), with each
// client authentication style, and checks the grant ended at the fake.
func TestRevokeAuthenticates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		strict bool
		style  oauth2.AuthStyle
		basic  bool
	}{
		{"google post", false, oauth2.AuthStyleInParams, false},
		{"google auto", false, oauth2.AuthStyleAutoDetect, true},
		{"strict basic", true, oauth2.AuthStyleInHeader, true},
		{"strict auto", true, oauth2.AuthStyleAutoDetect, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var seen []revokeSeen
			env := connectortest.New(t, connectortest.Options{Strict: tc.strict, Door: func(o *googlehttp.Options) {
				o.OAuth2.Endpoint.AuthStyle = tc.style
				revokeURL := o.RevokeURL
				o.Base = roundTrip(func(r *http.Request) (*http.Response, error) {
					if r.URL.String() == revokeURL {
						body, _ := io.ReadAll(r.Body)
						form, _ := url.ParseQuery(string(body))
						_, _, basic := r.BasicAuth()
						mu.Lock()
						seen = append(seen, revokeSeen{Form: form, Basic: basic})
						mu.Unlock()
						r.Body = io.NopCloser(strings.NewReader(string(body)))
					}
					return http.DefaultTransport.RoundTrip(r)
				})
			}})
			user := env.Authorize(t, env.People[0], scopes.DriveReadonly)
			ctx := context.Background()
			tok, err := env.Tokens.Load(ctx, user)
			if err != nil || tok.RefreshToken == "" {
				t.Fatalf("the authorization left no refresh token: %v", err)
			}
			if err := env.Door.Revoke(ctx, user); err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			mu.Lock()
			last := seen[len(seen)-1]
			mu.Unlock()
			if last.Form.Get("token") != tok.RefreshToken || last.Form.Get("token_type_hint") != "refresh_token" {
				t.Errorf("revoke form has token_type_hint %q and the refresh token %v; want refresh_token and true",
					last.Form.Get("token_type_hint"), last.Form.Get("token") == tok.RefreshToken)
			}
			if last.Basic != tc.basic {
				t.Errorf("revoke request used HTTP Basic: %v, want %v", last.Basic, tc.basic)
			}
			if !tc.basic && last.Form.Get("client_secret") != env.Client.Secret {
				t.Errorf("revoke request in the form body has no client_secret")
			}
			_, err = env.OAuth2Config().TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
				t.Errorf("refreshing after Revoke: %v, want invalid_grant", err)
			}
			var got []audit.Outcome
			for _, e := range env.Entries(t, user) {
				if e.Event == audit.EventRevoke {
					got = append(got, e.Outcome)
				}
			}
			if diff := cmp.Diff([]audit.Outcome{audit.OutcomePending, audit.OutcomeOK}, got); diff != "" {
				t.Errorf("revoke entries (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRevokeConfigError revokes at a strict fake with the credentials in
// the form body, which it refuses: a configuration error, not one to retry,
// and the grant stays at the fake.
func TestRevokeConfigError(t *testing.T) {
	t.Parallel()
	env := connectortest.New(t, connectortest.Options{Strict: true, Door: func(o *googlehttp.Options) {
		o.OAuth2.Endpoint.AuthStyle = oauth2.AuthStyleInParams
	}})
	user := env.Authorize(t, env.People[0], scopes.DriveReadonly)
	ctx := context.Background()
	err := env.Door.Revoke(ctx, user)
	f := googlehttp.Classify(err)
	if !errors.Is(err, googlehttp.ErrClientConfig) || f.Class != googlehttp.ClassConfig || f.Code != "config.invalid_client" || f.Class.Retryable() {
		t.Errorf("Revoke with the credentials in the body at a strict server: %v (%+v), want config.invalid_client", err, f)
	}
	tok, _ := env.Tokens.Load(ctx, user)
	if _, err := env.OAuth2Config().TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err != nil {
		t.Errorf("the refused revocation ended the grant: %v", err)
	}
}

// TestRefreshClientRefused refreshes with a wrong client secret: the token
// endpoint's invalid_client is a configuration error, and the grant is not
// marked for reconnecting, since the user can do nothing about it.
func TestRefreshClientRefused(t *testing.T) {
	t.Parallel()
	env := connectortest.New(t, connectortest.Options{Door: func(o *googlehttp.Options) { o.OAuth2.ClientSecret = "wrong" }})
	user := env.Authorize(t, env.People[0], scopes.DriveReadonly)
	ctx := context.Background()
	tok, err := env.Tokens.Load(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	tok.Expiry = env.Clock.Now().Add(-time.Minute)
	if err := env.Tokens.Save(ctx, user, tok); err != nil {
		t.Fatal(err)
	}
	rctx := connectortest.Ctx(scopes.PurposeRecordings)
	req, _ := http.NewRequestWithContext(rctx, http.MethodGet, env.URLs.DriveBase+"files?fields=files(id)", nil)
	resp, err := env.Door.Client(user).Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("a request with a refused client secret succeeded")
	}
	if f := googlehttp.Classify(err); f.Class != googlehttp.ClassConfig || f.Code != "config.invalid_client" {
		t.Errorf("refresh with a wrong secret: %+v, want config.invalid_client", f)
	}
	if g, err := env.Grants.Get(ctx, user); err != nil || g.Status != grant.StatusActive {
		t.Errorf("grant after the refused client: %+v, %v; want it still active", g, err)
	}
}

// TestRevokeAutoAuditsEachAttempt revokes with AuthStyleAutoDetect at a
// server that refuses HTTP Basic: the refused request and the one with the
// credentials in the form body each have their own revoke entry, begun
// before it left, and the next revocation sends only the style that
// worked.
func TestRevokeAutoAuditsEachAttempt(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var sent []bool // whether each revoke request used HTTP Basic
	env := connectortest.New(t, connectortest.Options{Door: func(o *googlehttp.Options) {
		o.OAuth2.Endpoint.AuthStyle = oauth2.AuthStyleAutoDetect
		revokeURL := o.RevokeURL
		o.Base = roundTrip(func(r *http.Request) (*http.Response, error) {
			if r.URL.String() != revokeURL {
				return http.DefaultTransport.RoundTrip(r)
			}
			_, _, basic := r.BasicAuth()
			mu.Lock()
			sent = append(sent, basic)
			mu.Unlock()
			if basic {
				return &http.Response{StatusCode: http.StatusUnauthorized, Header: http.Header{"Content-Type": {"application/json"}},
					Body: io.NopCloser(strings.NewReader(`{"error":"invalid_client"}`)), Request: r}, nil
			}
			return http.DefaultTransport.RoundTrip(r)
		})
	}})
	ctx := context.Background()
	for _, person := range env.People[:2] {
		user := env.Authorize(t, person, scopes.DriveReadonly)
		if err := env.Door.Revoke(ctx, user); err != nil {
			t.Fatalf("Revoke: %v", err)
		}
	}
	begun := 0
	for e, err := range env.Trail.Entries(ctx, audit.Filter{Event: audit.EventRevoke, Raw: true}) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Outcome == audit.OutcomePending {
			begun++
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]bool{true, false, false}, sent); diff != "" {
		t.Errorf("revoke requests, HTTP Basic or not (-want +got):\n%s", diff)
	}
	if begun != len(sent) {
		t.Errorf("%d revoke entries begun for %d requests", begun, len(sent))
	}
}
