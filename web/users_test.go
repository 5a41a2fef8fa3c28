package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/report"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// newUsersHarness starts a harness that revokes through a fake and reads
// a real audit trail in which bob made one call at 2026-03-01 09:02 UTC.
func newUsersHarness(t *testing.T) (*harness, *fakeRevocations) {
	t.Helper()
	trail, _ := newTestTrail(t)
	if _, err := trail.Append(context.Background(), audit.Entry{ActorID: bob.ID, ActorEmail: bob.Email, Event: audit.EventActivity,
		MethodName: "drive.files.list", Scope: scopes.DriveReadonly, Outcome: audit.OutcomeOK}); err != nil {
		t.Fatal(err)
	}
	h, f := newRevokeHarness(t, revoke.GoogleRevoked)
	deps := h.deps()
	deps.Revocations = f
	deps.Review = &ReviewPages{Audit: trail, Report: emptyReport(t)}
	h.serve(h.config(), deps)
	return h, f
}

// emptyReport is a least-privilege report over an empty database.
func emptyReport(t *testing.T) PrivilegeReport {
	t.Helper()
	db := sqldbtest.SQLite(t)
	return report.Builder{Grants: grant.NewStore(db, nil), Usage: audit.New(db, audit.Options{}), Registry: scopes.All()}
}

// TestUsersPageShowsEachUsersAccess: the admin sees each user's status,
// role, features with their scopes' status, and last use, with the name
// linking to the user's page and the role form the browser tests use.
func TestUsersPageShowsEachUsersAccess(t *testing.T) {
	t.Parallel()
	h, f := newUsersHarness(t)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive,
		Scopes:    []string{scopes.OpenID, scopes.CalendarReadonly, scopes.CalendarEventsReadonly, scopes.DriveReadonly},
		Suspended: []string{scopes.DriveReadonly}})
	f.note(revoke.Suspension{UserID: bob.ID, Scope: scopes.DriveReadonly, By: revoke.Actor{ID: alice.ID, Email: alice.Email},
		At: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), Reason: "left the project"})
	blocked := rita
	blocked.BlockedAt, blocked.BlockedBy = time.Now(), alice.Email
	h.ident.put(blocked)
	h.grants.put(grant.Grant{UserID: rita.ID, Status: grant.StatusRevoked, Reason: "revoked by an admin", Scopes: []string{scopes.DriveReadonly}})
	h.signIn(alice)

	r := h.get("/admin/users")
	h.expectStatus(r, http.StatusOK)
	h.expectText(r, map[string]string{
		`#user-u-bob a.user-name[href="/users/u-bob"]`: "Bob Member",
		"#user-u-bob .user-status":                     "Active, 1 scope(s) suspended",
		`#user-u-bob form[action="/admin/users/u-bob/role"] select[name=role] option[selected]`: "member",
		`#user-u-bob form[action="/admin/users/u-bob/role"] button[type=submit]`:                "Change role",
		`#user-u-bob [data-feature="calendars"] .state`:                                         "Granted",
		`#user-u-bob [data-feature="recordings"] .state`:                                        "Suspended",
		`#user-u-bob [data-feature="recordings"] li[data-scope="drive.readonly"]`:               "Suspended by you on 2026-01-02 03:04 UTC: left the project",
		"#user-u-bob .last-use":                                          "2026-03-01 09:02 UTC",
		`#user-u-bob a[href="/admin/access#user-u-bob"]`:                 "Suspend or resume scopes",
		"#user-u-rita .user-status":                                      "Revoked by alice@example.com",
		`#user-u-rita [data-feature="recordings"] .scope-status`:         "Revoked",
		`#user-u-rita form[action="/admin/users/u-rita/readmit"] button`: "Re-admit",
		"#user-u-alice .user-status":                                     "Active",
		"#user-u-alice .last-use":                                        "never",
		"#user-count":                                                    "Users 1–3 of 3",
	})
	if r.Find(`#user-u-alice form`) != nil {
		t.Errorf("the admin may change her own role")
	}
}

