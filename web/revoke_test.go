package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// fakeRevocations records what it is asked and ends sessions as the real
// service does.
type fakeRevocations struct {
	mu      sync.Mutex
	ident   *fakeIdentity
	grants  *fakeGrants
	google  revoke.GoogleResult
	err     error
	pending []revoke.Pending
	calls   []string
	// notes are the suspensions' notes, by user and scope.
	notes map[string]map[string]revoke.Suspension
}

var (
	_ Revocations   = (*fakeRevocations)(nil)
	_ FeatureSwitch = (*fakeRevocations)(nil)
)

func (f *fakeRevocations) Revoke(_ context.Context, userID string, by revoke.Actor, reason string) (revoke.Report, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("revoke %s by %s: %s", userID, by.ID, reason))
	if f.err != nil && f.google == "" {
		return revoke.Report{UserID: userID}, f.err
	}
	f.ident.endUserSessions(userID)
	return revoke.Report{UserID: userID, HadGrant: true, Google: f.google, TokensDeleted: f.google == revoke.GoogleRevoked,
		SessionsEnded: 1, PurgedRows: 12}, f.err
}

func (f *fakeRevocations) Suspend(_ context.Context, userID, scope string, by revoke.Actor, reason string) error {
	return f.change("suspend", userID, scope, by, reason)
}

func (f *fakeRevocations) Resume(_ context.Context, userID, scope string, by revoke.Actor, reason string) error {
	return f.change("resume", userID, scope, by, reason)
}

func (f *fakeRevocations) change(verb, userID, scope string, by revoke.Actor, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	name, err := revoke.LookupScope(scope)
	if err != nil {
		return err
	}
	f.calls = append(f.calls, fmt.Sprintf("%s %s %s by %s: %s", verb, userID, name, by.ID, reason))
	return nil
}

// TurnOff suspends the feature's granted scopes in the harness's grants,
// noting the user as who did it, and reports five rows purged.
func (f *fakeRevocations) TurnOff(_ context.Context, userID string, feature scopes.Feature, by revoke.Actor) (revoke.TurnOffReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("turn off %s %s by %s", userID, feature, by.ID))
	rep := revoke.TurnOffReport{Feature: feature, PurgedRows: 5}
	g, err := f.grants.Get(context.Background(), userID)
	if err != nil {
		return rep, nil
	}
	for _, sc := range scopes.FeatureScopes(feature) {
		if g.Has(sc) && !g.IsSuspended(sc) {
			g.Suspended = append(g.Suspended, sc)
			rep.Dropped = append(rep.Dropped, sc)
			f.noteLocked(revoke.Suspension{UserID: userID, Scope: sc, By: by, At: time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC), Reason: "turned off: " + string(feature)})
		}
	}
	f.grants.put(g)
	return rep, nil
}

// TurnOn lifts the user's own suspensions of the feature's scopes, and
// refuses an admin's.
func (f *fakeRevocations) TurnOn(_ context.Context, userID string, feature scopes.Feature, by revoke.Actor) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf("turn on %s %s by %s", userID, feature, by.ID))
	g, err := f.grants.Get(context.Background(), userID)
	if err != nil {
		return nil, nil
	}
	var resumed []string
	for _, sc := range scopes.FeatureScopes(feature) {
		if !g.IsSuspended(sc) {
			continue
		}
		if !f.notes[userID][sc].ByUser() {
			return nil, fmt.Errorf("turning on: %w", revoke.ErrSuspendedByAdmin)
		}
		resumed = append(resumed, sc)
	}
	g.Suspended = slices.DeleteFunc(g.Suspended, func(sc string) bool { return slices.Contains(resumed, sc) })
	for _, sc := range resumed {
		delete(f.notes[userID], sc)
	}
	f.grants.put(g)
	return resumed, nil
}

// note keeps the note of a suspension.
func (f *fakeRevocations) note(n revoke.Suspension) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noteLocked(n)
}

func (f *fakeRevocations) noteLocked(n revoke.Suspension) {
	if f.notes == nil {
		f.notes = map[string]map[string]revoke.Suspension{}
	}
	if f.notes[n.UserID] == nil {
		f.notes[n.UserID] = map[string]revoke.Suspension{}
	}
	f.notes[n.UserID][n.Scope] = n
}

func (f *fakeRevocations) Suspensions(_ context.Context, userID string) (map[string]revoke.Suspension, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.notes[userID]), nil
}

func (f *fakeRevocations) Pending(context.Context) ([]revoke.Pending, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pending, nil
}

func (f *fakeRevocations) recorded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// newRevokeHarness starts a harness whose server revokes through a
// fakeRevocations that reports Google's answer google.
func newRevokeHarness(t *testing.T, google revoke.GoogleResult) (*harness, *fakeRevocations) {
	t.Helper()
	h := newHarness(t)
	f := &fakeRevocations{ident: h.ident, grants: h.grants, google: google}
	cfg := h.config()
	cfg.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	deps := h.deps()
	deps.Revocations = f
	h.serve(cfg, deps)
	return h, f
}

