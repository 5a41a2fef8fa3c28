package web

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/googleauth"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// TestFeaturesByRole: the dashboard shows the directory only to admins,
// and a member asking to link it is refused before Google is asked.
func TestFeaturesByRole(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, u := range []identity.User{alice, bob, rita} {
		want := u.Role == identity.RoleAdmin
		h.signIn(u)
		dash := h.get("/dashboard")
		if got := dash.Find(`#feature-invite`) != nil; got != want {
			t.Errorf("%s's dashboard shows the directory: %v, want %v", u.Role, got, want)
		}
		if dash.Find(`#feature-calendars`) == nil || dash.Find(`#feature-recordings`) == nil {
			t.Errorf("%s's dashboard lacks calendars or recordings:\n%s", u.Role, dash.Content)
		}
	}
	h.signIn(bob)
	r := h.post("/link/invite", nil)
	h.expectStatus(r, http.StatusForbidden)
	if loc := r.Location(); loc != "" {
		t.Errorf("the refused link redirects to %q", loc)
	}
	h.auth.mu.Lock()
	asked := h.auth.next
	h.auth.mu.Unlock()
	if asked != 4 { // the four sign-ins, and no link
		t.Errorf("%d Google requests begun, want only the sign-ins", asked)
	}
}

// TestDropUnneededScope: a member who holds directory.readonly from their
// time as an admin is offered to drop it; dropping suspends it, audited by
// the revocation service, for them; a scope the role uses cannot be dropped.
func TestDropUnneededScope(t *testing.T) {
	t.Parallel()
	h, f := newRevokeHarness(t, revoke.GoogleRevoked)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
		Scopes: []string{scopes.DirectoryReadonly, scopes.CalendarReadonly, scopes.OpenID}})
	h.signIn(bob)
	dash := h.get("/dashboard")
	var offered []string
	for _, li := range dash.FindAll(`#unneeded li`) {
		offered = append(offered, browser.Attr(li, "data-scope"))
	}
	if diff := cmp.Diff([]string{"directory.readonly"}, offered); diff != "" {
		t.Fatalf("scopes offered to drop (-want +got):\n%s\n%s", diff, dash.Content)
	}
	r := h.post("/dashboard/drop", url.Values{"scope": {"directory.readonly"}})
	h.expectStatus(r, http.StatusSeeOther)
	h.expectText(h.get(r.Location()), map[string]string{".flash": "Dropped directory.readonly: ScopeTrail no longer uses it."})
	h.expectStatus(h.post("/dashboard/drop", url.Values{"scope": {"calendar.readonly"}}), http.StatusBadRequest)
	want := []string{fmt.Sprintf("suspend %s %s by %s: dropped: the member role does not need it", bob.ID, scopes.DirectoryReadonly, bob.ID)}
	if diff := cmp.Diff(want, f.recorded()); diff != "" {
		t.Errorf("revocation calls (-want +got):\n%s", diff)
	}
}

// TestAdmissionRefusalPage: a refused sign-in shows 403 with the reason
// and whom to ask, and says when the invitation opened was someone else's.
func TestAdmissionRefusalPage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		refusal googleauth.Refusal
		opened  bool
		why     string
	}{
		{"not invited", googleauth.Refusal{Email: "eve@example.com", Reason: googleauth.ReasonNotInvited}, false, "eve@example.com has not been invited"},
		{"someone else's link", googleauth.Refusal{Email: "eve@example.com", Reason: googleauth.ReasonNotInvited}, true, "addressed to another email address"},
		{"blocked", googleauth.Refusal{Email: "bob@example.com", Reason: googleauth.ReasonBlocked, BlockedBy: "alice@example.com"}, false,
			"An administrator revoked the access of bob@example.com (alice@example.com)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newDirectoryHarness(t)
			h.invites.put(invite.Invitation{ID: "inv-ok", Email: "zoe@example.com", Status: invite.StatusPending,
				ExpiresAt: time.Now().Add(time.Hour)})
			cfg, deps := h.config(), h.deps()
			cfg.AdminContact = "alice@example.com"
			deps.Directory = &DirectoryPages{Directory: h.dir, Syncs: h.syncs, Invitations: h.invites}
			h.serve(cfg, deps)
			h.auth.mu.Lock()
			h.auth.finishErr = fmt.Errorf("finishing: %w", &tt.refusal)
			h.auth.mu.Unlock()
			if tt.opened {
				h.expectStatus(h.get("/invite/tok-inv-ok"), http.StatusOK)
			}
			state := h.googleRedirect("/auth/signin")
			r := h.callback(url.Values{"state": {state}, "code": {"c"}})
			h.expectStatus(r, http.StatusForbidden)
			h.expectText(r, map[string]string{"#why": tt.why, "#ask": "alice@example.com"})
		})
	}
}
