package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/directory"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// People of the directory who are already users of the harness.
var (
	alicePerson = directory.Person{ResourceName: "people/10", Name: alice.Name, Email: alice.Email}
	bobPerson   = directory.Person{ResourceName: "people/11", Name: bob.Name, Email: "Bob@Example.com"}
)

// TestDirectoryMarksUsers: the admin finds herself and a member in the
// directory marked as users, with their roles and no box to invite them,
// and a colleague with a pending invitation marked as invited.
func TestDirectoryMarksUsers(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	d.grantDirectory()
	d.dir.copy = []directory.Person{alicePerson, bobPerson, ada, grace}
	d.invites.put(invite.Invitation{ID: "inv-1", Email: ada.Email, Status: invite.StatusPending})
	d.signIn(alice)
	r := d.get("/admin/directory")
	d.expectStatus(r, http.StatusOK)
	want := [][]string{
		{alice.Name, alice.Email, "-", "already a user · admin"},
		{bob.Name, "Bob@Example.com", "-", "already a user · member"},
		{ada.Name, ada.Email, "-", "invited"},
		{grace.Name, grace.Email, grace.Email, ""},
	}
	if diff := cmp.Diff(want, rows(r)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// TestInviteUserRefused: a form that names users anyway (a stale page, a
// crafted request) invites nobody who is already a user, and says so.
func TestInviteUserRefused(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	d.signIn(alice)
	r := d.post("/admin/invitations", url.Values{"email": {"ALICE@example.com", bob.Email, ada.Email}})
	d.expectStatus(r, http.StatusOK)
	var invited []string
	for _, inv := range d.invites.list() {
		invited = append(invited, inv.Email)
	}
	if !cmp.Equal(invited, []string{ada.Email}) {
		t.Errorf("invited %q, want only %s", invited, ada.Email)
	}
	if got := r.TextOf(t, "#users-skipped"); !strings.Contains(got, "alice@example.com") || !strings.Contains(got, bob.Email) {
		t.Errorf("#users-skipped = %q, want alice and bob named", got)
	}
	r = d.post("/admin/invitations", url.Values{"email": {alice.Email}})
	if r.StatusCode != http.StatusOK || len(d.invites.list()) != 1 {
		t.Errorf("inviting only herself: status %d, %d invitations", r.StatusCode, len(d.invites.list()))
	}
}

// TestDirectorySuspendedScope: when the admin's own directory scope is
// suspended, the page says by whom, when and why, and where it can be
// lifted, and offers no grant button, which could not lift it.
func TestDirectorySuspendedScope(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	note := revoke.Suspension{UserID: alice.ID, Scope: scopes.DirectoryReadonly,
		By: revoke.Actor{ID: "u-ann", Email: "ann@example.com"}, At: at, Reason: "audit of directory use"}
	tests := []struct {
		name  string
		notes []revoke.Suspension
		want  string
	}{
		{"with the suspension's note", []revoke.Suspension{note}, "Your directory.readonly scope is suspended by ann@example.com on " +
			at.Format("2006-01-02 15:04 UTC") + ": audit of directory use."},
		{"without it", nil, "Your directory.readonly scope is suspended."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDirectoryHarness(t, func(deps *Deps) {
				revs := &fakeRevocations{}
				for _, n := range tt.notes {
					revs.note(n)
				}
				deps.Revocations = revs
			})
			d.grants.put(grant.Grant{UserID: alice.ID, Status: grant.StatusActive,
				Scopes: []string{scopes.OpenID, scopes.Email, scopes.DirectoryReadonly}, Suspended: []string{scopes.DirectoryReadonly}})
			d.signIn(alice)
			r := d.get("/admin/directory")
			d.expectStatus(r, http.StatusOK)
			if got := r.TextOf(t, "#grant-suspended p"); !strings.HasPrefix(strings.Join(strings.Fields(got), " "), tt.want) {
				t.Errorf("banner = %q, want it to start %q", got, tt.want)
			}
			if r.Find(`#grant-suspended a[href="/admin/access"]`) == nil {
				t.Error("the banner does not link to the Access page")
			}
			if r.Find(`form[action="/link/invite"]`) != nil || r.Find("#grant-needed") != nil {
				t.Error("the page offers to grant a scope that is suspended")
			}
		})
	}
}

// TestDirectoryFetchesNoImages: the directory draws initials, not Google's
// photos, and the CSP lets the browser load images only from ScopeTrail
// itself, so that the admin's browser never fetches a third-party image.
func TestDirectoryFetchesNoImages(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	d.grantDirectory()
	d.dir.copy = []directory.Person{ada}
	d.signIn(alice)
	r := d.get("/admin/directory")
	d.expectStatus(r, http.StatusOK)
	if imgs := r.FindAll("img"); len(imgs) != 0 {
		t.Errorf("the page has %d images; want none", len(imgs))
	}
	d.expectText(r, map[string]string{"tr.person td.name .avatar": "AL"})
	var imgSrc string
	for _, dir := range strings.Split(r.Header.Get("Content-Security-Policy"), ";") {
		if f := strings.Fields(dir); len(f) > 0 && f[0] == "img-src" {
			imgSrc = strings.Join(f[1:], " ")
		}
	}
	if imgSrc != "'self' data:" {
		t.Errorf("CSP img-src = %q, want 'self' data:", imgSrc)
	}
}

// TestInitials: the avatar's letters come from the first and last words of
// a name, or the email; its colour is the same for the same person.
func TestInitials(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p    directory.Person
		want string
	}{
		{directory.Person{Name: "Ada Lovelace"}, "AL"},
		{directory.Person{Name: "Jean-Luc de la Mare"}, "JM"},
		{directory.Person{Name: "  élodie "}, "É"},
		{directory.Person{Email: "zed@example.com"}, "Z"},
		{directory.Person{}, "?"},
	} {
		if got := initials(tt.p); got != tt.want {
			t.Errorf("initials(%+v) = %q, want %q", tt.p, got, tt.want)
		}
	}
	if avatarColour("ada@example.com") != avatarColour("ada@example.com") {
		t.Error("the same person got two colours")
	}
}
