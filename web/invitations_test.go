package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/connectortest/browser"
	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// fakeInvitations keeps invitations in memory; a link's token is
// "tok-" and the invitation id.
type fakeInvitations struct {
	mu      sync.Mutex
	invs    []invite.Invitation // newest first
	next    int
	mailing bool
	sendErr string // recorded on each issued invitation when mailing
}

var _ Invitations = (*fakeInvitations)(nil)

func newFakeInvitations() *fakeInvitations { return &fakeInvitations{} }

func (f *fakeInvitations) put(inv invite.Invitation) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invs = append([]invite.Invitation{inv}, f.invs...)
}

func (f *fakeInvitations) list() []invite.Invitation {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.invs)
}

func (f *fakeInvitations) issue(inv invite.Invitation) invite.Issued {
	if f.mailing {
		inv.SendError = f.sendErr
	}
	return invite.Issued{Invitation: inv, Link: "https://scopetrail.example.com/invite/tok-" + inv.ID}
}

func (f *fakeInvitations) Invite(_ context.Context, by identity.User, emails []string) (invite.Batch, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b invite.Batch
	for _, e := range emails {
		if !strings.Contains(e, "@") {
			return invite.Batch{}, fmt.Errorf("%q: %w", e, invite.ErrInvalidEmail)
		}
	}
	for _, e := range emails {
		if slices.ContainsFunc(f.invs, func(i invite.Invitation) bool { return i.Email == e && i.Status == invite.StatusPending }) {
			b.Skipped = append(b.Skipped, e)
			continue
		}
		f.next++
		inv := invite.Invitation{ID: fmt.Sprintf("inv-%d", f.next), Email: e, InvitedBy: by.ID, InvitedByEmail: by.Email,
			Status: invite.StatusPending, CreatedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
		inv.ExpiresAt = inv.CreatedAt.Add(invite.DefaultTTL)
		iss := f.issue(inv)
		f.invs = append([]invite.Invitation{iss.Invitation}, f.invs...)
		b.Issued = append(b.Issued, iss)
	}
	return b, nil
}

// find returns the index of an invitation; the caller holds f.mu.
func (f *fakeInvitations) find(id string) (int, error) {
	i := slices.IndexFunc(f.invs, func(inv invite.Invitation) bool { return inv.ID == id })
	if i < 0 {
		return 0, fmt.Errorf("invitation %s: %w", id, invite.ErrNotFound)
	}
	if f.invs[i].Status != invite.StatusPending {
		return 0, fmt.Errorf("invitation %s: %w", id, invite.ErrNotPending)
	}
	return i, nil
}

func (f *fakeInvitations) Renew(_ context.Context, _ identity.User, id string) (invite.Issued, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.find(id)
	if err != nil {
		return invite.Issued{}, err
	}
	return f.issue(f.invs[i]), nil
}

func (f *fakeInvitations) Withdraw(_ context.Context, _ identity.User, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, err := f.find(id)
	if err != nil {
		return err
	}
	f.invs[i].Status = invite.StatusWithdrawn
	return nil
}

func (f *fakeInvitations) List(context.Context) ([]invite.Invitation, error) { return f.list(), nil }

func (f *fakeInvitations) Check(_ context.Context, token string) (invite.Invitation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, inv := range f.invs {
		if "tok-"+inv.ID != token {
			continue
		}
		switch inv.Status {
		case invite.StatusExpired:
			return inv, invite.ErrExpired
		case invite.StatusWithdrawn:
			return inv, invite.ErrWithdrawn
		case invite.StatusAccepted:
			return inv, invite.ErrAccepted
		}
		return inv, nil
	}
	return invite.Invitation{}, invite.ErrNotFound
}

func (f *fakeInvitations) Mailing() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.mailing
}

// invitationRows returns the email, status and buttons of each row.
func invitationRows(r *browser.Page) [][]string {
	var out [][]string
	for _, tr := range r.FindAll("table.invitations tbody tr") {
		row := []string{browser.Text(browser.FindAllIn(tr, "td.email")[0]), browser.Text(browser.FindAllIn(tr, "td.status")[0])}
		for _, b := range browser.FindAllIn(tr, "td.actions button") {
			row = append(row, browser.Text(b))
		}
		out = append(out, row)
	}
	return out
}

