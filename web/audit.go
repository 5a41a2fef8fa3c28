package web

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// AuditLog is the audit trail as reviewers read it. *audit.Trail satisfies
// it.
type AuditLog interface {
	// Query returns one page of the entries that match a filter, with the
	// cursors of the pages before and after it; its errors wrap
	// audit.ErrBadCursor for a cursor it cannot read.
	Query(ctx context.Context, f audit.Filter) (audit.Page, error)
	// Export streams every entry that matches a filter, in constant memory.
	Export(ctx context.Context, w io.Writer, format audit.Format, f audit.Filter) error
	// Verify checks the whole chain against the checkpoints' public key.
	Verify(ctx context.Context, pub ed25519.PublicKey) (audit.Report, error)
	// Status checks the entries since the latest checkpoint, and says
	// whether appends are refused and when the next checkpoint is due.
	Status(ctx context.Context) (audit.Status, error)
	// PublicKey returns the key that verifies the checkpoints, nil when
	// none is configured.
	PublicKey() ed25519.PublicKey
}

// auditPageSize is how many entries one page of the audit log shows.
const auditPageSize = 50

// CanReview reports whether the signed-in user may read the audit log and
// the least-privilege report: reviewers and admins.
func (l layout) CanReview() bool {
	return l.User != nil && (l.User.Role == identity.RoleReviewer || l.User.Role == identity.RoleAdmin)
}

// reviewRoutes registers the reviewer's pages, open to reviewers and admins.
func (s *Server) reviewRoutes(g *echo.Group, member echo.MiddlewareFunc) {
	reviewer := requireRole(identity.RoleReviewer, identity.RoleAdmin)
	g.GET("/audit", s.auditLog, member, reviewer)
	g.GET("/audit/export.csv", s.auditExport(audit.FormatCSV), member, reviewer)
	g.GET("/audit/export.jsonl", s.auditExport(audit.FormatJSONL), member, reviewer)
	g.GET("/audit/chain", s.auditChain, member, reviewer)
	g.POST("/audit/chain/verify", s.auditChainVerify, member, reviewer)
	g.GET("/audit/pubkey.pem", s.auditPublicKey, member, reviewer)
	g.GET("/report", s.privilegeReport, member, reviewer)
}

// auditRow is one entry as the log shows it: people by email, not by id.
type auditRow struct {
	audit.Entry
	// Who is the actor's email, found among the users when the entry has
	// none, else their id.
	Who string
	// Whom is the subject's email, found the same way; "" without a
	// subject.
	Whom string
	// Shown is the resource, with a user's id replaced by their email.
	Shown string
}

// emails maps user ids to emails, to show people by email.
type emails map[string]string

// newEmails returns the emails of users by id.
func newEmails(users []identity.User) emails {
	m := make(emails, len(users))
	for _, u := range users {
		m[u.ID] = u.Email
	}
	return m
}

// name returns email, else the email of the user with this id, else id.
func (m emails) name(id, email string) string {
	switch {
	case email != "":
		return email
	case m[id] != "":
		return m[id]
	}
	return id
}

// row returns e as the log shows it.
func (m emails) row(e audit.Entry) auditRow {
	r := auditRow{Entry: e, Who: m.name(e.ActorID, e.ActorEmail), Shown: e.Resource}
	if e.SubjectID != "" || e.SubjectEmail != "" {
		r.Whom = m.name(e.SubjectID, e.SubjectEmail)
	}
	if email := m[e.Resource]; email != "" {
		r.Shown = email
	}
	return r
}

// auditPage is what the audit log page shows.
type auditPage struct {
	Form     auditForm
	Users    []identity.User
	Scopes   []scopes.Scope
	Purposes []scopes.Purpose
	Events   []audit.Event
	Outcomes []audit.Outcome
	Methods  []string
	Entries  []auditRow
	// Newer and Older link to the neighbouring pages, "" when there is
	// none; ExportCSV and ExportJSONL export every entry the filters match.
	Newer, Older, ExportCSV, ExportJSONL string
}

// auditLog shows the audit log, newest first, a page at a time, with
// filters. older and newer hold the cursors of the pages around the one
// shown, as audit.Query returns them.
func (s *Server) auditLog(c echo.Context) error {
	ctx := c.Request().Context()
	form := readAuditForm(c)
	users, err := s.deps.Users.Users(ctx)
	if err != nil {
		return fmt.Errorf("listing users: %w", err)
	}
	f, err := auditFilter(form, users)
	if err != nil {
		return err
	}
	f.Desc, f.Limit, f.Cursor, f.Prev = true, auditPageSize, c.QueryParam("older"), c.QueryParam("newer")
	p, err := s.deps.Audit.Query(ctx, f)
	if errors.Is(err, audit.ErrBadCursor) {
		return invalidf("That page link is not valid. Start again from the first page.")
	}
	if err != nil {
		return fmt.Errorf("reading the audit log: %w", err)
	}
	entries := p.Entries
	page := auditPage{Form: form, Users: users, Purposes: auditPurposes, Events: auditEvents, Outcomes: audit.Outcomes,
		Entries: make([]auditRow, len(entries))}
	for _, sc := range scopes.All() {
		if !slices.Contains(sc.Purposes, scopes.PurposeSignIn) {
			page.Scopes = append(page.Scopes, sc)
		}
	}
	for _, m := range scopes.Methods() {
		page.Methods = append(page.Methods, m.ID)
	}
	slices.Sort(page.Methods)
	names := newEmails(users)
	for i, e := range entries {
		page.Entries[i] = names.row(e)
	}
	q := form.query()
	link := func(key, cursor string) string {
		if cursor == "" {
			return ""
		}
		l := maps.Clone(q)
		l.Set(key, cursor)
		return "/audit?" + l.Encode()
	}
	page.Older, page.Newer = link("older", p.Next), link("newer", p.Prev)
	page.ExportCSV, page.ExportJSONL = "/audit/export.csv?"+q.Encode(), "/audit/export.jsonl?"+q.Encode()
	return s.render(c, http.StatusOK, "audit", page)
}

// auditExport streams every entry the filters match as an attachment, in
// seq order, in constant memory, named after the time range and the
// filters (exportName). A failure before the first bytes leave is
// an error page; a failure after them cuts the connection.
func (s *Server) auditExport(format audit.Format) echo.HandlerFunc {
	return func(c echo.Context) error {
		users, err := s.deps.Users.Users(c.Request().Context())
		if err != nil {
			return fmt.Errorf("listing users: %w", err)
		}
		f, err := auditFilter(readAuditForm(c), users)
		if err != nil {
			return err
		}
		f.Limit = audit.MaxLimit
		contentType := "text/csv; charset=utf-8"
		if format == audit.FormatJSONL {
			contentType = "application/x-ndjson"
		}
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, contentType)
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, exportName(f, newEmails(users)), format))
		if err := s.deps.Audit.Export(c.Request().Context(), c.Response(), format, f); err != nil {
			err = fmt.Errorf("exporting the audit log as %s: %w", format, err)
			if !c.Response().Committed {
				h.Del(echo.HeaderContentDisposition)
				return err
			}
			// Cut the connection, so that a partial file cannot pass for
			// a complete one.
			s.log.Error("audit export cut short", "err", err)
			panic(http.ErrAbortHandler)
		}
		return nil
	}
}
