package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes/identity"
)

// usersPage is what the admin's users page shows.
type usersPage struct {
	Users []identity.User
	Roles []identity.Role
}

// users lists every user with a form to change their role.
func (s *Server) users(c echo.Context) error {
	list, err := s.deps.Users.Users(c.Request().Context())
	if err != nil {
		return fmt.Errorf("listing users: %w", err)
	}
	return s.render(c, http.StatusOK, "users", usersPage{Users: list, Roles: identity.Roles})
}

// setRole changes a user's role, which the audit trail records with the
// admin as actor and the user as subject. Admins cannot change their own
// role, so that the last admin cannot lock everyone out by mistake.
func (s *Server) setRole(c echo.Context) error {
	me, _ := currentUser(c)
	id := c.Param("id")
	role := identity.Role(c.FormValue("role"))
	if !role.Valid() {
		return invalidf("Choose one of the roles offered: admin, member or reviewer.")
	}
	if id == me.ID {
		return invalidf("You cannot change your own role. Ask another admin to do it.")
	}
	if err := s.deps.Users.ChangeRole(c.Request().Context(), id, role, me); err != nil {
		return fmt.Errorf("setting role of user %s: %w", id, err)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}
