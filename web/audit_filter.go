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
	"github.com/scopetrail/scopetrail/scopes/identity"
	"github.com/scopetrail/scopetrail/scopes/report"
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

// auditEvents are the events the filter form offers.
var auditEvents = []audit.Event{audit.EventActivity, audit.EventDeny, audit.EventAuthorize, audit.EventRefresh,
	audit.EventRefreshFailed, audit.EventRevoke, audit.EventSuspend, audit.EventResume, audit.EventPurge,
	audit.EventSignIn, audit.EventTranscribe, audit.EventInvite, audit.EventInviteRenew, audit.EventInviteSent, audit.EventInviteAccept,
	audit.EventInviteWithdraw, audit.EventRoleChange, audit.EventAdmissionRefused, audit.EventReadmit, audit.EventConfig,
	report.EventNarrowRequest}

// auditPurposes are the purposes the filter form offers.
var auditPurposes = []scopes.Purpose{scopes.PurposeSignIn, scopes.PurposeInvite, scopes.PurposeMeetings, scopes.PurposeRecordings}

// auditFilter reads the form with audit.ParseFilter, or says which field to
// correct. A request begun within audit.PendingFor without an outcome
// reads as pending, an older one as unknown. A user given by email is looked up among users; a user given by
// id has their email added, so that entries naming them only by email
// match too.
func auditFilter(form auditForm, users []identity.User) (audit.Filter, error) {
	f, err := audit.ParseFilter(form.query(), time.Now())
	if err == nil {
		err = f.ResolveUser(context.Background(), func(_ context.Context, email string) (string, error) {
			for _, u := range users {
				if strings.EqualFold(u.Email, email) {
					return u.ID, nil
				}
			}
			return "", errors.New("no such user")
		})
	}
	if fe := (*audit.FilterError)(nil); errors.As(err, &fe) {
		return audit.Filter{}, invalidf("The %s filter %q is not valid: %s.", fe.Field, fe.Value, fe.Want)
	}
	if err != nil {
		return audit.Filter{}, err
	}
	if f.UserID != "" && f.UserEmail == "" {
		f.UserEmail = strings.ToLower(newEmails(users)[f.UserID])
	}
	f.PendingSince = time.Now().Add(-audit.PendingFor)
	return f, nil
}

// maxExportName bounds the length of an export's file name.
const maxExportName = 200

// exportName is the file name, without extension, of an export of the
// entries f selects: "scopetrail-audit", then the time range as
// SINCE_UNTIL (a date, or a date and time in UTC as 2026-03-01T0900Z;
// "start" or "now" for an open end), then each filter as -NAME-VALUE, a
// user by email and a scope by short name. Only letters, digits and . _ @ -
// are kept; any other character becomes _.
func exportName(f audit.Filter, names emails) string {
	parts := []string{"scopetrail-audit"}
	if !f.Since.IsZero() || !f.Until.IsZero() {
		parts = append(parts, nameTime(f.Since, "start")+"_"+nameTime(f.Until, "now"))
	}
	scope := f.Scope
	if sc, ok := scopes.Lookup(scope); ok {
		scope = sc.Short
	}
	for _, v := range []struct{ name, value string }{
		{"user", names.name(f.UserID, "")}, {"scope", scope}, {"method", f.Method}, {"purpose", f.Purpose},
		{"event", string(f.Event)}, {"outcome", string(f.Outcome)},
	} {
		if v.value != "" {
			parts = append(parts, v.name+"-"+v.value)
		}
	}
	if f.Raw {
		parts = append(parts, "raw")
	}
	name := strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._@-", r)) {
			return r
		}
		return '_'
	}, strings.Join(parts, "-"))
	if len(name) > maxExportName {
		name = name[:maxExportName]
	}
	return name
}

// nameTime writes a time for a file name: a date when it is midnight UTC,
// else a date and time to the minute; open for the zero time.
func nameTime(t time.Time, open string) string {
	switch {
	case t.IsZero():
		return open
	case t.Equal(t.Truncate(24 * time.Hour)):
		return t.UTC().Format("2006-01-02")
	}
	return t.UTC().Format("2006-01-02T1504Z")
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
