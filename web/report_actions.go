package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/revoke"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/report"
)

// reportRoutes registers the report's exports, open to reviewers and
// admins, and its actions, open to admins.
func (s *Server) reportRoutes(g *echo.Group, member echo.MiddlewareFunc) {
	reviewer := requireRole(identity.RoleReviewer, identity.RoleAdmin)
	admin := requireRole(identity.RoleAdmin)
	g.GET("/report.csv", func(c echo.Context) error { return s.reportExport(c, "csv") }, member, reviewer)
	g.GET("/report.json", func(c echo.Context) error { return s.reportExport(c, "json") }, member, reviewer)
	g.POST("/report/ask", s.reportAsk, member, admin)
	if s.deps.Revocations != nil {
		g.POST("/report/suspend", s.reportSuspend, member, admin)
	}
}

// reportTarget reads the user and the scope a report action names, and
// checks that both exist.
func (s *Server) reportTarget(c echo.Context) (identity.User, scopes.Scope, error) {
	name := c.FormValue("scope")
	i := slices.IndexFunc(scopes.All(), func(s scopes.Scope) bool {
		return (s.Name == name || s.Short == name) && !slices.Contains(s.Purposes, scopes.PurposeSignIn)
	})
	if i < 0 {
		return identity.User{}, scopes.Scope{}, invalidf("There is no scope %q to narrow.", name)
	}
	sc := scopes.All()[i]
	u, err := s.findUser(c.Request().Context(), c.FormValue("user"))
	return u, sc, err
}

// reportSuspend suspends a grant the report found unused, and goes back
// to the unused grants with a confirmation.
func (s *Server) reportSuspend(c echo.Context) error {
	target, sc, err := s.reportTarget(c)
	if err != nil {
		return err
	}
	me, _ := currentUser(c)
	err = s.deps.Revocations.Suspend(c.Request().Context(), target.ID, sc.Name, revoke.Actor{ID: me.ID, Email: me.Email},
		"unused for 30 days (least-privilege report)")
	switch {
	case errors.Is(err, grant.ErrNotFound), errors.Is(err, grant.ErrScopeNotGranted):
		setFlash(c, "warn", fmt.Sprintf("%s no longer holds %s: nothing was suspended.", target.Email, sc.Short))
	case err != nil:
		return fmt.Errorf("suspending %s for %s: %w", sc.Short, target.ID, err)
	default:
		setFlash(c, "ok", fmt.Sprintf("%s is suspended for %s. Lift it on the Access page if they need it again.", sc.Short, target.Email))
	}
	return c.Redirect(http.StatusSeeOther, "/report#unused")
}

// reportAsk records a request that a user narrow a grant; the user sees
// it on their page.
func (s *Server) reportAsk(c echo.Context) error {
	target, sc, err := s.reportTarget(c)
	if err != nil {
		return err
	}
	me, _ := currentUser(c)
	err = s.deps.Report.Ask(c.Request().Context(), report.Request{ByID: me.ID, ByEmail: me.Email, UserID: target.ID,
		Scope: sc.Name, Note: c.FormValue("note")})
	if errors.Is(err, report.ErrNoRequests) {
		setFlash(c, "bad", "Requests to narrow are not kept on this server: nothing was sent.")
		return c.Redirect(http.StatusSeeOther, "/report")
	}
	if err != nil {
		return fmt.Errorf("asking %s to narrow %s: %w", target.ID, sc.Short, err)
	}
	setFlash(c, "ok", fmt.Sprintf("Asked %s to narrow %s. The request is in the audit trail and on their page.", target.Email, sc.Short))
	back := "/report#redundant"
	if c.FormValue("from") == "unused" {
		back = "/report#unused"
	}
	return c.Redirect(http.StatusSeeOther, back)
}
