package workspace

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// The insert methods update the maps and indexes; callers hold w.mu for
// writing (or own the workspace exclusively while building it) and have
// already assigned the item's Seq.

// insertPerson stores p, replacing the person with the same ID.
func (w *Workspace) insertPerson(p Person) {
	if w.people == nil {
		w.people = make(map[string]Person)
		w.byEmail = make(map[string]string)
	}
	if old, ok := w.people[p.ID]; ok && w.byEmail[strings.ToLower(old.Email)] == p.ID {
		delete(w.byEmail, strings.ToLower(old.Email))
	}
	w.people[p.ID] = p
	w.byEmail[strings.ToLower(p.Email)] = p.ID
	w.peopleSorted = nil
}

// insertCalendar stores c, replacing the calendar with the same ID.
func (w *Workspace) insertCalendar(c Calendar) {
	if w.calendars == nil {
		w.calendars = make(map[string]Calendar)
		w.access = make(map[string]map[string]struct{})
	}
	var before []string
	if old, ok := w.calendars[c.ID]; ok {
		unindex(w.access, old.ID, old.Owner, old.ReaderEmails)
		before = append([]string{old.Owner}, old.ReaderEmails...)
	}
	w.calendars[c.ID] = c
	index(w.access, c.ID, c.Owner, c.ReaderEmails)
	if before != nil || len(w.calendarsLost) > 0 { // nothing to record for a new item nobody lost
		w.calendarsLost.update(c.ID, before, append([]string{c.Owner}, c.ReaderEmails...), c.Seq, w.now())
	}
	w.calendarsSorted = nil
}

// insertEvent stores e, replacing the event with the same calendar and ID.
func (w *Workspace) insertEvent(e Event) {
	if w.events == nil {
		w.events = make(map[string]map[string]Event)
	}
	evs := w.events[e.CalendarID]
	if evs == nil {
		evs = make(map[string]Event)
		w.events[e.CalendarID] = evs
	}
	evs[e.ID] = e
}

// insertFile stores f, replacing the file with the same ID.
func (w *Workspace) insertFile(f *File) {
	if w.files == nil {
		w.files = make(map[string]*File)
		w.fileAccess = make(map[string]map[string]struct{})
	}
	var before []string
	if old, ok := w.files[f.ID]; ok {
		unindex(w.fileAccess, old.ID, old.Owner, old.SharedWith)
		before = append([]string{old.Owner}, old.SharedWith...)
	}
	w.files[f.ID] = f
	index(w.fileAccess, f.ID, f.Owner, f.SharedWith)
	if before != nil || len(w.filesLost) > 0 { // nothing to record for a new item nobody lost
		w.filesLost.update(f.ID, before, append([]string{f.Owner}, f.SharedWith...), f.Seq, w.now())
	}
	w.filesSorted = nil
}

// lostAccess maps a lower-case email to the items it lost, by ID.
type lostAccess map[string]map[string]Unshared

// update records that the item id, reached by before until the change seq
// at time now, is reached by after from then on: who is in before and not
// in after lost it, and who is in after has it (again).
func (l *lostAccess) update(id string, before, after []string, seq int64, now time.Time) {
	if *l == nil {
		*l = make(lostAccess)
	}
	keep := make(map[string]bool, len(after))
	for _, email := range after {
		key := strings.ToLower(email)
		keep[key] = true
		delete((*l)[key], id)
		if len((*l)[key]) == 0 {
			delete(*l, key)
		}
	}
	for _, email := range before {
		key := strings.ToLower(email)
		if keep[key] {
			continue
		}
		if (*l)[key] == nil {
			(*l)[key] = make(map[string]Unshared)
		}
		(*l)[key][id] = Unshared{ID: id, Seq: seq, Time: now}
	}
}

// list returns what email lost, oldest loss first.
func (l lostAccess) list(email string) []Unshared {
	ids := l[strings.ToLower(email)]
	out := make([]Unshared, 0, len(ids))
	for _, u := range ids {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b Unshared) int { return cmp.Or(cmp.Compare(a.Seq, b.Seq), strings.Compare(a.ID, b.ID)) })
	return out
}

// index records that owner and readers can reach the item id.
func index(m map[string]map[string]struct{}, id, owner string, readers []string) {
	for _, email := range append([]string{owner}, readers...) {
		key := strings.ToLower(email)
		ids := m[key]
		if ids == nil {
			ids = make(map[string]struct{})
			m[key] = ids
		}
		ids[id] = struct{}{}
	}
}

// unindex reverses index.
func unindex(m map[string]map[string]struct{}, id, owner string, readers []string) {
	for _, email := range append([]string{owner}, readers...) {
		key := strings.ToLower(email)
		delete(m[key], id)
		if len(m[key]) == 0 {
			delete(m, key)
		}
	}
}

// cloneCalendar returns a copy of c that shares no memory with it.
func cloneCalendar(c Calendar) Calendar {
	c.ReaderEmails = slices.Clone(c.ReaderEmails)
	return c
}

// cloneEvent returns a copy of e that shares no memory with it.
func cloneEvent(e Event) Event {
	e.Recurrence = slices.Clone(e.Recurrence)
	e.Attendees = slices.Clone(e.Attendees)
	e.Attachments = slices.Clone(e.Attachments)
	return e
}

// cloneFile returns a copy of f that shares no slices with it; bodies are
// immutable and shared.
func cloneFile(f *File) *File {
	c := *f
	c.Parents = slices.Clone(f.Parents)
	c.SharedWith = slices.Clone(f.SharedWith)
	return &c
}
