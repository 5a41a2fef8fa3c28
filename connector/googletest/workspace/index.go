package workspace

import (
	"slices"
	"strings"
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
	if old, ok := w.calendars[c.ID]; ok {
		unindex(w.access, old.ID, old.Owner, old.ReaderEmails)
	}
	w.calendars[c.ID] = c
	index(w.access, c.ID, c.Owner, c.ReaderEmails)
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
	if old, ok := w.files[f.ID]; ok {
		unindex(w.fileAccess, old.ID, old.Owner, old.SharedWith)
	}
	w.files[f.ID] = f
	index(w.fileAccess, f.ID, f.Owner, f.SharedWith)
	w.filesSorted = nil
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
