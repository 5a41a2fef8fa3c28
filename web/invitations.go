package web

import (
	"context"
	"fmt"
	"net/http"

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
	Skipped     []string
	Invitations []invite.Invitation
}

// welcomePage is what an invitee sees on opening their link.
type welcomePage struct {
	Invitation invite.Invitation
}

// invitationsList shows every invitation.
func (s *Server) invitationsList(c echo.Context) error {
	return s.renderInvitations(c, invitationsPage{})
}

// invitationsCreate invites the addresses ticked on the directory page and
// shows the invitations, with the new links when they are not emailed.
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
	b, err := s.deps.Invitations.Invite(c.Request().Context(), u, emails)
	if err != nil {
		return fmt.Errorf("inviting %d addresses: %w", len(emails), err)
	}
	return s.renderInvitations(c, invitationsPage{Issued: b.Issued, Skipped: b.Skipped})
}

// invitationRenew gives an invitation a new link, and sends it or shows it.
func (s *Server) invitationRenew(c echo.Context) error {
	u, _ := currentUser(c)
	iss, err := s.deps.Invitations.Renew(c.Request().Context(), u, c.Param("id"))
	if err != nil {
		return fmt.Errorf("renewing invitation: %w", err)
	}
	return s.renderInvitations(c, invitationsPage{Issued: []invite.Issued{iss}})
}

// invitationWithdraw withdraws an invitation.
func (s *Server) invitationWithdraw(c echo.Context) error {
	u, _ := currentUser(c)
	if err := s.deps.Invitations.Withdraw(c.Request().Context(), u, c.Param("id")); err != nil {
		return fmt.Errorf("withdrawing invitation: %w", err)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/invitations")
}

// renderInvitations renders the invitations page around page's links.
func (s *Server) renderInvitations(c echo.Context, page invitationsPage) error {
	list, err := s.deps.Invitations.List(c.Request().Context())
	if err != nil {
		return fmt.Errorf("listing invitations: %w", err)
	}
	page.Mailing, page.Invitations = s.deps.Invitations.Mailing(), list
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
