package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/report"
)

// PrivilegeReport builds the least-privilege report and the usage charts,
// and records the reviewers' requests to narrow a grant. report.Builder
// satisfies it.
type PrivilegeReport interface {
	Build(ctx context.Context) (report.Report, error)
	// Chart returns the daily figures of a user, everyone's when userID
	// is empty, over the last days days.
	Chart(ctx context.Context, userID string, days int) (report.Chart, error)
	// Ask records a request that a user narrow a grant, in the audit
	// trail; it returns report.ErrNoRequests when requests are not kept.
	Ask(ctx context.Context, r report.Request) error
	// Requests returns the recent requests made to a user, newest first.
	Requests(ctx context.Context, userID string) ([]report.Request, error)
}

// reportPage is what the least-privilege report page shows.
type reportPage struct {
	report.Report
	Summary report.Summary
	Chart   usageChart
	// CanAct is true when the reader is an admin who may suspend grants
	// and ask users to narrow them.
	CanAct bool
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

// AuditURL links to the audit entries of a scope, and of a user and a
// method when they are not empty, over the last days days (every entry
// when 0): the entries a figure of the report counts.
func (reportPage) AuditURL(scope, userID, method string, days int) string {
	since := ""
	if days > 0 {
		since = strconv.Itoa(days*24) + "h"
	}
	return auditURL(scope, userID, method, since)
}

// auditURL links to the audit log filtered by scope, user, method and
// since, those not empty.
func auditURL(scope, userID, method, since string) string {
	q := url.Values{}
	for k, v := range map[string]string{"scope": shortName(scope), "user": userID, "method": method, "since": since} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return "/audit?" + q.Encode()
}

// Ago says how long before the report a time was, as "1 minute ago".
func (p reportPage) Ago(t time.Time) string { return ago(p.Time, t) }

// ago says how long before now t was, in words, rounded down.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int64(d/time.Minute), "minute") + " ago"
	case d < 48*time.Hour:
		return plural(int64(d/time.Hour), "hour") + " ago"
	default:
		return plural(int64(d/(24*time.Hour)), "day") + " ago"
	}
}

// LostWhy explains why a user who used a scope no longer holds it, to end
// "6 uses before …".
func (reportPage) LostWhy(why report.Lost) string {
	switch why {
	case report.LostRevoked:
		return "the grant was revoked"
	case report.LostSuspended:
		return "the scope was suspended"
	case report.LostReconnect:
		return "the grant needed the account linked again"
	case report.LostDropped:
		return "the scope left the user's grant"
	default:
		return "the user's grant was removed"
	}
}

// FormerUses sums the uses of the last 30 days by users who no longer
// hold the scope.
func (reportPage) FormerUses(s report.Scope) int64 {
	var n int64
	for _, f := range s.Former {
		n += f.Uses30
	}
	return n
}

// privilegeReport shows the summary of the findings, the usage chart and,
// for each scope, who holds it, how it was used, the grants nobody uses,
// the redundant ones and the narrower alternative. With ?format=csv or
// json it exports the report instead.
func (s *Server) privilegeReport(c echo.Context) error {
	switch c.QueryParam("format") {
	case "csv":
		return s.reportExport(c, "csv")
	case "json":
		return s.reportExport(c, "json")
	}
	ctx := c.Request().Context()
	rep, emails, err := s.buildReport(ctx)
	if err != nil {
		return err
	}
	days := chartDays(c.QueryParam("days"))
	chart, _, err := s.usageChart(ctx, "", "everyone", days, func(n int) string { return "/report?days=" + strconv.Itoa(n) + "#usage" })
	if err != nil {
		return err
	}
	me, _ := currentUser(c)
	page := reportPage{Report: rep, Summary: rep.Summary(), Chart: chart, emails: emails,
		CanAct: s.deps.Revocations != nil && me.Role == identity.RoleAdmin}
	return s.render(c, http.StatusOK, "report", page)
}

// buildReport builds the report, with every user's email by id.
func (s *Server) buildReport(ctx context.Context) (report.Report, map[string]string, error) {
	rep, err := s.deps.Report.Build(ctx)
	if err != nil {
		return report.Report{}, nil, fmt.Errorf("building the least-privilege report: %w", err)
	}
	users, err := s.deps.Users.Users(ctx)
	if err != nil {
		return report.Report{}, nil, fmt.Errorf("listing users: %w", err)
	}
	emails := make(map[string]string, len(users))
	for _, u := range users {
		emails[u.ID] = u.Email
	}
	return rep, emails, nil
}

// usageChart builds the usage chart of a user, everyone's for "", named
// caption, over days days; it also returns the figures it drew.
func (s *Server) usageChart(ctx context.Context, userID, caption string, days int, rangeURL func(int) string) (usageChart, report.Chart, error) {
	fig, err := s.deps.Report.Chart(ctx, userID, days)
	if err != nil {
		return usageChart{}, report.Chart{}, fmt.Errorf("reading the usage chart: %w", err)
	}
	return newUsageChart("usage", caption, fig.Daily, chartScopes(), fig.Time, days, rangeURL), fig, nil
}

// chartScopes are the short names of the scopes a chart stacks, in the
// registry's order: every scope but the sign-in ones.
func chartScopes() []string {
	var out []string
	for _, sc := range scopes.All() {
		if !slices.Contains(sc.Purposes, scopes.PurposeSignIn) {
			out = append(out, sc.Short)
		}
	}
	return out
}

// reportExport writes the report as CSV or JSON, as a download.
func (s *Server) reportExport(c echo.Context, format string) error {
	ctx := c.Request().Context()
	rep, emails, err := s.buildReport(ctx)
	if err != nil {
		return err
	}
	email := func(id string) string { return emails[id] }
	name := "least-privilege-" + rep.Time.UTC().Format("20060102-1504") + "." + format
	w := c.Response()
	w.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	if format == "csv" {
		w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		return rep.WriteCSV(w, email)
	}
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSONCharsetUTF8)
	w.WriteHeader(http.StatusOK)
	return rep.WriteJSON(w, email)
}
