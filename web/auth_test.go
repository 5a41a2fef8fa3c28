package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// TestRoles checks who may reach which route.
func TestRoles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		as     identity.User
		method string
		path   string
		want   int
	}{
		{"anonymous dashboard", identity.User{}, http.MethodGet, "/dashboard", http.StatusSeeOther},
		{"anonymous users page", identity.User{}, http.MethodGet, "/admin/users", http.StatusSeeOther},
		{"anonymous link", identity.User{}, http.MethodPost, "/link/invite", http.StatusUnauthorized},
		{"anonymous role change", identity.User{}, http.MethodPost, "/admin/users/u-bob/role", http.StatusUnauthorized},
		{"member dashboard", bob, http.MethodGet, "/dashboard", http.StatusOK},
		{"member users page", bob, http.MethodGet, "/admin/users", http.StatusForbidden},
		{"member role change", bob, http.MethodPost, "/admin/users/u-rita/role", http.StatusForbidden},
		{"reviewer users page", rita, http.MethodGet, "/admin/users", http.StatusForbidden},
		{"reviewer dashboard", rita, http.MethodGet, "/dashboard", http.StatusOK},
		{"admin users page", alice, http.MethodGet, "/admin/users", http.StatusOK},
		{"admin role change", alice, http.MethodPost, "/admin/users/u-rita/role", http.StatusSeeOther},
		{"signed-in home", bob, http.MethodGet, "/", http.StatusSeeOther},
		{"unknown feature", bob, http.MethodPost, "/link/everything", http.StatusNotFound},
		{"GET of a form target", bob, http.MethodGet, "/auth/signout", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if tt.as.ID != "" {
				h.signIn(tt.as)
			}
			var r *browser.Page
			if tt.method == http.MethodPost {
				r = h.post(tt.path, url.Values{"role": {"admin"}})
			} else {
				r = h.get(tt.path)
			}
			h.expectStatus(r, tt.want)
		})
	}
}

// TestSetRole checks the admin's role form.
func TestSetRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		path     string
		role     string
		want     int
		wantRole identity.Role // bob's role afterwards
	}{
		{"promote", "/admin/users/u-bob/role", "reviewer", http.StatusSeeOther, identity.RoleReviewer},
		{"no such role", "/admin/users/u-bob/role", "owner", http.StatusBadRequest, identity.RoleMember},
		{"own role", "/admin/users/u-alice/role", "member", http.StatusBadRequest, identity.RoleMember},
		{"no such user", "/admin/users/u-nobody/role", "member", http.StatusNotFound, identity.RoleMember},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.signIn(alice)
			r := h.post(tt.path, url.Values{"role": {tt.role}})
			h.expectStatus(r, tt.want)
			if tt.want == http.StatusSeeOther && r.Location() != "/admin/users" {
				t.Errorf("redirected to %q, want /admin/users", r.Location())
			}
			users, _ := h.ident.Users(t.Context())
			roles := map[string]identity.Role{}
			for _, u := range users {
				roles[u.ID] = u.Role
			}
			want := map[string]identity.Role{alice.ID: identity.RoleAdmin, bob.ID: tt.wantRole, rita.ID: identity.RoleReviewer}
			if diff := cmp.Diff(want, roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			var wantChanges []string
			if tt.want == http.StatusSeeOther {
				wantChanges = []string{"alice@example.com made bob@example.com " + tt.role}
			}
			h.ident.mu.Lock()
			defer h.ident.mu.Unlock()
			if diff := cmp.Diff(wantChanges, h.ident.roleChanges); diff != "" {
				t.Errorf("role changes, each naming the admin who made it (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSessionEndedOnServer checks that ending a user's sessions on the
// server signs the browser out at its next request.
func TestSessionEndedOnServer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signIn(bob)
	h.expectStatus(h.get("/dashboard"), http.StatusOK)
	h.ident.endUserSessions(bob.ID)
	r := h.get("/dashboard")
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/" {
		t.Errorf("redirected to %q, want /", r.Location())
	}
	h.expectStatus(h.get("/"), http.StatusOK)
}

// TestSignOut checks that signing out ends the server-side session.
func TestSignOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signIn(bob)
	h.expectStatus(h.post("/auth/signout", nil), http.StatusSeeOther)
	h.expectStatus(h.get("/dashboard"), http.StatusSeeOther)
	h.ident.mu.Lock()
	left := len(h.ident.sessions)
	h.ident.mu.Unlock()
	if left != 0 {
		t.Errorf("%d sessions left after sign-out", left)
	}
}

// TestCallbackState checks that the state is bound to the browser and used
// once, and that a forged or missing state leaves the browser's real
// pending request alone.
func TestCallbackState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// query builds the callback query from the state Google was given.
		query func(state string) url.Values
		// otherBrowser sends the callback from a browser that did not start
		// the request.
		otherBrowser bool
		want         int
		// thenReal is the status of the real callback that follows.
		thenReal int
	}{
		{"good", func(s string) url.Values { return url.Values{"state": {s}, "code": {"c"}} }, false, http.StatusSeeOther, http.StatusBadRequest},
		{"forged state", func(string) url.Values { return url.Values{"state": {"state-99"}, "code": {"c"}} }, false, http.StatusBadRequest, http.StatusSeeOther},
		{"no state", func(string) url.Values { return url.Values{"code": {"c"}} }, false, http.StatusBadRequest, http.StatusSeeOther},
		{"another browser", func(s string) url.Values { return url.Values{"state": {s}, "code": {"c"}} }, true, http.StatusBadRequest, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.auth.signInAs = bob
			state := h.googleRedirect("/auth/signin")
			if tt.otherBrowser {
				h.browser = browser.New(t, browser.StopAtRedirects())
			}
			r := h.callback(tt.query(state))
			h.expectStatus(r, tt.want)
			h.expectStatus(h.callback(url.Values{"state": {state}, "code": {"c"}}), tt.thenReal)
		})
	}
}

