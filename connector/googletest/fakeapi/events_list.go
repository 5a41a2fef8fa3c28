package fakeapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// eventsJSON is the Events schema.
type eventsJSON struct {
	Kind             string         `json:"kind"`
	Etag             string         `json:"etag"`
	Summary          string         `json:"summary"`
	Description      string         `json:"description,omitempty"`
	Updated          string         `json:"updated"`
	TimeZone         string         `json:"timeZone"`
	AccessRole       string         `json:"accessRole"`
	DefaultReminders []reminderJSON `json:"defaultReminders"`
	NextPageToken    string         `json:"nextPageToken,omitempty"`
	NextSyncToken    string         `json:"nextSyncToken,omitempty"`
	Items            []eventJSON    `json:"items"`
}

// recurrenceHorizon is how far past now (or timeMin) recurring events are
// expanded when the request sets no timeMax.
const recurrenceHorizon = 2 * 365 * 24 * time.Hour

// updatedMinWindow is how far back events.list accepts updatedMin: Google
// keeps deletions for a limited time and answers 410 updatedMinTooLongAgo
// beyond it. Google documents no window; 20 days is what clients have
// observed (google-api-dotnet-client issue 239), and a careful client must
// survive any.
const updatedMinWindow = 20 * 24 * time.Hour

// updatedMinTooLongAgo is Calendar's 410 for an updatedMin before the window.
var updatedMinTooLongAgo = Error{Code: http.StatusGone, Reason: "updatedMinTooLongAgo",
	Message: "The requested minimum modification time lies too far in the past."}

// syncForbidden are the events.list parameters a syncToken excludes.
var syncForbidden = []string{"iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty",
	"timeMin", "timeMax", "updatedMin"}

// eventsQuery holds the parsed parameters of events.list.
type eventsQuery struct {
	timeMin, timeMax, updatedMin time.Time
	single, showDeleted          bool
	orderBy, iCalUID             string
	max                          int
	words                        []string // lower-case words of q
}

// parseEventsQuery validates the parameters of events.list.
func parseEventsQuery(q url.Values) (eventsQuery, error) {
	var eq eventsQuery
	var err error
	if eq.max, err = intParam(q, "maxResults", 250); err != nil {
		return eq, err
	}
	if eq.max < 1 {
		return eq, invalidParam("maxResults", "Invalid value for maxResults: must be at least 1.")
	}
	eq.max = min(eq.max, 2500)
	if eq.single, err = boolParam(q, "singleEvents"); err != nil {
		return eq, err
	}
	if eq.showDeleted, err = boolParam(q, "showDeleted"); err != nil {
		return eq, err
	}
	for name, t := range map[string]*time.Time{"timeMin": &eq.timeMin, "timeMax": &eq.timeMax, "updatedMin": &eq.updatedMin} {
		if s := q.Get(name); s != "" {
			if *t, err = time.Parse(time.RFC3339Nano, s); err != nil {
				return eq, invalidParam(name, "Bad Request: "+name+" must be an RFC 3339 timestamp with a time zone offset.")
			}
		}
	}
	if !eq.timeMin.IsZero() && !eq.timeMax.IsZero() && !eq.timeMax.After(eq.timeMin) {
		return eq, Error{Code: http.StatusBadRequest, Reason: "timeRangeEmpty", Message: "The specified time range is empty."}
	}
	switch eq.orderBy = q.Get("orderBy"); eq.orderBy {
	case "", "updated":
	case "startTime":
		if !eq.single {
			return eq, badRequest("The requested ordering is not available for the particular query.")
		}
	default:
		return eq, invalidParam("orderBy", "Invalid value for orderBy: "+eq.orderBy)
	}
	eq.iCalUID = q.Get("iCalUID")
	eq.words = strings.Fields(strings.ToLower(q.Get("q")))
	if q.Get("syncToken") != "" {
		for _, p := range syncForbidden {
			if q.Has(p) {
				return eq, badRequest("The syncToken parameter cannot be combined with " + p + ".")
			}
		}
		if q.Has("showDeleted") && !eq.showDeleted {
			return eq, badRequest("The syncToken parameter cannot be combined with showDeleted=false.")
		}
	}
	return eq, nil
}

