package googleauth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := googleauth.New(context.Background(), googleauth.Config{RedirectURL: "/callback"}, googleauth.Deps{})
	if err == nil {
		t.Fatal("New with an empty configuration succeeded")
	}
	for _, want := range []string{"client id is empty", "client secret is empty", `redirect URL "/callback" is not an absolute URL`, `issuer "" is not an absolute URL`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	cfg := googleauth.Config{ClientID: "id", ClientSecret: "secret", RedirectURL: redirectURL, Endpoints: googleauth.GoogleEndpoints()}
	if _, err := googleauth.New(context.Background(), cfg, googleauth.Deps{}); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("New without dependencies: error %v, want one naming the required dependencies", err)
	}
}

func TestNewDiscoversEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sqldbtest.SQLite(t), options{discover: true})
	u := e.URLs
	want := googleauth.Endpoints{Issuer: u.Issuer, JWKSURL: u.JWKSURL, AuthURL: e.flow.Endpoints().AuthURL,
		TokenURL: u.TokenURL, RevokeURL: u.RevokeURL, UserinfoURL: u.UserinfoURL}
	if diff := cmp.Diff(want, e.flow.Endpoints()); diff != "" {
		t.Errorf("discovered endpoints (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(e.flow.Endpoints().AuthURL, e.Base+"/o/oauth2/") {
		t.Errorf("discovered AuthURL %q is not the fake's", e.flow.Endpoints().AuthURL)
	}
	if user := e.signIn(t, ada); user.Email != ada {
		t.Errorf("sign-in with discovered endpoints signed in %q", user.Email)
	}
}

func TestOAuth2Config(t *testing.T) {
	t.Parallel()
	for auth, style := range map[string]oauth2.AuthStyle{
		"": oauth2.AuthStyleAutoDetect, googleauth.TokenAuthAuto: oauth2.AuthStyleAutoDetect,
		googleauth.TokenAuthBasic: oauth2.AuthStyleInHeader, googleauth.TokenAuthPost: oauth2.AuthStyleInParams,
	} {
		t.Run("auth="+auth, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, sqldbtest.SQLite(t), options{tokenAuth: auth})
			u := e.URLs
			want := &oauth2.Config{
				ClientID: clientID, ClientSecret: "secret", RedirectURL: redirectURL,
				Endpoint: oauth2.Endpoint{AuthURL: u.AuthURL, TokenURL: u.TokenURL, AuthStyle: style},
			}
			if diff := cmp.Diff(want, e.flow.OAuth2Config(), cmpopts.IgnoreUnexported(oauth2.Config{})); diff != "" {
				t.Errorf("OAuth2Config (-want +got):\n%s", diff)
			}
			e.signIn(t, ada) // the code exchange authenticates as configured
		})
	}
}

func TestTokenAuthInvalid(t *testing.T) {
	t.Parallel()
	_, err := googleauth.New(context.Background(), googleauth.Config{ClientID: "c", ClientSecret: "s", RedirectURL: redirectURL,
		Endpoints: googleauth.GoogleEndpoints(), TokenAuth: "header"}, googleauth.Deps{})
	if err == nil || !strings.Contains(err.Error(), `token authentication "header" is not one of auto, basic and post`) {
		t.Errorf("New with TokenAuth header: %v", err)
	}
}