// TestUsersSearchAndPaging: the search finds users by name or email, and
// pages of 20 link to each other, all in the URL.
func TestUsersSearchAndPaging(t *testing.T) {
	t.Parallel()
	h, _ := newUsersHarness(t)
	for i := range 25 {
		h.ident.put(identity.User{ID: fmt.Sprintf("u-p%02d", i), Email: fmt.Sprintf("person%02d@example.com", i),
			Name: fmt.Sprintf("Person %02d", i), Role: identity.RoleMember})
	}
	h.signIn(alice)

	rows := func(r *browser.Page) []string {
		var ids []string
		for _, tr := range r.FindAll("table.user-list tbody tr") {
			ids = append(ids, browser.Attr(tr, "id"))
		}
		return ids
	}
	found := h.get("/admin/users?q=MEMBER")
	if diff := cmp.Diff([]string{"user-u-bob"}, rows(found)); diff != "" {
		t.Errorf("search by name (-want +got):\n%s", diff)
	}
	h.expectText(found, map[string]string{`#user-q[name=q]`: "", "#clear-search": "Clear search"})
	if got := browser.Attr(found.Find("#user-q"), "value"); got != "MEMBER" {
		t.Errorf("the search box says %q, want the search", got)
	}
	if diff := cmp.Diff([]string{"user-u-rita"}, rows(h.get("/admin/users?q=rita%40example"))); diff != "" {
		t.Errorf("search by email (-want +got):\n%s", diff)
	}

	first := h.get("/admin/users")
	if n := len(rows(first)); n != usersPageSize {
		t.Errorf("the first page shows %d users, want %d", n, usersPageSize)
	}
	h.expectText(first, map[string]string{`a[rel=next][href="/admin/users?page=2"]`: "Next page", "#user-count": "Users 1–20 of 28"})
	second := h.get("/admin/users?page=2")
	h.expectText(second, map[string]string{`a[rel=prev][href="/admin/users"]`: "Previous page", "#user-count": "Users 21–28 of 28"})
	if second.Find("a[rel=next]") != nil {
		t.Errorf("the last page links to a next one")
	}
	paged := h.get("/admin/users?q=person&page=2")
	h.expectText(paged, map[string]string{`a[rel=prev][href="/admin/users?q=person"]`: "Previous page", "#user-count": "Users 21–25 of 25"})

	none := h.get("/admin/users?q=nobody-here")
	h.expectText(none, map[string]string{"#no-users": "No user's name or email contains “nobody-here”", `#no-users a[href="/admin/users"]`: "Clear the search"})
}

// TestEveryAdminActionIsConfirmed: a role change, a suspension and a
// resumption each say on the next page what was done, and the role change
// goes back to the search the admin came from.
func TestEveryAdminActionIsConfirmed(t *testing.T) {
	t.Parallel()
	h, _ := newUsersHarness(t)
	h.grants.put(grant.Grant{UserID: bob.ID, Status: grant.StatusActive, Scopes: []string{scopes.CalendarReadonly}})
	h.signIn(alice)

	r := h.post("/admin/users/u-bob/role", url.Values{"role": {"reviewer"}, "q": {"bob"}})
	h.expectStatus(r, http.StatusSeeOther)
	if r.Location() != "/admin/users?q=bob" {
		t.Errorf("the role change went back to %q, want the search", r.Location())
	}
	h.expectText(h.get(r.Location()), map[string]string{".flash": "bob@example.com is now a reviewer."})

	for _, step := range []struct{ path, flash string }{
		{"/admin/access/u-bob/suspend", "Suspended calendar.readonly for bob@example.com."},
		{"/admin/access/u-bob/resume", "Resumed calendar.readonly for bob@example.com."},
	} {
		r := h.post(step.path, url.Values{"scope": {scopes.CalendarReadonly}, "reason": {"checking"}})
		h.expectStatus(r, http.StatusSeeOther)
		if page := h.get(r.Location()); !strings.Contains(browser.Text(page.Find(".flash")), step.flash) {
			t.Errorf("after %s the flash says %q, want %q", step.path, browser.Text(page.Find(".flash")), step.flash)
		}
	}
}

// FuzzParseUsersQuery: whatever the query string, the search is valid
// UTF-8 of at most maxUserSearch runes, the page is positive, and the URL
// built from it reads back the same.
func FuzzParseUsersQuery(f *testing.F) {
	for _, s := range []string{"", "q=bob&page=2", "page=-1", "page=99999999999999999999", "q=%ff%fe", "q=" + strings.Repeat("é", 150)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q := parseUsersQuery(v)
		if q.Page < 1 || len([]rune(q.Q)) > maxUserSearch || !utf8.ValidString(q.Q) {
			t.Fatalf("parseUsersQuery(%q) = %+v", raw, q)
		}
		u, err := url.Parse(q.URL())
		if err != nil {
			t.Fatalf("URL %q: %v", q.URL(), err)
		}
		if back := parseUsersQuery(u.Query()); back != q {
			t.Fatalf("URL %q reads back %+v, want %+v", q.URL(), back, q)
		}
	})
}
