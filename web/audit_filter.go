package web

import (
	"cmp"
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// auditForm is the audit log's filter form as the browser sent it, kept to
// show it again and to keep it in links. The same fields filter the log
// page and its exports; audit.ParseFilter reads them, as it reads the
// flags of `scopetrail audit`.
type auditForm struct {
	User, Scope, Method, Purpose, Event, Outcome string
	// Since and Until bound the entries' time: Since <= time < Until.
	Since, Until string
	// Raw shows every stored entry, a request's pending entry and its
	// outcome entry apart.
	Raw bool
}

// readAuditForm reads the filter fields of a request's query.
func readAuditForm(c echo.Context) auditForm {
	return auditForm{
		User: c.QueryParam("user"), Scope: c.QueryParam("scope"), Method: c.QueryParam("method"),
		Purpose: c.QueryParam("purpose"), Event: c.QueryParam("event"), Outcome: c.QueryParam("outcome"),
		// from and before are since and until in links made before the
		// page and the command line shared one filter.
		Since: cmp.Or(c.QueryParam("since"), c.QueryParam("from")), Until: cmp.Or(c.QueryParam("until"), c.QueryParam("before")),
		Raw: c.QueryParam("raw") == "1",
	}
}

// auditEvents are the events the filter form suggests; others may be typed.
var auditEvents = []audit.Event{audit.EventActivity, audit.EventDeny, audit.EventAuthorize, audit.EventRefresh,
	audit.EventRefreshFailed, audit.EventRevoke, audit.EventSuspend, audit.EventResume, audit.EventPurge,
	audit.EventSignIn, audit.EventInvite, audit.EventInviteRenew, audit.EventInviteSent, audit.EventInviteAccept,
	audit.EventInviteWithdraw}

// auditPurposes are the purposes the filter form offers.
var auditPurposes = []scopes.Purpose{scopes.PurposeSignIn, scopes.PurposeInvite, scopes.PurposeMeetings, scopes.PurposeRecordings}

// auditFilter reads the form with audit.ParseFilter, or says which field to
// correct. A user given by email is looked up among the users.
func (s *Server) auditFilter(ctx context.Context, form auditForm) (audit.Filter, error) {
	f, err := audit.ParseFilter(form.query(), time.Now())
	if err == nil {
		err = f.ResolveUser(ctx, s.userIDByEmail)
	}
	if fe := (*audit.FilterError)(nil); errors.As(err, &fe) {
		return audit.Filter{}, invalidf("The %s filter %q is not valid: %s.", fe.Field, fe.Value, fe.Want)
	}
	return f, err
}

// userIDByEmail returns the id of the user with this email.
func (s *Server) userIDByEmail(ctx context.Context, email string) (string, error) {
	users, err := s.deps.Users.Users(ctx)
	if err != nil {
		return "", err
	}
	for _, u := range users {
		if strings.EqualFold(u.Email, email) {
			return u.ID, nil
		}
	}
	return "", errors.New("no such user")
}

// query returns the form's non-empty fields as URL query values, for links
// that keep the filters.
func (f auditForm) query() url.Values {
	q := url.Values{}
	for _, v := range []struct{ name, value string }{
		{"user", f.User}, {"scope", f.Scope}, {"method", f.Method}, {"purpose", f.Purpose}, {"event", f.Event},
		{"outcome", f.Outcome}, {"since", f.Since}, {"until", f.Until},
	} {
		if v.value != "" {
			q.Set(v.name, v.value)
		}
	}
	if f.Raw {
		q.Set("raw", "1")
	}
	return q
}
