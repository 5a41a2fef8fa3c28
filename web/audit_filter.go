package web

import (
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/audit"
)

// auditForm is the audit log's filter form as the browser sent it. The same
// fields filter the log page and its exports.
type auditForm struct {
	User, Scope, Method, Purpose, Event, Outcome string
	// From and Before bound the entries' time, in UTC: From <= time < Before.
	From, Before string
	// Raw shows every stored entry, a request's pending entry and its
	// outcome entry apart.
	Raw bool
}

// readAuditForm reads the filter fields of a request's query.
func readAuditForm(c echo.Context) auditForm {
	return auditForm{
		User: c.QueryParam("user"), Scope: c.QueryParam("scope"), Method: c.QueryParam("method"),
		Purpose: c.QueryParam("purpose"), Event: c.QueryParam("event"), Outcome: c.QueryParam("outcome"),
		From: c.QueryParam("from"), Before: c.QueryParam("before"), Raw: c.QueryParam("raw") == "1",
	}
}

// filterWord matches the ids of users, methods and events a filter may name.
var filterWord = regexp.MustCompile(`^[A-Za-z0-9._:@-]{1,200}$`)

// auditOutcomes are the outcomes a filter may name.
var auditOutcomes = []audit.Outcome{audit.OutcomeOK, audit.OutcomeError, audit.OutcomeDenied, audit.OutcomeUnknown, audit.OutcomePending}

// auditEvents are the events the filter form suggests; others may be typed.
var auditEvents = []audit.Event{audit.EventActivity, audit.EventDeny, audit.EventAuthorize, audit.EventRefresh,
	audit.EventRefreshFailed, audit.EventRevoke, audit.EventSuspend, audit.EventResume, audit.EventPurge,
	audit.EventSignIn, audit.EventInvite, audit.EventInviteRenew, audit.EventInviteSent, audit.EventInviteAccept,
	audit.EventInviteWithdraw}

// auditPurposes are the purposes a filter may name.
var auditPurposes = []scopes.Purpose{scopes.PurposeSignIn, scopes.PurposeInvite, scopes.PurposeMeetings, scopes.PurposeRecordings}

// filter turns the form into a Filter, or says which field to correct.
func (f auditForm) filter() (audit.Filter, error) {
	out := audit.Filter{UserID: f.User, Method: f.Method, Purpose: f.Purpose, Event: audit.Event(f.Event),
		Outcome: audit.Outcome(f.Outcome), Raw: f.Raw}
	for _, v := range []struct{ name, value string }{{"user", f.User}, {"method", f.Method}, {"event", f.Event}} {
		if v.value != "" && !filterWord.MatchString(v.value) {
			return audit.Filter{}, invalidf("The %s filter is not a valid %s name.", v.name, v.name)
		}
	}
	if f.Scope != "" {
		s, ok := scopeByName(f.Scope)
		if !ok {
			return audit.Filter{}, invalidf("Choose a scope from the list; %q is not one ScopeTrail knows.", f.Scope)
		}
		out.Scope = s.Name
	}
	if f.Purpose != "" && !slices.Contains(auditPurposes, scopes.Purpose(f.Purpose)) {
		return audit.Filter{}, invalidf("Choose a purpose from the list.")
	}
	if f.Outcome != "" && !slices.Contains(auditOutcomes, audit.Outcome(f.Outcome)) {
		return audit.Filter{}, invalidf("Choose an outcome from the list.")
	}
	var err error
	if out.Since, err = parseFormTime(f.From); err != nil {
		return audit.Filter{}, invalidf("The From time is not a date and time such as 2026-03-01T09:00 (UTC).")
	}
	if out.Until, err = parseFormTime(f.Before); err != nil {
		return audit.Filter{}, invalidf("The Before time is not a date and time such as 2026-03-01T09:00 (UTC).")
	}
	if !out.Since.IsZero() && !out.Until.IsZero() && !out.Since.Before(out.Until) {
		return audit.Filter{}, invalidf("The From time must come before the Before time.")
	}
	return out, nil
}

// query returns the form's non-empty fields as URL query values, for links
// that keep the filters.
func (f auditForm) query() url.Values {
	q := url.Values{}
	for _, v := range []struct{ name, value string }{
		{"user", f.User}, {"scope", f.Scope}, {"method", f.Method}, {"purpose", f.Purpose}, {"event", f.Event},
		{"outcome", f.Outcome}, {"from", f.From}, {"before", f.Before},
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

// formTimeLayouts are the time forms a filter accepts, all read as UTC
// unless they carry a zone: what a datetime-local input sends, a date, and
// RFC 3339.
var formTimeLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02", time.RFC3339Nano}

// parseFormTime reads a time from a filter field; "" is the zero time.
func parseFormTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	var err error
	for _, layout := range formTimeLayouts {
		var t time.Time
		if t, err = time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}

// scopeByName finds a registry scope by its full or short name.
func scopeByName(name string) (scopes.Scope, bool) {
	for _, s := range scopes.All() {
		if s.Name == name || s.Short == name {
			return s, true
		}
	}
	return scopes.Scope{}, false
}
