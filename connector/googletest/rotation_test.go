package googletest_test

import (
	"testing"

	"golang.org/x/oauth2"

	"github.com/scopetrail/scopetrail/scopes"
)

// TestRotateRefreshTokens: with rotation, each refresh answers a new
// refresh token and retires the one used; using a retired one again is
// refused with invalid_grant and ends its whole family, the newest token
// included, while another family of the same user lives on. Without
// rotation the same refresh token keeps working.
func TestRotateRefreshTokens(t *testing.T) {
	t.Parallel()
	f := newFake(t, fakeOptions{})
	cfg := f.config(scopes.OpenID, scopes.Email, scopes.DriveReadonly)
	tok := f.login(t, f.users[0], cfg, oauth2.AccessTypeOffline)
	other := f.login(t, f.users[0], cfg, oauth2.AccessTypeOffline, oauth2.ApprovalForce)
	for range 2 {
		again, err := refresh(t.Context(), cfg, tok)
		if err != nil || again.RefreshToken != tok.RefreshToken {
			t.Fatalf("refresh without rotation: %v; the refresh token changed: %v", err, err == nil && again.RefreshToken != tok.RefreshToken)
		}
	}

	f.SetRotateRefreshTokens(true)
	second, err := refresh(t.Context(), cfg, tok)
	if err != nil {
		t.Fatalf("refresh with rotation: %v", err)
	}
	if second.RefreshToken == tok.RefreshToken || second.RefreshToken == "" {
		t.Fatal("a refresh with rotation did not answer a new refresh token")
	}
	third, err := refresh(t.Context(), cfg, second)
	if err != nil || third.RefreshToken == second.RefreshToken {
		t.Fatalf("refresh with the rotated token: %v, or the same token again", err)
	}
	if f.RefreshTokenReuses() != 0 {
		t.Errorf("RefreshTokenReuses = %d before any reuse", f.RefreshTokenReuses())
	}

	_, err = refresh(t.Context(), cfg, second)
	assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
	_, err = refresh(t.Context(), cfg, third)
	assertRetrieveError(t, err, "invalid_grant", "Token has been expired or revoked.")
	if got := f.RefreshTokenReuses(); got != 1 {
		t.Errorf("RefreshTokenReuses = %d, want 1", got)
	}
	if _, err := refresh(t.Context(), cfg, other); err != nil {
		t.Errorf("another family of the same user was ended too: %v", err)
	}
	for _, r := range f.Requests() {
		if r.MethodID == "oauth.token" && r.User != f.users[0] {
			t.Errorf("a token request is logged for %q, want %s: %+v", r.User, f.users[0], r)
		}
	}
}
