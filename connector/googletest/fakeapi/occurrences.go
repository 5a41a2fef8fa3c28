package fakeapi

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// occurrence is one candidate item of events.list with its absolute bounds.
type occurrence struct {
	ev         workspace.Event
	start, end time.Time
}

// eventItems returns the candidate items of a listing in order: the events
// (changed since the cursor's sync point for an incremental sync), with
// recurring events expanded when singleEvents is set.
func (a *API) eventItems(events []workspace.Event, eq eventsQuery, cur cursor, loc *time.Location) []occurrence {
	horizon := eq.timeMax
	if horizon.IsZero() {
		horizon = a.now()
		if eq.timeMin.After(horizon) {
			horizon = eq.timeMin
		}
		horizon = horizon.Add(recurrenceHorizon)
	}
	exceptions := map[string][]*workspace.Event{}
	series := map[string]string{} // recurring master id to its status
	for i := range events {
		e := &events[i]
		if len(e.Recurrence) > 0 {
			series[e.ID] = e.Status
		}
		if e.RecurringEventID != "" {
			exceptions[e.RecurringEventID] = append(exceptions[e.RecurringEventID], e)
		}
	}
	for id, exs := range exceptions {
		for _, ex := range exs {
			if series[id] == workspace.StatusCancelled { // Cancelling a series cancels its exceptions.
				ex.Status = workspace.StatusCancelled
			}
		}
	}
	live := func(master string) bool { s, ok := series[master]; return ok && s != workspace.StatusCancelled }
	var out []occurrence
	add := func(e workspace.Event) {
		start, end := bounds(&e, loc)
		if keep(eq, &e, start, end) {
			out = append(out, occurrence{ev: e, start: start, end: end})
		}
	}
	addMaster := func(e workspace.Event) { // Its window was checked over all its occurrences.
		start, end := bounds(&e, loc)
		if keep(eventsQuery{updatedMin: eq.updatedMin, iCalUID: eq.iCalUID}, &e, start, end) {
			out = append(out, occurrence{ev: e, start: start, end: end})
		}
	}
	for i := range events {
		e := &events[i]
		changed := !cur.Incr || (e.Seq > cur.Since && e.Seq <= cur.Upto)
		switch {
		case !changed:
		case len(e.Recurrence) == 0 && (!eq.single || e.RecurringEventID == ""):
			add(*e)
		case !eq.single:
			if e.Status == workspace.StatusCancelled || overlaps(e, eq, loc, horizon) {
				addMaster(*e)
			}
		case e.RecurringEventID != "":
			if !live(e.RecurringEventID) || (cur.Incr && !changedSeq(events, e.RecurringEventID, cur)) {
				add(*e)
			}
		case e.Status == workspace.StatusCancelled:
			if cur.Incr {
				addMaster(*e)
			}
		default:
			a.expand(e, exceptions[e.ID], loc, horizon, add)
		}
	}
	switch eq.orderBy {
	case "startTime":
		slices.SortStableFunc(out, func(x, y occurrence) int {
			return cmp.Or(x.start.Compare(y.start), strings.Compare(x.ev.ID, y.ev.ID))
		})
	case "updated":
		slices.SortStableFunc(out, func(x, y occurrence) int {
			return cmp.Or(x.ev.Updated.Compare(y.ev.Updated), strings.Compare(x.ev.ID, y.ev.ID))
		})
	default:
		slices.SortStableFunc(out, func(x, y occurrence) int { return strings.Compare(x.ev.ID, y.ev.ID) })
	}
	return out
}

// expand calls add with every instance of master up to horizon, replaced by
// its exception where one exists; exceptions that replace no generated
// instance are added as they are.
func (a *API) expand(master *workspace.Event, exceptions []*workspace.Event, fallback *time.Location, horizon time.Time, add func(workspace.Event)) {
	start, loc := eventStart(master, fallback)
	rec, err := parseRecurrence(master.Recurrence, loc)
	if err != nil {
		add(*master) // An unparsable rule: list the master as it is.
		return
	}
	bySuffix := make(map[string]*workspace.Event, len(exceptions))
	for _, ex := range exceptions {
		bySuffix[exceptionSuffix(ex)] = ex
	}
	rec.occurrences(start, horizon, func(t time.Time) bool {
		suffix := instanceSuffix(master, t)
		if ex, ok := bySuffix[suffix]; ok {
			delete(bySuffix, suffix)
			add(*ex)
		} else {
			add(instance(master, t))
		}
		return true
	})
	for _, ex := range exceptions {
		if _, left := bySuffix[exceptionSuffix(ex)]; left {
			add(*ex)
		}
	}
}

// changedSeq reports whether the event id changed within the cursor's
// incremental sync window.
func changedSeq(events []workspace.Event, id string, cur cursor) bool {
	i, ok := slices.BinarySearchFunc(events, id, func(e workspace.Event, id string) int { return strings.Compare(e.ID, id) })
	return ok && events[i].Seq > cur.Since && events[i].Seq <= cur.Upto
}

// keep applies the structural filters of events.list: the time window
// (timeMin bounds the end, timeMax the start, both exclusive), updatedMin
// and iCalUID. Items without times (bare cancellations) pass the window.
func keep(eq eventsQuery, e *workspace.Event, start, end time.Time) bool {
	if !start.IsZero() && ((!eq.timeMin.IsZero() && !end.After(eq.timeMin)) || (!eq.timeMax.IsZero() && !start.Before(eq.timeMax))) {
		return false
	}
	if !eq.updatedMin.IsZero() && e.Updated.Before(eq.updatedMin) {
		return false
	}
	if eq.iCalUID != "" {
		master := cmp.Or(e.RecurringEventID, e.ID)
		return eq.iCalUID == master+"@google.com"
	}
	return true
}

// overlaps reports whether any occurrence of a recurring master falls in
// the request's time window.
func overlaps(master *workspace.Event, eq eventsQuery, fallback *time.Location, horizon time.Time) bool {
	start, loc := eventStart(master, fallback)
	rec, err := parseRecurrence(master.Recurrence, loc)
	if err != nil {
		return true
	}
	found := false
	rec.occurrences(start, horizon, func(t time.Time) bool {
		in := instance(master, t)
		s, e := bounds(&in, fallback)
		found = keep(eventsQuery{timeMin: eq.timeMin, timeMax: eq.timeMax}, &in, s, e)
		return !found
	})
	return found
}

// bounds returns the absolute start and end of e, all-day dates read in loc.
func bounds(e *workspace.Event, loc *time.Location) (start, end time.Time) {
	if !e.AllDay {
		return e.Start, e.End
	}
	start, err1 := time.ParseInLocation(dateLayout, e.StartDate, loc)
	end, err2 := time.ParseInLocation(dateLayout, e.EndDate, loc)
	if err1 != nil || err2 != nil {
		return time.Time{}, time.Time{}
	}
	return start, end
}
