package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/invite"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// Invitations issues, lists and withdraws invitations; signing in accepts
// them (googleauth).
// *invite.Service satisfies it.
type Invitations interface {
	// Invite invites each address, skipping those already invited. It
	// returns an error wrapping invite.ErrInvalidEmail or ErrTooMany before
	// inviting anyone.
	Invite(ctx context.Context, by identity.User, emails []string) (invite.Batch, error)
	// Renew gives an invitation a new link; errors wrap invite.ErrNotFound
	// or ErrNotPending.
	Renew(ctx context.Context, by identity.User, id string) (invite.Issued, error)
	// Withdraw withdraws an invitation; errors wrap invite.ErrNotFound or
	// ErrNotPending.
	Withdraw(ctx context.Context, by identity.User, id string) error
	// List returns every invitation, newest first.
	List(ctx context.Context) ([]invite.Invitation, error)
	// Check returns the invitation of a link that can still be accepted;
	// errors wrap invite.ErrNotFound, ErrExpired, ErrWithdrawn or
	// ErrAccepted.
	Check(ctx context.Context, token string) (invite.Invitation, error)
	// Mailing reports whether invitations are sent by email.
	Mailing() bool
}

// emailField names the directory page's checkboxes.
const emailField = "email"

// invitationsPage is what the invitations page shows.
type invitationsPage struct {
	// Mailing reports whether invitations go out by email; without it the
	// admin copies each link.
	Mailing bool
	// Issued are the invitations just issued or given a new link, with
	// their links, which are shown only this once.
	Issued []invite.Issued
	// Skipped are addresses that already had a pending invitation.
	Skipped []string
	// Users are addresses not invited because they are users already.
	Users       []string
	Invitations []invitationRow
}

// invitationRow is one invitation of the list, with its state in the
// admin's words.
type invitationRow struct {
	invite.Invitation
}

// State is the invitation's state as the page names it: "sent" while it
// can be accepted, then "accepted", "expired" or "withdrawn".
func (r invitationRow) State() string {
	if r.Status == invite.StatusPending {
		return "sent"
	}
	return string(r.Status)
}

// Open reports whether the invitation can still be withdrawn or given a
// new link.
func (r invitationRow) Open() bool {
	return r.Status == invite.StatusPending || r.Status == invite.StatusExpired
}

// welcomePage is what an invitee sees on opening their link.
type welcomePage struct {
	Invitation invite.Invitation
}

// invitationsList shows every invitation.
func (s *Server) invitationsList(c echo.Context) error {
	return s.renderInvitations(c, invitationsPage{})
}

// invitationsCreate invites the addresses ticked on the directory page,
// except those of users, and shows the invitations, with the new links
// when they are not emailed.
func (s *Server) invitationsCreate(c echo.Context) error {
	u, _ := currentUser(c)
	form, err := c.FormParams()
	if err != nil {
		return invalidf("The form could not be read. Go back and try again.")
	}
	emails := form[emailField]
	if len(emails) == 0 {
		return invalidf("Tick at least one colleague to invite.")
	}
	users, err := s.usersByEmail(c.Request().Context())
	if err != nil {
		return err
	}
	var page invitationsPage
	var others []string
	for _, e := range emails {
		if key := strings.ToLower(strings.TrimSpace(e)); users[key].ID != "" {
			page.Users = append(page.Users, key)
		} else {
			others = append(others, e)
		}
	}
	if len(others) > 0 {
		b, err := s.deps.Invitations.Invite(c.Request().Context(), u, others)
		if err != nil {
			return fmt.Errorf("inviting %d addresses: %w", len(others), err)
		}
		page.Issued, page.Skipped = b.Issued, b.Skipped
	}
	kind, text := inviteFlash(page.Issued, s.deps.Invitations.Mailing())
	setFlash(c, kind, text)
	return s.renderInvitations(c, page)
}

// inviteFlash says how many invitations were just issued and how they
// go out.
func inviteFlash(issued []invite.Issued, mailing bool) (kind, text string) {
	failed := 0
	for _, iss := range issued {
		if iss.SendError != "" {
			failed++
		}
	}
	n := len(issued)
	switch {
	case n == 0:
		return "warn", "Nobody was invited."
	case mailing && failed > 0:
		return "warn", fmt.Sprintf("%s issued, but %d could not be emailed: copy their links below and send them yourself.", invitationCount(n), failed)
	case mailing:
		return "ok", invitationCount(n) + " issued and sent by email."
	}
	return "ok", invitationCount(n) + " issued: copy the links below and send them."
}

// invitationCount says "1 invitation" or "3 invitations".
func invitationCount(n int) string {
	if n == 1 {
		return "1 invitation"
	}
	return fmt.Sprintf("%d invitations", n)
}

// invitationRenew gives an invitation a new link, and sends it or shows it.
func (s *Server) invitationRenew(c echo.Context) error {
	u, _ := currentUser(c)
	iss, err := s.deps.Invitations.Renew(c.Request().Context(), u, c.Param("id"))
	if err != nil {
		return fmt.Errorf("renewing invitation: %w", err)
	}
	if s.deps.Invitations.Mailing() {
		setFlash(c, "ok", "A new link was sent to "+iss.Email+"; the old one no longer works.")
	} else {
		setFlash(c, "ok", "A new link for "+iss.Email+" is below; the old one no longer works.")
	}
	return s.renderInvitations(c, invitationsPage{Issued: []invite.Issued{iss}})
}

// invitationWithdraw withdraws an invitation, which the page asked the
// admin to confirm.
func (s *Server) invitationWithdraw(c echo.Context) error {
	u, _ := currentUser(c)
	ctx := c.Request().Context()
	id := c.Param("id")
	if err := s.deps.Invitations.Withdraw(ctx, u, id); err != nil {
		return fmt.Errorf("withdrawing invitation: %w", err)
	}
	text := "The invitation is withdrawn; its link no longer works."
	if list, err := s.deps.Invitations.List(ctx); err == nil {
		for _, inv := range list {
			if inv.ID == id {
				text = "The invitation to " + inv.Email + " is withdrawn; its link no longer works."
			}
		}
	}
	setFlash(c, "ok", text)
	return c.Redirect(http.StatusSeeOther, "/admin/invitations")
}

// renderInvitations renders the invitations page around page's links.
func (s *Server) renderInvitations(c echo.Context, page invitationsPage) error {
	list, err := s.deps.Invitations.List(c.Request().Context())
	if err != nil {
		return fmt.Errorf("listing invitations: %w", err)
	}
	page.Mailing = s.deps.Invitations.Mailing()
	for _, inv := range list {
		page.Invitations = append(page.Invitations, invitationRow{Invitation: inv})
	}
	return s.render(c, http.StatusOK, "invitations", page)
}

// invitationWelcome shows an invitee their invitation and a button that
// starts sign-in; signing in with the invited email accepts it. The token
// is taken out of the request's path first, so that the request log never
// holds it.
func (s *Server) invitationWelcome(c echo.Context) error {
	token := c.Param("token")
	c.Request().URL.Path, c.Request().URL.RawPath = "/invite/-", ""
	inv, err := s.deps.Invitations.Check(c.Request().Context(), token)
	if err != nil {
		return fmt.Errorf("opening an invitation link: %w", err)
	}
	sessionOf(c).set(keyInvitation, "opened")
	return s.render(c, http.StatusOK, "invitations_welcome", welcomePage{Invitation: inv})
}
