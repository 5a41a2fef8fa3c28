package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// TestPages renders every page and checks what it shows with selectors.
func TestPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// as signs in before the request; the zero User stays anonymous.
		as    identity.User
		setup func(h *harness)
		// visit returns the page to check.
		visit      func(h *harness) *browser.Page
		wantStatus int
		// want maps selectors to text the element must contain; "" only
		// requires the element.
		want map[string]string
		// absent are selectors that must match nothing.
		absent []string
	}{
		{
			name:       "home",
			visit:      func(h *harness) *browser.Page { return h.get("/") },
			wantStatus: http.StatusOK,
			want: map[string]string{
				"title": "Sign in · ScopeTrail",
				`form#signin[action="/auth/signin"][method=post] input[name=csrf_token]`: "",
				"form#signin button":                             "Sign in with Google",
				`link[rel=stylesheet][href="/static/style.css"]`: "",
			},
			absent: []string{"nav", "script", "[style]"},
		},
		{
			name:       "dashboard with nothing granted",
			as:         bob,
			visit:      func(h *harness) *browser.Page { return h.get("/dashboard") },
			wantStatus: http.StatusOK,
			want: map[string]string{
				"nav .who": "bob@example.com · member",
				`#feature-calendars form[action="/link/calendars"] button`:   "Link calendars",
				`#feature-recordings form[action="/link/recordings"] button`: "Grant Drive to see recordings",
				`#feature-recordings li[data-scope="drive.readonly"]`:        "drive.readonly restricted Not granted",
				"#offline": "no refresh token",
			},
			absent: []string{`a[href="/admin/users"]`, "#feature-invite", "#notice", "#reconnect", "script", "[style]"},
		},
		{
			name: "dashboard with calendars partly granted",
			as:   bob,
			setup: func(h *harness) {
				h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
					Scopes: []string{scopes.OpenID, scopes.CalendarEventsReadonly, scopes.DirectoryReadonly}})
				h.tokens.refresh[bob.ID] = true
			},
			visit:      func(h *harness) *browser.Page { return h.get("/dashboard") },
			wantStatus: http.StatusOK,
			want: map[string]string{
				"#feature-calendars .state": "Partly granted",
				`#feature-calendars li[data-scope="calendar.readonly"] .scope-status`:        "Not granted",
				`#feature-calendars li[data-scope="calendar.events.readonly"] .scope-status`: "Granted",
				"#feature-calendars form button":                                             "Ask again",
				"#feature-recordings .state":                                                 "Not granted",
				"#offline":                                                                   "holds a refresh token",
			},
			absent: []string{"#feature-invite form"},
		},
		{
			name: "dashboard needing reconnect",
			as:   bob,
			setup: func(h *harness) {
				h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusReconnectNeeded, Reason: "invalid_grant",
					Scopes: []string{scopes.DriveReadonly}})
			},
			visit:      func(h *harness) *browser.Page { return h.get("/dashboard") },
			wantStatus: http.StatusOK,
			want: map[string]string{
				"#reconnect":                      "Reconnect needed: invalid_grant",
				"#feature-recordings .state":      "Reconnect needed",
				"#feature-recordings form button": "Reconnect",
			},
		},
		{
			name: "dashboard after revocation",
			as:   bob,
			setup: func(h *harness) {
				h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusRevoked, Reason: "revoked by an admin",
					Scopes: []string{scopes.DriveReadonly}})
			},
			visit:      func(h *harness) *browser.Page { return h.get("/dashboard") },
			wantStatus: http.StatusOK,
			want: map[string]string{
				"#revoked":                   "Access revoked: revoked by an admin",
				"#feature-recordings .state": "Revoked",
			},
		},
		{
			name: "dashboard with a suspended scope",
			as:   bob,
			setup: func(h *harness) {
				h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
					Scopes: []string{scopes.DriveReadonly}, Suspended: []string{scopes.DriveReadonly}})
			},
			visit:      func(h *harness) *browser.Page { return h.get("/dashboard") },
			wantStatus: http.StatusOK,
			want: map[string]string{
				"#feature-recordings .state":                                        "Suspended",
				`#feature-recordings li[data-scope="drive.readonly"] .scope-status`: "Suspended",
			},
		},
		{
			name: "dashboard after a partial link",
			as:   bob,
			setup: func(h *harness) {
				h.auth.linkGrants[scopes.FeatureRecordings] = nil
			},
			visit: func(h *harness) *browser.Page {
				state := h.googleRedirect("/link/recordings")
				r := h.callback(url.Values{"state": {state}, "code": {"c"}})
				h.expectStatus(r, http.StatusSeeOther)
				return h.get(r.Location())
			},
			wantStatus: http.StatusOK,
			want: map[string]string{
				"#notice": "Recordings: Google did not grant drive.readonly",
				`#notice form[action="/link/recordings"] button`: "Ask again",
				"#feature-recordings .state":                     "Not granted",
			},
		},
		{
			name: "dashboard after a link that lost a feature and left no refresh token",
			as:   bob,
			setup: func(h *harness) {
				h.auth.linkGrants[scopes.FeatureRecordings] = []string{scopes.DriveReadonly}
				h.auth.linkLost = []scopes.Feature{scopes.FeatureCalendars}
				h.auth.linkNoRefresh = true
			},
			visit: func(h *harness) *browser.Page {
				state := h.googleRedirect("/link/recordings")
				r := h.callback(url.Values{"state": {state}, "code": {"c"}})
				h.expectStatus(r, http.StatusSeeOther)
				return h.get(r.Location())
			},
			wantStatus: http.StatusOK,
			want: map[string]string{
				"#notice-lost":    "This sign-in service does not keep what you granted before: Calendars lost access. Turn it on again below.",
				"#notice-offline": "Google gave ScopeTrail no refresh token: it can reach your data only for the next hour, and not while you are away. Turn the feature on again, and allow offline access if you are asked.",
			},
		},
		{
			name:       "users",
			as:         alice,
			visit:      func(h *harness) *browser.Page { return h.get("/admin/users") },
			wantStatus: http.StatusOK,
			want: map[string]string{
				"nav a[href=\"/admin/users\"]": "Users",
				"tr#user-u-bob .role":          "member",
				`tr#user-u-bob form[action="/admin/users/u-bob/role"] select[name=role] option[selected]`: "member",
				`tr#user-u-rita form input[name=csrf_token]`:                                              "",
				"tr#user-u-alice": "you",
			},
			absent: []string{"tr#user-u-alice form"},
		},
		{
			name: "access denied",
			visit: func(h *harness) *browser.Page {
				state := h.googleRedirect("/auth/signin")
				return h.callback(url.Values{"state": {state}, "error": {"access_denied"}})
			},
			wantStatus: http.StatusOK,
			want: map[string]string{
				"#denied h1": "You declined",
				`#denied form[action="/auth/signin"] button`: "Try signing in again",
			},
		},
		{
			name: "access denied while linking",
			as:   bob,
			visit: func(h *harness) *browser.Page {
				state := h.googleRedirect("/link/calendars")
				return h.callback(url.Values{"state": {state}, "error": {"access_denied"}})
			},
			wantStatus: http.StatusOK,
			want:       map[string]string{`#denied a[href="/dashboard"]`: "Back to your dashboard"},
		},
		{
			name: "domain refused",
			setup: func(h *harness) {
				h.auth.finishErr = googleauth.ErrDomainNotAllowed
			},
			visit: func(h *harness) *browser.Page {
				state := h.googleRedirect("/auth/signin")
				return h.callback(url.Values{"state": {state}, "code": {"c"}})
			},
			wantStatus: http.StatusForbidden,
			want: map[string]string{
				"#refused h1":     "cannot sign in here",
				"#refused strong": "example.com",
			},
		},
		{
			name:       "not found",
			visit:      func(h *harness) *browser.Page { return h.get("/no/such/page") },
			wantStatus: http.StatusNotFound,
			want: map[string]string{
				"#error h1": "Not Found",
				"#error p":  "could not find that page",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if tt.setup != nil {
				tt.setup(h)
			}
			if tt.as.ID != "" {
				h.signIn(tt.as)
			}
			r := tt.visit(h)
			h.expectStatus(r, tt.wantStatus)
			for sel, want := range tt.want {
				if got := r.TextOf(t, sel); !strings.Contains(got, want) {
					t.Errorf("%s: text %q does not contain %q", sel, got, want)
				}
			}
			for _, sel := range tt.absent {
				if r.Find(sel) != nil {
					t.Errorf("%s: unexpected element", sel)
				}
			}
		})
	}
}
