package fakeapi

import (
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// accessRoles are the calendar access roles, weakest first.
var accessRoles = []string{"freeBusyReader", "reader", "writerWithoutPrivateAccess", "writer", "owner"}

// CalendarList JSON, as in the discovery schemas CalendarList,
// CalendarListEntry, EventReminder and ConferenceProperties.
type (
	calendarListJSON struct {
		Kind          string `json:"kind"`
		Etag          string `json:"etag"`
		NextPageToken string `json:"nextPageToken,omitempty"`
		NextSyncToken string `json:"nextSyncToken,omitempty"`
		Items         []any  `json:"items"`
	}

	// calendarListEntryJSON is the CalendarListEntry schema.
	calendarListEntryJSON struct {
		Kind                 string                   `json:"kind"`
		Etag                 string                   `json:"etag"`
		ID                   string                   `json:"id"`
		Summary              string                   `json:"summary"`
		Description          string                   `json:"description,omitempty"`
		TimeZone             string                   `json:"timeZone,omitempty"`
		ColorID              string                   `json:"colorId"`
		BackgroundColor      string                   `json:"backgroundColor"`
		ForegroundColor      string                   `json:"foregroundColor"`
		Selected             bool                     `json:"selected,omitempty"`
		AccessRole           string                   `json:"accessRole"`
		Primary              bool                     `json:"primary,omitempty"`
		DefaultReminders     []reminderJSON           `json:"defaultReminders"`
		ConferenceProperties conferencePropertiesJSON `json:"conferenceProperties"`
	}

	reminderJSON struct {
		Method  string `json:"method"`
		Minutes int    `json:"minutes"`
	}

	conferencePropertiesJSON struct {
		AllowedConferenceSolutionTypes []string `json:"allowedConferenceSolutionTypes"`
	}
)

// accessRole returns the caller's role on cal, "" without access.
func accessRole(cal workspace.Calendar, email string) string {
	switch {
	case strings.EqualFold(cal.Owner, email):
		return "owner"
	case slices.ContainsFunc(cal.ReaderEmails, func(r string) bool { return strings.EqualFold(r, email) }):
		return "reader"
	}
	return ""
}

// resolveCalendar returns the calendar id names ("primary" for the
// caller's own) and the caller's role on it, or 404 notFound when it does
// not exist or the caller cannot see it, as Google answers both.
func (a *API) resolveCalendar(c Caller, id string) (workspace.Calendar, string, error) {
	if id == "primary" {
		for _, cid := range []string{c.Email, c.email()} {
			if cal, ok := a.ws.Calendar(cid); ok && cal.Primary && strings.EqualFold(cal.Owner, c.Email) {
				return cal, "owner", nil
			}
		}
		for _, cal := range a.ws.CalendarsFor(c.Email) {
			if cal.Primary && strings.EqualFold(cal.Owner, c.Email) {
				return cal, "owner", nil
			}
		}
		return workspace.Calendar{}, "", notFound("Not Found")
	}
	cal, ok := a.ws.Calendar(id)
	if !ok {
		return cal, "", notFound("Not Found")
	}
	role := accessRole(cal, c.Email)
	if role == "" {
		return cal, "", notFound("Not Found")
	}
	return cal, role, nil
}

// view returns how events of cal are rendered, in time zone tz when set.
func (a *API) view(cal workspace.Calendar, tz string) (eventView, error) {
	if tz == "" {
		tz = cal.TimeZone
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		if tz != cal.TimeZone {
			return eventView{}, invalidParam("timeZone", "Invalid time zone: "+tz)
		}
		loc = time.UTC
	}
	return eventView{cal: cal, loc: loc}, nil
}

// listCalendarList serves calendarList.list: the calendars the caller owns
// or reads, in ID order. With a sync token it lists only the entries
// changed since, and the calendars the caller lost as deleted entries, which
// a full listing shows too when showDeleted is set.
func (a *API) listCalendarList(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	size, err := intParam(q, "maxResults", 100)
	if err != nil {
		return err
	}
	if size < 1 {
		return invalidParam("maxResults", "Invalid value for maxResults: must be at least 1.")
	}
	size = min(size, 250)
	minRole := 0
	if s := q.Get("minAccessRole"); s != "" {
		if minRole = slices.Index(accessRoles, s); minRole < 0 {
			return invalidParam("minAccessRole", "Invalid value for minAccessRole: "+s)
		}
	}
	showDeleted, err := boolParam(q, "showDeleted")
	if err != nil {
		return err
	}
	const list = "calendarList"
	bind := bindAllExcept(q, "maxResults")
	cur := cursor{List: list, Bind: bind, Upto: a.ws.Seq()}
	if tok := q.Get("pageToken"); tok != "" {
		if err := a.codec.open(tok, &cur); err != nil || cur.List != list || cur.Bind != bind {
			return invalidParam("pageToken", "Invalid page token.")
		}
	} else if st := q.Get("syncToken"); st != "" {
		for _, p := range []string{"minAccessRole", "showOwnOrganizationOnly"} {
			if q.Has(p) {
				return badRequest("The syncToken parameter cannot be used together with " + p + ".")
			}
		}
		if q.Has("showDeleted") && !showDeleted {
			return badRequest("The syncToken parameter cannot be combined with showDeleted=false.")
		}
		t, err := a.syncs.check(st, list, c.Email, 0, 0)
		if err != nil {
			return fullSyncRequired
		}
		cur.Incr, cur.Since = true, t.Seq
	}
	entries := a.calendarListEntries(c, minRole, showDeleted, cur)
	from, to := window(cur.Off, size, len(entries))
	resp := calendarListJSON{Kind: "calendar#calendarList", Etag: `"p` + strconv.FormatInt(cur.Upto, 10) + `"`,
		Items: entries[from:to]}
	if to < len(entries) {
		cur.Off = to
		resp.NextPageToken = a.codec.seal(cur)
	} else {
		resp.NextSyncToken = a.syncs.issue(list, c.Email, 0, cur.Upto)
	}
	return writeSelected(w, q, resp, calendarListSchema)
}

// calendarListEntries returns the entries of the caller's calendar list
// at or below minRole, in ID order: all of them, or in an incremental sync
// those changed after cur.Since; with the calendars lost (after cur.Since)
// as deleted entries when showDeleted is set or the sync is incremental.
// Changes after cur.Upto are left to the next sync.
func (a *API) calendarListEntries(c Caller, minRole int, showDeleted bool, cur cursor) []any {
	changed := func(seq int64) bool { return !cur.Incr || (seq > cur.Since && seq <= cur.Upto) }
	type keyed struct {
		id    string
		entry any
	}
	var found []keyed
	for _, cal := range a.ws.CalendarsFor(c.Email) {
		role := accessRole(cal, c.Email)
		if slices.Index(accessRoles, role) >= minRole && changed(cal.Seq) {
			found = append(found, keyed{cal.ID, calendarEntry(cal, role)})
		}
	}
	if showDeleted || cur.Incr {
		for _, u := range a.ws.CalendarsUnshared(c.Email) {
			if changed(u.Seq) {
				found = append(found, keyed{u.ID, deletedEntry(u)})
			}
		}
	}
	slices.SortStableFunc(found, func(x, y keyed) int { return strings.Compare(x.id, y.id) })
	entries := make([]any, 0, len(found))
	for _, k := range found {
		entries = append(entries, k.entry)
	}
	return entries
}

// deletedEntryJSON is a CalendarListEntry removed from the caller's list.
type deletedEntryJSON struct {
	Kind    string `json:"kind"`
	Etag    string `json:"etag"`
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// deletedEntry renders the entry of a calendar the caller lost.
func deletedEntry(u workspace.Unshared) deletedEntryJSON {
	return deletedEntryJSON{Kind: "calendar#calendarListEntry", Etag: `"` + strconv.FormatInt(u.Seq, 10) + `"`, ID: u.ID, Deleted: true}
}

// calendarEntry renders cal as seen by a user with role.
func calendarEntry(cal workspace.Calendar, role string) calendarListEntryJSON {
	h := fnv.New64a()
	h.Write([]byte(cal.ID + "\x00" + cal.Summary + "\x00" + cal.Description + "\x00" + cal.TimeZone))
	summary := cal.Summary
	if summary == "" {
		summary = cal.ID
	}
	e := calendarListEntryJSON{Kind: "calendar#calendarListEntry", Etag: `"` + strconv.FormatUint(h.Sum64()>>1, 10) + `"`,
		ID: cal.ID, Summary: summary, Description: cal.Description, TimeZone: cal.TimeZone,
		ColorID: "14", BackgroundColor: "#9fe1e7", ForegroundColor: "#000000", Selected: true,
		AccessRole: role, Primary: cal.Primary && role == "owner", DefaultReminders: []reminderJSON{},
		ConferenceProperties: conferencePropertiesJSON{AllowedConferenceSolutionTypes: []string{"hangoutsMeet"}}}
	if e.Primary {
		e.DefaultReminders = []reminderJSON{{Method: "popup", Minutes: 10}}
	}
	return e
}

// fullSyncRequired is Calendar's 410 for a sync token that is expired,
// invalid or issued for other parameters.
var fullSyncRequired = Error{Code: http.StatusGone, Reason: "fullSyncRequired",
	Message: "Sync token is no longer valid, a full sync is required."}
