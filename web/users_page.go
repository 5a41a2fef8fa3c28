package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/report"
)

// A user's page, /users/{id}: their status, role, scopes and the last use
// of each, their usage chart, the requests to narrow made to them and a
// link to their audit entries. Admins and reviewers may read anyone's;
// members only their own, at /users/me.

// userScope is one scope on a user's page.
type userScope struct {
	Short string
	// Status is "granted", "suspended" or "revoked" (the whole grant).
	Status    string
	GrantedAt time.Time
	LastUse   time.Time
}

// userPage is what a user's page shows.
type userPage struct {
	User identity.User
	// Self is true on the reader's own page.
	Self bool
	// GrantStatus is the grant's status, "" when the user never granted a
	// feature scope; GrantReason says why it is not active.
	GrantStatus grant.Status
	GrantReason string
	Scopes      []userScope
	// Chart is the user's usage chart; nil without a report.
	Chart *usageChart
	// Requests are the open requests to narrow a grant made to the user.
	Requests []report.Request
	// AuditURL lists the user's audit entries, "" when the reader may not
	// read the audit log.
	AuditURL string
	// Now is when the page was made.
	Now time.Time
}

// Ago says how long before the page a time was.
func (p userPage) Ago(t time.Time) string { return ago(p.Now, t) }

// userRoutes registers the users' pages.
func (s *Server) userRoutes(g *echo.Group, member echo.MiddlewareFunc) {
	g.GET("/users/me", s.userMe, member)
	g.GET("/users/:id", s.userShow, member)
}

// userMe sends the reader to their own page.
func (s *Server) userMe(c echo.Context) error {
	me, _ := currentUser(c)
	return c.Redirect(http.StatusSeeOther, "/users/"+url.PathEscape(me.ID))
}

// userShow shows a user's page to themself, an admin or a reviewer.
func (s *Server) userShow(c echo.Context) error {
	me, _ := currentUser(c)
	id := c.Param("id")
	reviewer := me.Role == identity.RoleAdmin || me.Role == identity.RoleReviewer
	if id != me.ID && !reviewer {
		return errForbidden
	}
	ctx := c.Request().Context()
	target, err := s.findUser(ctx, id)
	if err != nil {
		return err
	}
	page := userPage{User: target, Self: id == me.ID, Now: s.cfg.Now().UTC()}
	if reviewer && s.deps.Audit != nil {
		page.AuditURL = "/audit?" + url.Values{"user": {id}}.Encode()
	}
	g, err := s.deps.Grants.Get(ctx, id)
	if err != nil && !errors.Is(err, grant.ErrNotFound) {
		return fmt.Errorf("reading the grant of %s: %w", id, err)
	}
	if err == nil {
		page.GrantStatus, page.GrantReason = g.Status, g.Reason
	}
	var last map[string]time.Time
	if s.deps.Report != nil {
		days := chartDays(c.QueryParam("days"))
		base := "/users/" + url.PathEscape(id)
		chart, fig, err := s.usageChart(ctx, id, target.Email, days, func(n int) string { return fmt.Sprintf("%s?days=%d#usage", base, n) })
		if err != nil {
			return err
		}
		page.Chart, page.Now, last = &chart, fig.Time, fig.LastUse
		if page.Requests, err = s.openRequests(ctx, id, g); err != nil {
			return err
		}
	}
	page.Scopes = userScopes(g, last)
	return s.render(c, http.StatusOK, "user", page)
}

// openRequests are the requests to narrow made to a user about scopes
// their grant still holds, usable: the others are done.
func (s *Server) openRequests(ctx context.Context, id string, g grant.Grant) ([]report.Request, error) {
	all, err := s.deps.Report.Requests(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("reading the requests made to %s: %w", id, err)
	}
	var out []report.Request
	for _, r := range all {
		if g.Usable(r.Scope) {
			out = append(out, r)
		}
	}
	return out, nil
}

// userScopes lists the feature scopes a grant holds, or held, with their
// status and last use, in the registry's order.
func userScopes(g grant.Grant, last map[string]time.Time) []userScope {
	var out []userScope
	for _, sc := range scopes.All() {
		if slices.Contains(sc.Purposes, scopes.PurposeSignIn) || (!g.Has(sc.Name) && !g.IsSuspended(sc.Name)) {
			continue
		}
		u := userScope{Short: sc.Short, Status: "granted", LastUse: last[sc.Name]}
		switch {
		case g.Status == grant.StatusRevoked:
			u.Status = "revoked"
		case g.IsSuspended(sc.Name):
			u.Status = "suspended"
		}
		for _, sg := range g.Granted {
			if sg.Scope == sc.Name {
				u.GrantedAt = sg.GrantedAt
			}
		}
		out = append(out, u)
	}
	return out
}
