package workspace

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
)

// ErrNotFound is returned by mutations that name a missing item.
var ErrNotFound = errors.New("workspace: not found")

// Workspace is the data of a fake Google Workspace domain. The zero value is
// an empty workspace ready for use; New sets the domain. Read methods return
// copies or read-only snapshots and are safe for concurrent use with
// mutations.
type Workspace struct {
	// Domain is the primary domain, e.g. "acme.test".
	Domain string
	// CustomerID is the Workspace customer id, e.g. "C01abc234".
	CustomerID string
	// Now stamps Updated on cancelled events; nil means time.Now. Set it
	// before the workspace is shared.
	Now func() time.Time

	mu  sync.RWMutex
	seq int64

	people  map[string]Person // by ID
	byEmail map[string]string // lower-case email to person ID

	calendars     map[string]Calendar            // by ID
	access        map[string]map[string]struct{} // lower-case email to IDs of calendars it owns or reads
	calendarsLost lostAccess                     // calendars people could see and no longer can

	events map[string]map[string]Event // calendar ID to event ID to event

	files      map[string]*File               // by ID
	fileAccess map[string]map[string]struct{} // lower-case email to IDs of files it owns or reads
	filesLost  lostAccess                     // files people could see and no longer can

	// Sorted snapshots, nil when stale; shared with callers, never modified.
	peopleSorted    []Person
	calendarsSorted []Calendar
	filesSorted     []*File

	subs       []subscriber
	nextSub    int
	pending    []Change // changes not yet delivered to subs, in Seq order
	delivering bool     // a goroutine is delivering pending
}

// New returns an empty workspace for domain.
func New(domain, customerID string) *Workspace {
	return &Workspace{Domain: domain, CustomerID: customerID}
}

// Seq returns the current change sequence: the Seq of the latest change.
func (w *Workspace) Seq() int64 {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.seq
}

// People returns every person sorted by ID, tombstones included. The slice
// is a shared snapshot that callers must not modify.
func (w *Workspace) People() []Person {
	w.mu.RLock()
	s, n := w.peopleSorted, len(w.people)
	w.mu.RUnlock()
	if s != nil || n == 0 {
		return s
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.peopleSorted == nil {
		s := make([]Person, 0, len(w.people))
		for _, p := range w.people {
			s = append(s, p)
		}
		slices.SortFunc(s, func(a, b Person) int { return strings.Compare(a.ID, b.ID) })
		w.peopleSorted = s
	}
	return w.peopleSorted
}

// Person returns the person with the given email, compared case-insensitively.
// Tombstones are returned too, with Deleted set.
func (w *Workspace) Person(email string) (Person, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	id, ok := w.byEmail[strings.ToLower(email)]
	if !ok {
		return Person{}, false
	}
	p, ok := w.people[id]
	return p, ok
}

// PersonByID returns the person with the given ID, tombstones included.
func (w *Workspace) PersonByID(id string) (Person, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	p, ok := w.people[id]
	return p, ok
}

// Calendars returns every calendar sorted by ID. The slice is a shared
// snapshot that callers must not modify.
func (w *Workspace) Calendars() []Calendar {
	w.mu.RLock()
	s, n := w.calendarsSorted, len(w.calendars)
	w.mu.RUnlock()
	if s != nil || n == 0 {
		return s
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.calendarsSorted == nil {
		s := make([]Calendar, 0, len(w.calendars))
		for _, c := range w.calendars {
			s = append(s, c)
		}
		slices.SortFunc(s, func(a, b Calendar) int { return strings.Compare(a.ID, b.ID) })
		w.calendarsSorted = s
	}
	return w.calendarsSorted
}

// Calendar returns the calendar with the given ID.
func (w *Workspace) Calendar(id string) (Calendar, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	c, ok := w.calendars[id]
	return cloneCalendar(c), ok
}

// CalendarsFor returns the calendars that email owns or reads, sorted by ID:
// the entries of that person's calendarList.
func (w *Workspace) CalendarsFor(email string) []Calendar {
	w.mu.RLock()
	defer w.mu.RUnlock()
	ids := w.access[strings.ToLower(email)]
	out := make([]Calendar, 0, len(ids))
	for id := range ids {
		out = append(out, cloneCalendar(w.calendars[id]))
	}
	slices.SortFunc(out, func(a, b Calendar) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// CalendarsUnshared returns the calendars email could see and no longer
// can, oldest loss first: the entries a calendarList sync reports deleted.
func (w *Workspace) CalendarsUnshared(email string) []Unshared {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.calendarsLost.list(email)
}

// Events returns the events of a calendar sorted by ID, cancelled ones and
// recurring exceptions included.
func (w *Workspace) Events(calendarID string) []Event {
	w.mu.RLock()
	defer w.mu.RUnlock()
	evs := w.events[calendarID]
	out := make([]Event, 0, len(evs))
	for _, e := range evs {
		out = append(out, cloneEvent(e))
	}
	slices.SortFunc(out, func(a, b Event) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Event returns one event of a calendar.
func (w *Workspace) Event(calendarID, eventID string) (Event, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	e, ok := w.events[calendarID][eventID]
	return cloneEvent(e), ok
}

// Files returns every file sorted by ID. The slice is a shared snapshot and
// the files are immutable: callers must modify neither.
func (w *Workspace) Files() []*File {
	w.mu.RLock()
	s, n := w.filesSorted, len(w.files)
	w.mu.RUnlock()
	if s != nil || n == 0 {
		return s
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.filesSorted == nil {
		s := make([]*File, 0, len(w.files))
		for _, f := range w.files {
			s = append(s, f)
		}
		slices.SortFunc(s, func(a, b *File) int { return strings.Compare(a.ID, b.ID) })
		w.filesSorted = s
	}
	return w.filesSorted
}

// File returns the file with the given ID. The file is immutable: PutFile
// replaces it rather than changing it.
func (w *Workspace) File(id string) (*File, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	f, ok := w.files[id]
	return f, ok
}

// FilesUnshared returns the files email could see and no longer can,
// oldest loss first: the changes feed reports them removed.
func (w *Workspace) FilesUnshared(email string) []Unshared {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.filesLost.list(email)
}

// FilesFor returns the files that email owns or that are shared with it,
// sorted by ID. The files are immutable.
func (w *Workspace) FilesFor(email string) []*File {
	w.mu.RLock()
	defer w.mu.RUnlock()
	ids := w.fileAccess[strings.ToLower(email)]
	out := make([]*File, 0, len(ids))
	for id := range ids {
		out = append(out, w.files[id])
	}
	slices.SortFunc(out, func(a, b *File) int { return strings.Compare(a.ID, b.ID) })
	return out
}
