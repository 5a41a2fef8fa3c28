package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// Reasons recorded for revocations made in the browser.
const (
	reasonSelf  = "revoked by the user"
	reasonAdmin = "revoked by an admin"
)

// revokeRoutes registers revoking access, the member's own and any user's by
// an admin, and the admin's access page that suspends and resumes scopes.
func (s *Server) revokeRoutes(app *echo.Group, member, admin echo.MiddlewareFunc) {
	app.GET("/revoke", s.revokeConfirm, member)
	app.POST("/revoke", s.revokeSelf, member)
	app.GET("/admin/users/:id/revoke", s.revokeUserConfirm, member, admin)
	app.POST("/admin/users/:id/revoke", s.revokeUser, member, admin)
	app.POST("/admin/users/:id/readmit", s.readmit, member, admin)
	app.POST("/dashboard/drop", s.dropScope, member)
	app.GET("/admin/access", s.access, member, admin)
	app.POST("/admin/access/:id/suspend", s.suspendScope, member, admin)
	app.POST("/admin/access/:id/resume", s.resumeScope, member, admin)
	s.featureSwitchRoutes(app, member)
}

// revokePage asks to confirm a revocation.
type revokePage struct {
	// Self is true when users revoke their own access.
	Self   bool
	Target identity.User
	// Action is where the confirmation form posts.
	Action string
}

// revokeDonePage says what a revocation did.
type revokeDonePage struct {
	Self   bool
	Target identity.User
	Report revoke.Report
	// Failed is true when a step failed after the grant was revoked: the
	// revocation holds, and running it again completes it.
	Failed bool
}

// revokeConfirm asks members to confirm revoking their own access.
func (s *Server) revokeConfirm(c echo.Context) error {
	me, _ := currentUser(c)
	return s.render(c, http.StatusOK, "revoke", revokePage{Self: true, Target: me, Action: "/revoke"})
}

// revokeSelf revokes the signed-in user's access, which signs them out.
func (s *Server) revokeSelf(c echo.Context) error {
	me, _ := currentUser(c)
	return s.revokeAccess(c, me, me, reasonSelf)
}

// revokeUserConfirm asks an admin to confirm revoking a user's access.
func (s *Server) revokeUserConfirm(c echo.Context) error {
	me, _ := currentUser(c)
	target, err := s.findUser(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "revoke",
		revokePage{Self: target.ID == me.ID, Target: target, Action: "/admin/users/" + target.ID + "/revoke"})
}

// revokeUser revokes a user's access for an admin, with the optional reason
// the admin gave.
func (s *Server) revokeUser(c echo.Context) error {
	me, _ := currentUser(c)
	target, err := s.findUser(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	reason := reasonAdmin
	if why := strings.TrimSpace(c.FormValue("reason")); why != "" {
		reason += ": " + why
	}
	return s.revokeAccess(c, me, target, reason)
}

// revokeAccess revokes target's access for me and shows what was done. A
// user who revoked their own access is signed out of this browser too, as
// the revocation ended their sessions.
func (s *Server) revokeAccess(c echo.Context, me, target identity.User, reason string) error {
	rep, err := s.deps.Revocations.Revoke(c.Request().Context(), target.ID, revoke.Actor{ID: me.ID, Email: me.Email}, reason)
	if err != nil {
		if rep.Google == "" {
			// Revoke stopped before anything was revoked.
			return fmt.Errorf("revoking the access of %s: %w", target.ID, err)
		}
		s.log.Error("revocation incomplete", "user", target.ID, "err", err)
	}
	page := revokeDonePage{Self: me.ID == target.ID, Target: target, Report: rep, Failed: err != nil}
	if page.Self {
		sess := sessionOf(c)
		sess.del(keySessionID)
		renewCSRF(sess)
		c.Set(ctxUser, nil)
	}
	return s.render(c, http.StatusOK, "revoke_done", page)
}

// findUser returns the user with an id, or an error wrapping
// identity.ErrNotFound.
func (s *Server) findUser(ctx context.Context, id string) (identity.User, error) {
	users, err := s.deps.Users.Users(ctx)
	if err != nil {
		return identity.User{}, fmt.Errorf("listing users: %w", err)
	}
	for _, u := range users {
		if u.ID == id {
			return u, nil
		}
	}
	return identity.User{}, fmt.Errorf("user %q: %w", id, identity.ErrNotFound)
}

// emailOf names a user by email in a confirmation, or by id when the user
// cannot be read.
func (s *Server) emailOf(ctx context.Context, id string) string {
	if u, err := s.findUser(ctx, id); err == nil {
		return u.Email
	}
	return id
}
