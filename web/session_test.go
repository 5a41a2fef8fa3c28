package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestSessionKeyRotation checks that a cookie written under an old key pair
// is still read after a new pair is put first, and that a cookie no key
// reads starts a fresh, signed-out session.
func TestSessionKeyRotation(t *testing.T) {
	t.Parallel()
	oldKeys, newKeys := testSessionKeys(1), testSessionKeys(7)
	tests := []struct {
		name       string
		keys       [][]byte
		wantSigned bool
	}{
		{"same keys", oldKeys, true},
		{"new pair first, old pair kept", append(append([][]byte{}, newKeys...), oldKeys...), true},
		{"old pair retired", newKeys, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(c *Config) { c.SessionKeys = oldKeys })
			h.signIn(bob)
			rotated, err := New(Config{AuthURL: fakeAuthURL, SessionKeys: tt.keys},
				h.deps())
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			// The same browser meets a restarted server: cookies are
			// scoped to the host, not the port.
			h.ts = httptest.NewServer(rotated)
			t.Cleanup(h.ts.Close)
			r := h.get("/dashboard")
			if signedIn := r.StatusCode == http.StatusOK; signedIn != tt.wantSigned {
				t.Fatalf("signed in = %v after rotation, want %v (status %d)", signedIn, tt.wantSigned, r.StatusCode)
			}
		})
	}
}

// TestNewConfigErrors checks that New refuses what cannot work.
func TestNewConfigErrors(t *testing.T) {
	t.Parallel()
	deps := Deps{Core: Core{Sessions: newFakeIdentity(), Users: newFakeIdentity(), Auth: newFakeAuth(), Grants: &fakeGrants{}, Tokens: &fakeTokens{}, DB: &fakePinger{}}}
	tests := []struct {
		name string
		cfg  Config
		deps Deps
	}{
		{"missing deps", Config{AuthURL: fakeAuthURL, SessionKeys: testSessionKeys(1)}, Deps{}},
		{"no session keys", Config{AuthURL: fakeAuthURL}, deps},
		{"odd session keys", Config{AuthURL: fakeAuthURL, SessionKeys: testSessionKeys(1)[:1]}, deps},
		{"short block key", Config{AuthURL: fakeAuthURL, SessionKeys: [][]byte{make([]byte, 32), make([]byte, 10)}}, deps},
		{"relative auth URL", Config{AuthURL: "/auth", SessionKeys: testSessionKeys(1)}, deps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := New(tt.cfg, tt.deps); err == nil {
				t.Error("New succeeded")
			}
		})
	}
}

// TestSessionCookieLifetime checks that the cookie lasts as long as the
// server-side session.
func TestSessionCookieLifetime(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.SessionTTL = 2 * time.Hour })
	c := h.get("/").Cookies()
	if len(c) != 1 || c[0].MaxAge != int((2*time.Hour)/time.Second) {
		t.Fatalf("cookies %v, want one with Max-Age 7200", c)
	}
}
