package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// accessRow is one user on the access page.
type accessRow struct {
	User identity.User
	// Status is the grant's status, "" when the user never granted a scope.
	Status grant.Status
	Reason string
	// Scopes are the granted scopes that can be suspended, and those
	// suspended, each with its status.
	Scopes []scopeStatus
	// Pending is the user's revocation Google has not confirmed yet.
	Pending *revoke.Pending
}

// accessPage is what the admin's access page shows.
type accessPage struct {
	Rows []accessRow
	// MaxNote bounds the reason typed for a suspension or resumption.
	MaxNote int
}

// access lists every user with their grant and a button to suspend or
// resume each of their scopes.
func (s *Server) access(c echo.Context) error {
	ctx := c.Request().Context()
	me, _ := currentUser(c)
	users, err := s.deps.Users.Users(ctx)
	if err != nil {
		return fmt.Errorf("listing users: %w", err)
	}
	pending, err := s.deps.Revocations.Pending(ctx)
	if err != nil {
		return fmt.Errorf("listing pending revocations: %w", err)
	}
	page := accessPage{MaxNote: revoke.MaxNote}
	for _, u := range users {
		row, err := s.accessRow(ctx, u, me.ID)
		if err != nil {
			return err
		}
		for i := range pending {
			if pending[i].UserID == u.ID {
				row.Pending = &pending[i]
			}
		}
		page.Rows = append(page.Rows, row)
	}
	return s.render(c, http.StatusOK, "suspend", page)
}

// accessRow works out one user's row of the access page, for viewerID.
func (s *Server) accessRow(ctx context.Context, u identity.User, viewerID string) (accessRow, error) {
	row := accessRow{User: u}
	v, err := s.readGrant(ctx, u.ID)
	if err != nil || !v.Found {
		return row, err
	}
	row.Status, row.Reason = v.Grant.Status, v.Grant.Reason
	for _, sc := range scopes.All() {
		if revoke.Suspendable(sc) && (v.Grant.Has(sc.Name) || v.Grant.IsSuspended(sc.Name)) {
			row.Scopes = append(row.Scopes, v.status(sc.Name, viewerID))
		}
	}
	return row, nil
}

// suspendScope suspends the scope named in the form for a user.
func (s *Server) suspendScope(c echo.Context) error {
	return s.changeScope(c, "Suspended", s.deps.Revocations.Suspend)
}

// resumeScope lifts the suspension of the scope named in the form.
func (s *Server) resumeScope(c echo.Context) error {
	return s.changeScope(c, "Resumed", s.deps.Revocations.Resume)
}

// changeScope suspends or resumes a scope of the user in the path, with the
// reason the admin typed, and goes back to their row of the access page,
// which says what was done (done is "Suspended" or "Resumed").
func (s *Server) changeScope(c echo.Context, done string, change func(ctx context.Context, userID, scope string, by revoke.Actor, reason string) error) error {
	me, _ := currentUser(c)
	id := c.Param("id")
	reason := c.FormValue("reason")
	if utf8.RuneCountInString(reason) > revoke.MaxNote {
		return invalidf("The reason is too long: write at most %d characters.", revoke.MaxNote)
	}
	if err := change(c.Request().Context(), id, c.FormValue("scope"), revoke.Actor{ID: me.ID, Email: me.Email}, reason); err != nil {
		return fmt.Errorf("changing a scope of %s: %w", id, err)
	}
	name, _ := revoke.LookupScope(c.FormValue("scope"))
	setFlash(c, "ok", fmt.Sprintf("%s %s for %s.", done, shortName(name), s.emailOf(c.Request().Context(), id)))
	return c.Redirect(http.StatusSeeOther, "/admin/access#user-"+url.QueryEscape(id))
}