func TestInvitationsWithoutSMTP(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	d.signIn(alice)
	d.invites.put(invite.Invitation{ID: "inv-old", Email: "old@example.com", Status: invite.StatusAccepted})

	r := d.post("/admin/invitations", url.Values{"email": {"ada@example.com", "grace@example.com"}})
	d.expectStatus(r, http.StatusOK)
	if r.Find("#no-smtp") == nil {
		t.Error("the page does not say that links must be copied")
	}
	var links []string
	for _, code := range r.FindAll("#issued code.link") {
		links = append(links, browser.Text(code))
	}
	wantLinks := []string{"https://scopetrail.example.com/invite/tok-inv-1", "https://scopetrail.example.com/invite/tok-inv-2"}
	if diff := cmp.Diff(wantLinks, links); diff != "" {
		t.Errorf("links to copy (-want +got):\n%s", diff)
	}
	wantRows := [][]string{
		{"grace@example.com", "sent", "New link", "Withdraw"},
		{"ada@example.com", "sent", "New link", "Withdraw"},
		{"old@example.com", "accepted"},
	}
	if diff := cmp.Diff(wantRows, invitationRows(r)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}

	r = d.post("/admin/invitations", url.Values{"email": {"ada@example.com"}})
	if got := r.TextOf(t, "#skipped"); !strings.Contains(got, "ada@example.com") {
		t.Errorf("#skipped = %q, want ada", got)
	}
	r = d.post("/admin/invitations/inv-1/withdraw", nil)
	d.expectStatus(r, http.StatusSeeOther)
	r = d.get(r.Location())
	wantRows[1] = []string{"ada@example.com", "withdrawn"}
	if diff := cmp.Diff(wantRows, invitationRows(r)); diff != "" {
		t.Errorf("rows after withdrawal (-want +got):\n%s", diff)
	}
	r = d.post("/admin/invitations/inv-2/renew", nil)
	d.expectStatus(r, http.StatusOK)
	if code := r.Find("#issued-inv-2 code.link"); code == nil || browser.Text(code) != wantLinks[1] {
		t.Errorf("renewing does not show the new link")
	}

	errorCases := []struct {
		path string
		form url.Values
		want int
	}{
		{"/admin/invitations", url.Values{}, http.StatusBadRequest},
		{"/admin/invitations", url.Values{"email": {"not-an-address"}}, http.StatusBadRequest},
		{"/admin/invitations/inv-1/withdraw", nil, http.StatusConflict},
		{"/admin/invitations/missing/renew", nil, http.StatusNotFound},
	}
	for _, c := range errorCases {
		if r := d.post(c.path, c.form); r.StatusCode != c.want {
			t.Errorf("POST %s %v: %d, want %d", c.path, c.form, r.StatusCode, c.want)
		}
	}
}

func TestInvitationsWithSMTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sendErr string
		sent    bool
	}{
		{"sent", "", true},
		{"send failed", "dial tcp: connection refused", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDirectoryHarness(t)
			d.invites.mailing, d.invites.sendErr = true, tt.sendErr
			d.signIn(alice)
			r := d.post("/admin/invitations", url.Values{"email": {"ada@example.com"}})
			d.expectStatus(r, http.StatusOK)
			if r.Find("#no-smtp") != nil {
				t.Error("the page says there is no mail server")
			}
			if got := r.Find("#issued-inv-1 .sent") != nil; got != tt.sent {
				t.Errorf("shown as sent: %v, want %v", got, tt.sent)
			}
			if got := r.Find("#issued-inv-1 code.link") != nil; got == tt.sent {
				t.Errorf("link shown to copy: %v, want %v", got, !tt.sent)
			}
			if got := invitationRows(r); !cmp.Equal(got, [][]string{{"ada@example.com", "sent", "Send again", "Withdraw"}}) {
				t.Errorf("rows = %q", got)
			}
		})
	}
}

func TestInvitationWelcome(t *testing.T) {
	t.Parallel()
	d := newDirectoryHarness(t)
	exp := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for id, st := range map[string]invite.Status{"inv-ok": invite.StatusPending, "inv-exp": invite.StatusExpired,
		"inv-wd": invite.StatusWithdrawn, "inv-used": invite.StatusAccepted} {
		d.invites.put(invite.Invitation{ID: id, Email: "zoe@example.com", InvitedByEmail: alice.Email, Status: st, ExpiresAt: exp})
	}
	tests := []struct {
		token string
		want  int
	}{
		{"tok-inv-ok", http.StatusOK},
		{"tok-inv-exp", http.StatusGone},
		{"tok-inv-wd", http.StatusGone},
		{"tok-inv-used", http.StatusGone},
		{"tok-nothing", http.StatusNotFound},
	}
	for _, tt := range tests {
		r := d.get("/invite/" + tt.token)
		if r.StatusCode != tt.want {
			t.Errorf("GET /invite/%s: %d, want %d", tt.token, r.StatusCode, tt.want)
		}
		if strings.Contains(d.logs.String(), tt.token) {
			t.Errorf("the log holds the token %s:\n%s", tt.token, d.logs.String())
		}
	}
	r := d.get("/invite/tok-inv-ok")
	if r.Find(`#welcome form[action="/auth/signin"] input[name=csrf_token]`) == nil {
		t.Error("the invitation page has no sign-in form")
	}
	if got := r.TextOf(t, "#welcome .email"); got != "zoe@example.com" {
		t.Errorf("invited email shown = %q", got)
	}
	// Signing in from the invitation asks Google for the invited account,
	// which its account chooser then preselects.
	to, err := url.Parse(d.browser.Submit(r, `#welcome form[action="/auth/signin"]`, nil).Location())
	if err != nil {
		t.Fatalf("signing in from the invitation: %v", err)
	}
	if got := to.Query().Get("login_hint"); got != "zoe@example.com" {
		t.Errorf("signing in from the invitation sends Google login_hint %q, want zoe@example.com (%s)", got, to)
	}
}
