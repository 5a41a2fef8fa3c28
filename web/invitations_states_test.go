package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/invite"
)

// TestInvitationStates: the list names each invitation's state as the
// admin thinks of it, sent, accepted, expired or withdrawn, with when it
// expires or ended, and offers actions only on those still open.
func TestInvitationStates(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	long := "a.very.long.address.that.would.be.clipped.in.a.narrow.column@subdomain.example.com"
	for _, inv := range []invite.Invitation{
		{ID: "inv-acc", Email: "acc@example.com", Status: invite.StatusAccepted, CreatedAt: at, ExpiresAt: at.Add(invite.DefaultTTL), ClosedAt: at.Add(time.Hour)},
		{ID: "inv-exp", Email: "exp@example.com", Status: invite.StatusExpired, CreatedAt: at, ExpiresAt: at.Add(invite.DefaultTTL)},
		{ID: "inv-wd", Email: "wd@example.com", Status: invite.StatusWithdrawn, CreatedAt: at, ExpiresAt: at.Add(invite.DefaultTTL), ClosedAt: at.Add(2 * time.Hour)},
		{ID: "inv-sent", Email: long, Status: invite.StatusPending, CreatedAt: at, ExpiresAt: at.Add(invite.DefaultTTL)},
	} {
		d.invites.put(inv)
	}
	d.signIn(alice)
	r := d.get("/admin/invitations")
	d.expectStatus(r, http.StatusOK)
	want := [][]string{
		{long, "sent", "New link", "Withdraw"},
		{"wd@example.com", "withdrawn"},
		{"exp@example.com", "expired", "New link", "Withdraw"},
		{"acc@example.com", "accepted"},
	}
	if diff := cmp.Diff(want, invitationRows(r)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	d.expectText(r, map[string]string{
		"#invitation-inv-sent .expires": "2026-11-27 09:00 UTC",
		"#invitation-inv-exp .expires":  "2026-11-27 09:00 UTC",
		"#invitation-inv-acc .expires":  "accepted 2026-11-20 10:00 UTC",
		"#invitation-inv-wd .expires":   "withdrawn 2026-11-20 11:00 UTC",
	})
	if cls := browser.Attr(r.Find("#invitation-inv-sent td.email"), "class"); !strings.Contains(cls, "wrap-any") {
		t.Errorf("a long email is not wrapped: class %q", cls)
	}
	if r.Find("table.invitations") == nil || r.Find("div.table-wrap > table.data.invitations") == nil {
		t.Error("the invitations table is not a data table in a table-wrap")
	}
}

// TestInvitationActions: inviting, a new link and withdrawing each end in
// a message saying what happened; withdrawing takes a confirmation that
// needs no JavaScript; a new link can be copied with a button or selected
// as text.
func TestInvitationActions(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	d.signIn(alice)
	r := d.post("/admin/invitations", url.Values{"email": {ada.Email, grace.Email}})
	d.expectStatus(r, http.StatusOK)
	d.expectText(r, map[string]string{
		".flash.ok":           "2 invitations issued: copy the links below and send them.",
		"#issued-inv-1 .link": "https://scopetrail.example.com/invite/tok-inv-1",
	})
	copyButton := r.Find(`#issued-inv-1 button[data-copy="link-inv-1"]`)
	if copyButton == nil || browser.Text(copyButton) != "Copy link" || r.Find("#link-inv-1") == nil {
		t.Error("no Copy link button for the new link")
	}
	if r.Find(`head script[src="/static/invitations.js"]`) == nil {
		t.Error("the page does not load invitations.js")
	}

	confirm := r.Find(`#invitation-inv-1 details.withdraw`)
	if confirm == nil || !strings.Contains(browser.Text(confirm), "Withdraw the invitation to ada@example.com") ||
		browser.FindIn(confirm, `form[action="/admin/invitations/inv-1/withdraw"] button`) == nil {
		t.Fatal("the withdraw button is not behind a confirmation")
	}
	r = d.post("/admin/invitations/inv-1/withdraw", nil)
	d.expectStatus(r, http.StatusSeeOther)
	r = d.get(r.Location())
	d.expectText(r, map[string]string{".flash.ok": "The invitation to ada@example.com is withdrawn; its link no longer works."})
	if r = d.get("/admin/invitations"); r.Find(".flash") != nil {
		t.Error("the message shows twice")
	}

	r = d.post("/admin/invitations/inv-2/renew", nil)
	d.expectStatus(r, http.StatusOK)
	d.expectText(r, map[string]string{".flash.ok": "A new link for grace@example.com is below; the old one no longer works."})
}