// expectText fails unless each selector finds an element containing its
// text.
func (h *harness) expectText(r *browser.Page, want map[string]string) {
	h.t.Helper()
	for sel, words := range want {
		n := r.Find(sel)
		if n == nil {
			h.t.Errorf("%s: no %s", r.Request.URL.Path, sel)
			continue
		}
		if got := browser.Text(n); !strings.Contains(got, words) {
			h.t.Errorf("%s: %s says %q, want %q", r.Request.URL.Path, sel, got, words)
		}
	}
}

func TestRevokeOwnAccess(t *testing.T) {
	t.Parallel()
	h, f := newRevokeHarness(t, revoke.GoogleRevoked)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive, Scopes: []string{scopes.OpenID, scopes.DriveReadonly}})
	h.signIn(bob)

	h.expectText(h.get("/dashboard"), map[string]string{`#revoke-access a.danger[href="/revoke"]`: "Revoke access"})
	confirm := h.get("/revoke")
	h.expectStatus(confirm, http.StatusOK)
	h.expectText(confirm, map[string]string{
		"h1": "Revoke your Google access",
		`form#revoke[action="/revoke"][method=post] button`: "Revoke access",
		"#confirm li": "mark the grant revoked",
	})
	if confirm.Find(`form#revoke input[name=csrf_token]`) == nil || confirm.Find("#reason") != nil {
		t.Error("the confirmation form lacks the CSRF token or asks a member for a reason")
	}

	forged := h.do(http.MethodPost, "/revoke", url.Values{}, nil)
	h.expectStatus(forged, http.StatusForbidden)
	if calls := f.recorded(); len(calls) != 0 {
		t.Fatalf("a POST without the CSRF token revoked: %v", calls)
	}

	done := h.post("/revoke", nil)
	h.expectStatus(done, http.StatusOK)
	h.expectText(done, map[string]string{
		"h1":               "Your access is revoked",
		"#report-grant":    "no request for you reaches Google",
		"#report-google":   "Google revoked the grant and the tokens are deleted",
		"#report-sessions": "1 session(s) ended",
		"#report-purged":   "12 stored item(s)",
		"#report":          "You are signed out",
	})
	if done.Find("nav") != nil {
		t.Error("the page after revoking still shows the signed-in navigation")
	}
	if diff := cmp.Diff([]string{"revoke u-bob by u-bob: revoked by the user"}, f.recorded()); diff != "" {
		t.Errorf("revocations (-want +got):\n%s", diff)
	}
	if r := h.get("/dashboard"); r.StatusCode != http.StatusSeeOther || r.Location() != "/" {
		t.Errorf("dashboard after revoking: %d to %q, want a redirect to /", r.StatusCode, r.Location())
	}
}

func TestAdminRevokesUser(t *testing.T) {
	t.Parallel()
	h, f := newRevokeHarness(t, revoke.GooglePending)
	h.signIn(alice)

	h.expectText(h.get("/admin/users"), map[string]string{`#user-u-bob a[href="/admin/users/u-bob/revoke"]`: "Revoke access"})
	confirm := h.get("/admin/users/u-bob/revoke")
	h.expectStatus(confirm, http.StatusOK)
	h.expectText(confirm, map[string]string{
		"h1": "Revoke the access of bob@example.com",
		`form#revoke[action="/admin/users/u-bob/revoke"] label[for=reason]`: "Reason",
	})
	done := h.post("/admin/users/u-bob/revoke", url.Values{"reason": {"  left the team "}})
	h.expectStatus(done, http.StatusOK)
	h.expectText(done, map[string]string{
		"h1":             "The access of bob@example.com is revoked",
		"#report-google": "Google has not confirmed yet",
		"nav .who":       "alice@example.com",
	})
	if diff := cmp.Diff([]string{"revoke u-bob by u-alice: revoked by an admin: left the team"}, f.recorded()); diff != "" {
		t.Errorf("revocations (-want +got):\n%s", diff)
	}
	h.expectStatus(h.get("/admin/users/u-nobody/revoke"), http.StatusNotFound)
	h.expectStatus(h.post("/admin/users/u-nobody/revoke", nil), http.StatusNotFound)

	member, _ := newRevokeHarness(t, revoke.GoogleRevoked)
	member.signIn(bob)
	member.expectStatus(member.get("/admin/users/u-rita/revoke"), http.StatusForbidden)
	member.expectStatus(member.post("/admin/users/u-rita/revoke", nil), http.StatusForbidden)
}

func TestRevokeFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		google     revoke.GoogleResult
		wantStatus int
		want       map[string]string
	}{
		{"nothing revoked", "", http.StatusInternalServerError, map[string]string{"main": "Something went wrong"}},
		{"a later step failed", revoke.GoogleNoToken, http.StatusOK,
			map[string]string{"#incomplete": "Revoke again", "#report-google": "nothing to revoke at Google"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, f := newRevokeHarness(t, tt.google)
			f.err = errors.New("database down")
			h.signIn(alice)
			r := h.post("/admin/users/u-bob/revoke", nil)
			h.expectStatus(r, tt.wantStatus)
			h.expectText(r, tt.want)
			if strings.Contains(r.Content, "database down") {
				t.Error("the page shows the internal error")
			}
		})
	}
}

func TestDashboardAfterGoogleRevoked(t *testing.T) {
	t.Parallel()
	h, _ := newRevokeHarness(t, revoke.GoogleRevoked)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusRevoked, Reason: "invalid_grant",
		Scopes: []string{scopes.OpenID, scopes.DriveReadonly}})
	h.signIn(bob)
	r := h.get("/dashboard")
	h.expectText(r, map[string]string{"#revoked": "Access revoked: invalid_grant"})
	if r.Find("#revoke-access") != nil {
		t.Error("the dashboard offers to revoke a grant that is already revoked")
	}
}

func TestAccessPage(t *testing.T) {
	t.Parallel()
	h, f := newRevokeHarness(t, revoke.GoogleRevoked)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
		Scopes:    []string{scopes.OpenID, scopes.Email, scopes.CalendarReadonly, scopes.CalendarEventsReadonly},
		Suspended: []string{scopes.CalendarEventsReadonly}})
	h.grants.put(grant.Grant{UserID: rita.ID, Status: grant.StatusRevoked, Reason: "revoked by an admin", Scopes: []string{scopes.DriveReadonly}})
	f.pending = []revoke.Pending{{UserID: rita.ID, Attempts: 2, NextAt: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), ConfigError: true}}
	h.signIn(alice)

	r := h.get("/admin/access")
	h.expectStatus(r, http.StatusOK)
	h.expectText(r, map[string]string{
		`nav a[href="/admin/access"]`: "Access",
		`#user-u-bob li[data-scope="calendar.readonly"] form[action="/admin/access/u-bob/suspend"] button`:          "Suspend",
		`#user-u-bob li[data-scope="calendar.events.readonly"] form[action="/admin/access/u-bob/resume"] button`:    "Resume",
		`#user-u-bob li[data-scope="calendar.readonly"] input[name=scope][value="` + scopes.CalendarReadonly + `"]`: "",
		`#user-u-bob li[data-scope="calendar.readonly"] input[name=reason][maxlength="200"]`:                        "",
		`#user-u-bob a[href="/admin/users/u-bob/revoke"]`:                                                           "Revoke access",
		"#user-u-rita .grant":                  "revoked",
		"#user-u-rita .pending":                "2 attempt(s), next 2026-01-02 03:04 UTC",
		`#user-u-rita [data-pending="config"]`: "Google refused ScopeTrail's OAuth client",
		"#user-u-alice .grant":                 "nothing granted",
	})
	for _, sel := range []string{`#user-u-bob li[data-scope="openid"]`, `#user-u-rita form`, `#user-u-rita a.button`} {
		if r.Find(sel) != nil {
			t.Errorf("the access page shows %s", sel)
		}
	}

	for _, step := range []struct{ path, scope, reason string }{
		{"/admin/access/u-bob/suspend", scopes.CalendarReadonly, "left the project"},
		{"/admin/access/u-bob/resume", scopes.CalendarEventsReadonly, ""},
	} {
		res := h.post(step.path, url.Values{"scope": {step.scope}, "reason": {step.reason}})
		if res.StatusCode != http.StatusSeeOther || res.Location() != "/admin/access#user-u-bob" {
			t.Errorf("POST %s: %d to %q, want a redirect to the user's row", step.path, res.StatusCode, res.Location())
		}
	}
	bad := h.post("/admin/access/u-bob/suspend", url.Values{"scope": {scopes.OpenID}})
	h.expectStatus(bad, http.StatusBadRequest)
	h.expectText(bad, map[string]string{"main": "Only the scopes ScopeTrail uses for Google APIs can be suspended."})
	long := h.post("/admin/access/u-bob/suspend", url.Values{"scope": {scopes.CalendarReadonly}, "reason": {strings.Repeat("é", revoke.MaxNote+1)}})
	h.expectStatus(long, http.StatusBadRequest)
	h.expectText(long, map[string]string{"main": "The reason is too long: write at most 200 characters."})
	want := []string{
		"suspend u-bob " + scopes.CalendarReadonly + " by u-alice: left the project",
		"resume u-bob " + scopes.CalendarEventsReadonly + " by u-alice: ",
	}
	if diff := cmp.Diff(want, f.recorded()); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}

	member, _ := newRevokeHarness(t, revoke.GoogleRevoked)
	member.signIn(bob)
	member.expectStatus(member.get("/admin/access"), http.StatusForbidden)
	member.expectStatus(member.post("/admin/access/u-bob/resume", url.Values{"scope": {scopes.CalendarEventsReadonly}}), http.StatusForbidden)
}