// TestCallbackTwoTabs starts two links in two tabs of one browser: each
// tab's callback finishes, in either order, and neither twice.
func TestCallbackTwoTabs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.signIn(bob)
	h.auth.linkAs = bob.ID
	first := h.googleRedirect("/link/recordings")
	second := h.googleRedirect("/link/calendars")
	h.expectStatus(h.callback(url.Values{"state": {second}, "code": {"c"}}), http.StatusSeeOther)
	h.expectStatus(h.callback(url.Values{"state": {first}, "code": {"c"}}), http.StatusSeeOther)
	h.expectStatus(h.callback(url.Values{"state": {first}, "code": {"c"}}), http.StatusBadRequest)
}

// TestCallbackErrors shows each error of a finished redirect: what the
// caller sent is a 4xx that says what to do, and a malformed redirect
// leaves the request pending.
func TestCallbackErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		err    error
		status int
		text   string
		// pending is true when the request stays pending afterwards.
		pending bool
	}{
		{"server error", &googleauth.AuthorizationError{Code: "temporarily_unavailable"}, http.StatusBadRequest, `"temporarily_unavailable"`, false},
		{"malformed error code", &googleauth.AuthorizationError{}, http.StatusBadRequest, "Please try again", false},
		{"code rejected", fmt.Errorf("x: %w", googleauth.ErrCodeRejected), http.StatusBadRequest, "start again", false},
		{"malformed", fmt.Errorf("x: %w", googleauth.ErrBadCallback), http.StatusBadRequest, "start again", true},
		{"client refused", fmt.Errorf("%w: %w", googleauth.ErrExchange, &googlehttp.ClientConfigError{Endpoint: "token", Status: 401, Code: "invalid_client"}),
			http.StatusInternalServerError, "GOOGLE_TOKEN_AUTH", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.auth.signInAs = bob
			state := h.googleRedirect("/auth/signin")
			h.auth.mu.Lock()
			h.auth.finishErr = tc.err
			h.auth.keepPending = tc.pending
			h.auth.mu.Unlock()
			r := h.callback(url.Values{"state": {state}, "code": {"c"}})
			h.expectStatus(r, tc.status)
			if got := r.TextOf(t, "#error p"); !strings.Contains(got, tc.text) {
				t.Errorf("error page says %q, want %q in it", got, tc.text)
			}
			h.auth.mu.Lock()
			h.auth.finishErr = nil
			h.auth.mu.Unlock()
			want := http.StatusBadRequest
			if tc.pending {
				want = http.StatusSeeOther
			}
			h.expectStatus(h.callback(url.Values{"state": {state}, "code": {"c"}}), want)
		})
	}
}

// TestLinkForAnotherUser checks that a link result for someone other than
// the browser's user is refused.
func TestLinkForAnotherUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.auth.linkAs = alice.ID
	h.signIn(bob)
	state := h.googleRedirect("/link/calendars")
	r := h.callback(url.Values{"state": {state}, "code": {"c"}})
	h.expectStatus(r, http.StatusForbidden)
	if got := r.TextOf(t, "#error p"); got == "" {
		t.Error("no explanation on the page")
	}
}
