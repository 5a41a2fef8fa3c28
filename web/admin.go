package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes/audit"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/identity"
)

// usersPageSize is how many users one page of /admin/users shows.
const usersPageSize = 20

// maxUserSearch bounds the search text of /admin/users, in runes.
const maxUserSearch = 100

// usersQuery is what the users page was asked for: a search of names and
// emails, and a page number from 1.
type usersQuery struct {
	Q    string
	Page int
}

// parseUsersQuery reads the query string of /admin/users. A search longer
// than maxUserSearch is cut, and a page that is not a positive number is
// the first.
func parseUsersQuery(v url.Values) usersQuery {
	q := usersQuery{Q: strings.TrimSpace(strings.ToValidUTF8(v.Get("q"), "")), Page: 1}
	if utf8.RuneCountInString(q.Q) > maxUserSearch {
		q.Q = strings.TrimSpace(string([]rune(q.Q)[:maxUserSearch]))
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		q.Page = n
	}
	return q
}

// Values returns the query as a query string's values, leaving out the
// defaults.
func (q usersQuery) Values() url.Values {
	v := url.Values{}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	return v
}

// URL is the users page for the query.
func (q usersQuery) URL() string {
	if v := q.Values(); len(v) > 0 {
		return "/admin/users?" + v.Encode()
	}
	return "/admin/users"
}

// matches reports whether the search finds u by name or email.
func (q usersQuery) matches(u identity.User) bool {
	if q.Q == "" {
		return true
	}
	needle := strings.ToLower(q.Q)
	return strings.Contains(strings.ToLower(u.Email), needle) || strings.Contains(strings.ToLower(u.Name), needle)
}

// userStatus is where a user's access stands as a whole: active, with
// suspended scopes, or revoked.
type userStatus struct{ Class, Text string }

// userRow is one user on the users page.
type userRow struct {
	User   identity.User
	Status userStatus
	// Features are the features of the user's role with their scopes.
	Features []featureView
	// LastUse is the user's latest Google API call; zero when none, or
	// when the audit log is not served.
	LastUse time.Time
}

// usersPage is what the admin's users page shows.
type usersPage struct {
	Rows  []userRow
	Roles []identity.Role
	Query usersQuery
	// Total is how many users match; From and To number the ones shown.
	Total, From, To int
	// Prev and Next link to the neighbouring pages, "" at either end.
	Prev, Next string
	// ShowLastUse is true when the audit log can say.
	ShowLastUse bool
	// Access is true when access can be revoked and scopes suspended;
	// Directory when the admin can invite colleagues from the directory.
	Access, Directory bool
}

// users lists the users matching the search, a page at a time, each with
// their status, role, features and scopes and last use, and a form to
// change their role.
func (s *Server) users(c echo.Context) error {
	ctx := c.Request().Context()
	me, _ := currentUser(c)
	q := parseUsersQuery(c.QueryParams())
	list, err := s.deps.Users.Users(ctx)
	if err != nil {
		return fmt.Errorf("listing users: %w", err)
	}
	var found []identity.User
	for _, u := range list {
		if q.matches(u) {
			found = append(found, u)
		}
	}
	page := usersPage{Roles: identity.Roles, Query: q, Total: len(found), ShowLastUse: s.deps.Audit != nil, Access: s.deps.Revocations != nil,
		Directory: s.deps.Directory != nil}
	start := min((q.Page-1)*usersPageSize, len(found))
	end := min(start+usersPageSize, len(found))
	if start > 0 {
		page.Prev = usersQuery{Q: q.Q, Page: q.Page - 1}.URL()
	}
	if end < len(found) {
		page.Next = usersQuery{Q: q.Q, Page: q.Page + 1}.URL()
	}
	page.From, page.To = start+1, end
	for _, u := range found[start:end] {
		row, err := s.userRow(ctx, u, me.ID)
		if err != nil {
			return err
		}
		page.Rows = append(page.Rows, row)
	}
	return s.render(c, http.StatusOK, "users", page)
}

// userRow works out one user's row of the users page.
func (s *Server) userRow(ctx context.Context, u identity.User, viewerID string) (userRow, error) {
	row := userRow{User: u}
	v, err := s.readGrant(ctx, u.ID)
	if err != nil {
		return row, err
	}
	for _, f := range u.Role.Features() {
		row.Features = append(row.Features, featureFor(f, v, viewerID))
	}
	row.Status = statusOfUser(u, v)
	if s.deps.Audit != nil {
		p, err := s.deps.Audit.Query(ctx, audit.Filter{UserID: u.ID, Event: audit.EventActivity, Desc: true, Limit: 1})
		if err != nil {
			return row, fmt.Errorf("finding the last use of %s: %w", u.ID, err)
		}
		if len(p.Entries) > 0 {
			row.LastUse = p.Entries[0].Time
		}
	}
	return row, nil
}

// statusOfUser says where a user's access stands: revoked when an admin
// shut them out or the grant is revoked, with suspended scopes, or active.
func statusOfUser(u identity.User, v grantView) userStatus {
	switch {
	case u.Blocked():
		return userStatus{"revoked", "Revoked by " + u.BlockedBy}
	case v.Found && v.Grant.Status == grant.StatusRevoked:
		return userStatus{"revoked", "Revoked"}
	case v.Found && v.Grant.Status == grant.StatusReconnectNeeded:
		return userStatus{"suspended", "Reconnect needed"}
	case v.Found && len(v.Grant.Suspended) > 0:
		return userStatus{"suspended", fmt.Sprintf("Active, %d scope(s) suspended", len(v.Grant.Suspended))}
	}
	return userStatus{"active", "Active"}
}

// setRole changes a user's role, which the audit trail records with the
// admin as actor and the user as subject, and says so on the users page
// the admin came from. Admins cannot change their own role, so that the
// last admin cannot lock everyone out by mistake.
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
	setFlash(c, "ok", fmt.Sprintf("%s is now %s %s.", s.emailOf(c.Request().Context(), id), article(role), role))
	back := parseUsersQuery(url.Values{"q": {c.FormValue("q")}, "page": {c.FormValue("page")}})
	return c.Redirect(http.StatusSeeOther, back.URL())
}

// article is "an" before "admin", "a" before the other roles.
func article(r identity.Role) string {
	if r == identity.RoleAdmin {
		return "an"
	}
	return "a"
}
