package web

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

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
	// Place returns one entry with the other entry of its request and its
	// place in the chain; its errors wrap audit.ErrNoEntry when no entry
	// has this seq.
	Place(ctx context.Context, seq int64) (audit.Place, error)
}

// pendingForText is audit.PendingFor in words.
var pendingForText = fmt.Sprintf("%d minutes", int(audit.PendingFor.Minutes()))

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
	g.GET("/audit/entries/:seq", s.auditEntry, member, reviewer)
	g.GET("/audit/export.csv", s.auditExport(audit.FormatCSV), member, reviewer)
	g.GET("/audit/export.jsonl", s.auditExport(audit.FormatJSONL), member, reviewer)
	g.GET("/audit/chain", s.auditChain, member, reviewer)
	g.POST("/audit/chain/verify", s.auditChainVerify, member, reviewer)
	g.GET("/audit/pubkey.pem", s.auditPublicKey, member, reviewer)
	g.GET("/report", s.privilegeReport, member, reviewer)
}

// person is a user as the log names them.
type person struct {
	// Label is what a row shows: the user's name, else their email, else
	// their id.
	Label string
	// Email and ID are shown where there is room, and as the label's
	// title.
	Email, ID string
}

// Title is the person's email and id, for a label's tooltip.
func (p person) Title() string {
	if p.Email != "" && p.Email != p.Label {
		return strings.TrimSpace(p.Email + " " + p.ID)
	}
	return p.ID
}

// auditRow is one entry as the log shows it: a request with its outcome
// on one row, people by name, not by id.
type auditRow struct {
	audit.Entry
	// Who is the actor; Whom the subject, whose data or access the entry
	// concerns, zero when the entry concerns its actor alone.
	Who, Whom person
	// Shown is the resource, with a user's id replaced by their email.
	Shown string
	// Bytes is what the entry moved: the response from Google, or the
	// audio sent to a transcription engine.
	Bytes int64
}

// Why is the reason shown next to an outcome: Google's error reason, the
// policy's refusal reason, the reason an admin gave, or why an outcome is
// unknown.
func (r auditRow) Why() string {
	if r.Outcome == audit.OutcomeUnknown && r.ErrorReason == "" {
		return "no outcome recorded: the process stopped while the request was in flight"
	}
	return r.ErrorReason
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

// people finds the users the log names, by id and by email.
type people struct {
	byID, byEmail map[string]identity.User
}

// newPeople returns the users by id and by email.
func newPeople(users []identity.User) people {
	p := people{byID: make(map[string]identity.User, len(users)), byEmail: make(map[string]identity.User, len(users))}
	for _, u := range users {
		p.byID[u.ID], p.byEmail[strings.ToLower(u.Email)] = u, u
	}
	return p
}

// person returns the user an entry names by id or email, as a person.
func (p people) person(id, email string) person {
	u, ok := p.byID[id]
	if !ok && email != "" {
		u, ok = p.byEmail[strings.ToLower(email)]
	}
	out := person{Email: cmp.Or(email, u.Email), ID: cmp.Or(id, u.ID)}
	out.Label = cmp.Or(u.Name, out.Email, out.ID)
	return out
}

// row returns e as the log shows it.
func (p people) row(e audit.Entry) auditRow {
	r := auditRow{Entry: e, Who: p.person(e.ActorID, e.ActorEmail), Shown: e.Resource, Bytes: e.NumResponseBytes}
	if e.SubjectID != "" || e.SubjectEmail != "" {
		r.Whom = p.person(e.SubjectID, e.SubjectEmail)
	}
	if u, ok := p.byID[e.Resource]; ok {
		r.Shown = u.Email
	}
	if e.Event == audit.EventTranscribe {
		r.Bytes = e.BytesSent
	}
	return r
}

// auditPage is what the audit log page shows.
type auditPage struct {
	Form   auditForm
	Users  []identity.User
	Scopes []scopes.Scope
	// Purposes, Events, Outcomes and Methods are the filters' choices,
	// each with the value of the form when the list lacks it, as a link
	// from an older version may hold.
	Purposes, Events, Outcomes, Methods []string
	Entries                             []auditRow
	// PendingFor is how long a request without an outcome shows as
	// pending before it shows as unknown, in words.
	PendingFor string
	// Newer and Older link to the neighbouring pages, "" when there is
	// none; ExportCSV and ExportJSONL export every entry the filters match.
	Newer, Older, ExportCSV, ExportJSONL string
}

// choices returns the strings of known, with current added when it is not
// among them and not empty.
func choices[T ~string](known []T, current string) []string {
	out := make([]string, 0, len(known)+1)
	for _, k := range known {
		out = append(out, string(k))
	}
	if current != "" && !slices.Contains(out, current) {
		out = append(out, current)
	}
	return out
}

// auditMethods are Google's method ids that the method filter offers, in
// order.
var auditMethods = func() []string {
	var out []string
	for _, m := range scopes.Methods() {
		if !slices.Contains(out, m.ID) {
			out = append(out, m.ID)
		}
	}
	slices.Sort(out)
	return out
}()

// auditLog shows the audit log, newest first, a page at a time, with
// filters: one row per request, its pending entry and its outcome entry
// joined (audit.Filter.Raw shows them apart). older and newer hold the
// cursors of the pages around the one shown, as audit.Query returns them.
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
	page := auditPage{Form: form, Users: users, PendingFor: pendingForText,
		Purposes: choices(auditPurposes, form.Purpose), Events: choices(auditEvents, form.Event),
		Outcomes: choices(audit.Outcomes, form.Outcome), Methods: choices(auditMethods, form.Method),
		Entries: make([]auditRow, len(p.Entries))}
	for _, sc := range scopes.All() {
		if !slices.Contains(sc.Purposes, scopes.PurposeSignIn) {
			page.Scopes = append(page.Scopes, sc)
		}
	}
	names := newPeople(users)
	for i, e := range p.Entries {
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
