package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes/report"
)

// PrivilegeReport builds the least-privilege report. report.Builder
// satisfies it.
type PrivilegeReport interface {
	Build(ctx context.Context) (report.Report, error)
}

// reportPage is what the least-privilege report page shows.
type reportPage struct {
	report.Report
	emails map[string]string
}

// Who names a user by email, or by id when the user is gone.
func (p reportPage) Who(userID string) string {
	if e, ok := p.emails[userID]; ok {
		return e
	}
	return userID
}

// Anchor turns a scope's short name into a page anchor without dots, as
// "scope-drive-readonly".
func (reportPage) Anchor(short string) string { return "scope-" + strings.ReplaceAll(short, ".", "-") }

// privilegeReport shows, for each scope, who holds it, how it was used,
// the grants nobody uses, the redundant ones and the narrower alternative.
func (s *Server) privilegeReport(c echo.Context) error {
	ctx := c.Request().Context()
	rep, err := s.deps.Report.Build(ctx)
	if err != nil {
		return fmt.Errorf("building the least-privilege report: %w", err)
	}
	users, err := s.deps.Users.Users(ctx)
	if err != nil {
		return fmt.Errorf("listing users: %w", err)
	}
	page := reportPage{Report: rep, emails: make(map[string]string, len(users))}
	for _, u := range users {
		page.emails[u.ID] = u.Email
	}
	return s.render(c, http.StatusOK, "report", page)
}