// listEvents serves events.list. Pages are cut from the items that match the
// time window, iCalUID and updatedMin, in order; cancelled events (without
// showDeleted) and q misses are then dropped from the page, so pages can be
// short or empty while a nextPageToken follows, as at Google.
func (a *API) listEvents(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	cal, role, err := a.resolveCalendar(c, r.PathValue("calendarId"))
	if err != nil {
		return err
	}
	v, err := a.view(cal, q.Get("timeZone"))
	if err != nil {
		return err
	}
	eq, err := parseEventsQuery(q)
	if err != nil {
		return err
	}
	if !eq.updatedMin.IsZero() && a.now().Sub(eq.updatedMin) > updatedMinWindow {
		return updatedMinTooLongAgo
	}
	list, bind, syncBind := "events:"+cal.ID, bindAllExcept(q, "maxResults"), bindParams(q, "singleEvents")
	seq := a.ws.Seq() // Read before the events, so that no change is missed.
	events := a.ws.Events(cal.ID)
	cur := cursor{List: list, Bind: bind, Upto: seq}
	if tok := q.Get("pageToken"); tok != "" {
		if err := a.codec.open(tok, &cur); err != nil || cur.List != list || cur.Bind != bind {
			return invalidParam("pageToken", "Invalid page token.")
		}
	} else if st := q.Get("syncToken"); st != "" {
		t, err := a.syncs.check(st, list, c.Email, syncBind, 0)
		if err != nil {
			return fullSyncRequired
		}
		cur.Incr, cur.Since = true, t.Seq
	}
	items := a.eventItems(events, eq, cur, v.loc)
	from, to := window(cur.Off, eq.max, len(items))
	withDeleted := eq.showDeleted || cur.Incr || !eq.updatedMin.IsZero()
	resp := eventsJSON{Kind: "calendar#events", Etag: `"p` + strconv.FormatInt(seq, 10) + `"`, Summary: cal.Summary,
		Description: cal.Description, Updated: utcMillis(latestUpdate(events, a.now())), TimeZone: v.loc.String(),
		AccessRole: role, DefaultReminders: calendarEntry(cal, role).DefaultReminders, Items: []eventJSON{}}
	if resp.Summary == "" {
		resp.Summary = cal.ID
	}
	for i := range items[from:to] {
		e := &items[from+i].ev
		if (e.Status == workspace.StatusCancelled && !withDeleted) || !matchesWords(e, eq.words) {
			continue
		}
		resp.Items = append(resp.Items, v.render(e))
	}
	if to < len(items) {
		cur.Off = to
		resp.NextPageToken = a.codec.seal(cur)
	} else {
		resp.NextSyncToken = a.syncs.issue(list, c.Email, syncBind, cur.Upto)
	}
	return writeSelected(w, q, resp, eventsSchema)
}

// matchesWords reports whether every word occurs in the event's text.
func matchesWords(e *workspace.Event, words []string) bool {
	if len(words) == 0 {
		return true
	}
	var b strings.Builder
	b.WriteString(e.Summary + "\n" + e.Description + "\n" + e.Location + "\n" + e.Organizer)
	for _, at := range e.Attendees {
		b.WriteString("\n" + at.Email + "\n" + at.DisplayName)
	}
	text := strings.ToLower(b.String())
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// latestUpdate returns the latest Updated of events, or now without events.
func latestUpdate(events []workspace.Event, now time.Time) time.Time {
	var t time.Time
	for i := range events {
		if events[i].Updated.After(t) {
			t = events[i].Updated
		}
	}
	if t.IsZero() {
		return now
	}
	return t
}
