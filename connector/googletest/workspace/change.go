package workspace

import (
	"fmt"
	"time"
)

// subscriber is a registered change callback.
type subscriber struct {
	id int
	fn func(Change)
}

// Subscribe registers fn to be called after every change. Changes are
// delivered one at a time in Seq order, outside the workspace lock, so fn
// may read and even mutate the workspace; it should return quickly. They
// are delivered by the goroutine that made the change, unless another
// goroutine is already delivering, which then delivers this change too; so
// a mutation may return just before its change is delivered. The returned
// cancel function unregisters fn, which may still receive a change already
// being delivered; cancel is safe to call more than once.
func (w *Workspace) Subscribe(fn func(Change)) (cancel func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.nextSub++
	id := w.nextSub
	// Copy on write: commit hands the current slice to notify without copying.
	subs := make([]subscriber, 0, len(w.subs)+1)
	w.subs = append(append(subs, w.subs...), subscriber{id: id, fn: fn})
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		subs := make([]subscriber, 0, len(w.subs))
		for _, s := range w.subs {
			if s.id != id {
				subs = append(subs, s)
			}
		}
		w.subs = subs
	}
}

// next advances the change sequence; the caller holds w.mu for writing.
func (w *Workspace) next() int64 {
	w.seq++
	return w.seq
}

// commit queues c for the subscribers and releases w.mu, which the caller
// holds for writing. Unless another goroutine is delivering already, it
// then delivers the queue, in order, until it is empty.
func (w *Workspace) commit(c Change) {
	w.pending = append(w.pending, c)
	if w.delivering {
		w.mu.Unlock()
		return
	}
	w.delivering = true
	locked := true
	defer func() { // also when a subscriber panics
		if !locked {
			w.mu.Lock()
		}
		w.delivering = false
		w.mu.Unlock()
	}()
	for len(w.pending) > 0 {
		batch, subs := w.pending, w.subs
		w.pending = nil
		w.mu.Unlock()
		locked = false
		for _, c := range batch {
			for _, s := range subs {
				s.fn(c)
			}
		}
		w.mu.Lock()
		locked = true
	}
}

// now returns the workspace clock's current time.
func (w *Workspace) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// PutPerson adds p or replaces the person with the same ID.
func (w *Workspace) PutPerson(p Person) {
	w.mu.Lock()
	p.Seq = w.next()
	w.insertPerson(p)
	w.commit(Change{Seq: p.Seq, Kind: KindPerson, ID: p.ID})
}

// DeletePerson turns the person into a tombstone. It returns ErrNotFound for
// an unknown ID and does nothing for a tombstone.
func (w *Workspace) DeletePerson(id string) error {
	w.mu.Lock()
	p, ok := w.people[id]
	if !ok || p.Deleted {
		w.mu.Unlock()
		if !ok {
			return fmt.Errorf("deleting person %q: %w", id, ErrNotFound)
		}
		return nil
	}
	p.Deleted = true
	p.Seq = w.next()
	w.insertPerson(p)
	w.commit(Change{Seq: p.Seq, Kind: KindPerson, ID: id})
	return nil
}

// PutCalendar adds c or replaces the calendar with the same ID. People
// left out of the new owner and readers lose the calendar (see
// CalendarsUnshared).
func (w *Workspace) PutCalendar(c Calendar) {
	c = cloneCalendar(c)
	w.mu.Lock()
	c.Seq = w.next()
	w.insertCalendar(c)
	w.commit(Change{Seq: c.Seq, Kind: KindCalendar, ID: c.ID})
}

// PutEvent adds e or replaces the event with the same calendar and ID.
func (w *Workspace) PutEvent(e Event) {
	e = cloneEvent(e)
	w.mu.Lock()
	e.Seq = w.next()
	w.insertEvent(e)
	w.commit(Change{Seq: e.Seq, Kind: KindEvent, ID: e.ID, CalendarID: e.CalendarID})
}

// CancelEvent sets the event's status to cancelled and stamps Updated. It
// returns ErrNotFound for an unknown event and does nothing for a cancelled
// one.
func (w *Workspace) CancelEvent(calendarID, eventID string) error {
	w.mu.Lock()
	e, ok := w.events[calendarID][eventID]
	if !ok || e.Status == StatusCancelled {
		w.mu.Unlock()
		if !ok {
			return fmt.Errorf("cancelling event %q of calendar %q: %w", eventID, calendarID, ErrNotFound)
		}
		return nil
	}
	e = cloneEvent(e)
	e.Status = StatusCancelled
	e.Updated = w.now()
	e.Seq = w.next()
	w.insertEvent(e)
	w.commit(Change{Seq: e.Seq, Kind: KindEvent, ID: eventID, CalendarID: calendarID})
	return nil
}

// PutFile adds a copy of f or replaces the file with the same ID. When f has
// a Body, Size is taken from it. People left out of the new owner and
// SharedWith lose the file (see FilesUnshared).
func (w *Workspace) PutFile(f *File) {
	f = cloneFile(f)
	if f.Body != nil {
		f.Size = f.Body.Size()
	}
	w.mu.Lock()
	f.Seq = w.next()
	w.insertFile(f)
	w.commit(Change{Seq: f.Seq, Kind: KindFile, ID: f.ID})
}

// TrashFile moves the file to the trash. It returns ErrNotFound for an
// unknown ID and does nothing for a trashed file.
func (w *Workspace) TrashFile(id string) error {
	w.mu.Lock()
	old, ok := w.files[id]
	if !ok || old.Trashed {
		w.mu.Unlock()
		if !ok {
			return fmt.Errorf("trashing file %q: %w", id, ErrNotFound)
		}
		return nil
	}
	f := cloneFile(old)
	f.Trashed = true
	f.Seq = w.next()
	w.insertFile(f)
	w.commit(Change{Seq: f.Seq, Kind: KindFile, ID: id})
	return nil
}
