package workspace_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// recorder collects the changes a subscriber sees.
type recorder struct {
	mu      sync.Mutex
	changes []workspace.Change
}

// add records one change.
func (r *recorder) add(c workspace.Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changes = append(r.changes, c)
}

// got returns the changes seen so far.
func (r *recorder) got() []workspace.Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]workspace.Change(nil), r.changes...)
}

func TestMutationsBumpSeqAndNotify(t *testing.T) {
	t.Parallel()
	w := workspace.New("m.test", "C0m")
	clock := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	w.Now = func() time.Time { return clock }
	var rec recorder
	cancel := w.Subscribe(rec.add)

	w.PutPerson(workspace.Person{ID: "c1", Email: "Ann@m.test", DisplayName: "Ann"})
	w.PutEvent(workspace.Event{ID: "e1", CalendarID: "ann@m.test", Status: workspace.StatusConfirmed,
		Attendees: []workspace.Attendee{{Email: "ann@m.test"}}})
	f := &workspace.File{ID: "f1", Name: "r.mp4", MimeType: workspace.MimeMP4, Owner: "ann@m.test",
		SharedWith: []string{"bob@m.test"}, Body: workspace.BytesBody([]byte("abc"))}
	w.PutFile(f)
	f.Name = "changed after put"
	if err := w.DeletePerson("c1"); err != nil {
		t.Fatal(err)
	}
	if err := w.CancelEvent("ann@m.test", "e1"); err != nil {
		t.Fatal(err)
	}
	if err := w.TrashFile("f1"); err != nil {
		t.Fatal(err)
	}
	// Repeating a state change is a no-op.
	if err := w.TrashFile("f1"); err != nil {
		t.Fatal(err)
	}
	cancel()
	cancel()
	w.PutPerson(workspace.Person{ID: "c2", Email: "bob@m.test"})

	want := []workspace.Change{
		{Seq: 1, Kind: workspace.KindPerson, ID: "c1"},
		{Seq: 2, Kind: workspace.KindEvent, ID: "e1", CalendarID: "ann@m.test"},
		{Seq: 3, Kind: workspace.KindFile, ID: "f1"},
		{Seq: 4, Kind: workspace.KindPerson, ID: "c1"},
		{Seq: 5, Kind: workspace.KindEvent, ID: "e1", CalendarID: "ann@m.test"},
		{Seq: 6, Kind: workspace.KindFile, ID: "f1"},
	}
	if diff := cmp.Diff(want, rec.got()); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if got := w.Seq(); got != 7 {
		t.Errorf("Seq() = %d, want 7", got)
	}
	if p, ok := w.Person("ANN@m.test"); !ok || !p.Deleted || p.Seq != 4 {
		t.Errorf("Person(ann) = %+v, %v; want a tombstone with Seq 4", p, ok)
	}
	if e, _ := w.Event("ann@m.test", "e1"); e.Status != workspace.StatusCancelled || !e.Updated.Equal(clock) || e.Seq != 5 {
		t.Errorf("cancelled event = %+v", e)
	}
	got, _ := w.File("f1")
	if got.Name != "r.mp4" || !got.Trashed || got.Seq != 6 || got.Size != 3 {
		t.Errorf("file = %+v; want the put copy, trashed, Seq 6, Size from its body", got)
	}
	if files := w.FilesFor("BOB@m.test"); len(files) != 1 {
		t.Errorf("FilesFor(bob) = %d files, want the shared one", len(files))
	}
}

func TestMutationsOfMissingItems(t *testing.T) {
	t.Parallel()
	var w workspace.Workspace // the zero value is usable
	for name, err := range map[string]error{
		"DeletePerson": w.DeletePerson("c404"),
		"CancelEvent":  w.CancelEvent("a@m.test", "e404"),
		"TrashFile":    w.TrashFile("f404"),
	} {
		if !errors.Is(err, workspace.ErrNotFound) {
			t.Errorf("%s: error %v, want ErrNotFound", name, err)
		}
	}
	if w.Seq() != 0 || w.People() != nil || w.Files() != nil || w.Calendars() != nil {
		t.Error("failed mutations changed the workspace")
	}
}

func TestReadsReturnCopies(t *testing.T) {
	t.Parallel()
	w := workspace.New("m.test", "")
	w.PutCalendar(workspace.Calendar{ID: "a@m.test", Owner: "a@m.test", Primary: true, ReaderEmails: []string{"b@m.test"}})
	w.PutEvent(workspace.Event{ID: "e1", CalendarID: "a@m.test", Attendees: []workspace.Attendee{{Email: "b@m.test"}}})
	c, _ := w.Calendar("a@m.test")
	c.ReaderEmails[0] = "mallory@m.test"
	e, _ := w.Event("a@m.test", "e1")
	e.Attendees[0].Email = "mallory@m.test"
	w.Events("a@m.test")[0].Attendees[0].Email = "mallory@m.test"
	if c, _ := w.Calendar("a@m.test"); c.ReaderEmails[0] != "b@m.test" {
		t.Error("modifying a returned calendar changed the workspace")
	}
	if e, _ := w.Event("a@m.test", "e1"); e.Attendees[0].Email != "b@m.test" {
		t.Error("modifying a returned event changed the workspace")
	}
	if cals := w.CalendarsFor("b@m.test"); len(cals) != 1 || cals[0].ID != "a@m.test" {
		t.Errorf("CalendarsFor(reader) = %+v", cals)
	}
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	t.Parallel()
	w, err := workspace.Generate(workspace.GenerateOptions{Seed: 3, People: 200, MeetingsPerCalendar: 2,
		MeetShare: 1, RecordingShare: 1, TranscriptShare: 1, RecordingSize: 64, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	people := w.People()
	var notified sync.Map
	var last atomic.Int64
	defer w.Subscribe(func(c workspace.Change) {
		if _, dup := notified.LoadOrStore(c.Seq, true); dup {
			t.Errorf("change %d notified twice", c.Seq)
		}
		if prev := last.Swap(c.Seq); prev >= c.Seq {
			t.Errorf("change %d notified after change %d", c.Seq, prev)
		}
		w.Person(people[0].Email) // subscribers may read
	})()
	// Subscribers may mutate too; their changes are delivered after the
	// current one.
	defer w.Subscribe(func(c workspace.Change) {
		if c.Kind == workspace.KindFile {
			w.PutCalendar(workspace.Calendar{ID: "audit@" + now.String(), Owner: people[0].Email})
		}
	})()
	start := w.Seq()
	const writers, writes = 4, 50
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			for j := range writes {
				p := people[(i*writes+j)%len(people)]
				p.Title = fmt.Sprintf("title %d", j)
				w.PutPerson(p)
				for _, f := range w.FilesFor(p.Email) {
					_ = w.TrashFile(f.ID)
				}
			}
		})
		wg.Go(func() {
			for range writes {
				for _, p := range w.People() {
					_, _ = w.Person(p.Email)
				}
				for _, f := range w.Files() {
					_ = f.Checksum()
				}
				for _, c := range w.CalendarsFor(people[i].Email) {
					_ = w.Events(c.ID)
				}
			}
		})
	}
	wg.Wait()
	n := 0
	notified.Range(func(any, any) bool { n++; return true })
	if got := w.Seq() - start; int64(n) != got || got < writers*writes {
		t.Errorf("%d changes notified, sequence advanced by %d, want at least %d", n, got, writers*writes)
	}
}

func TestMeetRecordingsFolderID(t *testing.T) {
	t.Parallel()
	a, b := workspace.MeetRecordingsFolderID("ada@acme.test"), workspace.MeetRecordingsFolderID("ADA@acme.test")
	if a != b || len(a) != 33 || a == workspace.MeetRecordingsFolderID("bob@acme.test") {
		t.Errorf("folder ids %q, %q: want equal, 33 characters, distinct per person", a, b)
	}
}

func TestUnshared(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	w := workspace.New("acme.test", "C01")
	w.Now = func() time.Time { return at }
	w.PutFile(&workspace.File{ID: "f1", Owner: "ada@acme.test", SharedWith: []string{"Bob@acme.test", "cy@acme.test"}})
	w.PutCalendar(workspace.Calendar{ID: "team", Owner: "ada@acme.test", ReaderEmails: []string{"bob@acme.test"}})
	if got := w.FilesUnshared("bob@acme.test"); len(got) != 0 {
		t.Fatalf("before any unsharing: %v", got)
	}
	w.PutFile(&workspace.File{ID: "f1", Owner: "ada@acme.test", SharedWith: []string{"cy@acme.test"}})
	fileSeq := w.Seq()
	w.PutCalendar(workspace.Calendar{ID: "team", Owner: "ada@acme.test"})
	calSeq := w.Seq()
	if diff := cmp.Diff([]workspace.Unshared{{ID: "f1", Seq: fileSeq, Time: at}}, w.FilesUnshared("BOB@acme.test")); diff != "" {
		t.Errorf("files bob lost (-want +got):\n%s", diff)
	}
	if got := w.FilesUnshared("cy@acme.test"); len(got) != 0 {
		t.Errorf("cy, still a reader, lost %v", got)
	}
	if diff := cmp.Diff([]workspace.Unshared{{ID: "team", Seq: calSeq, Time: at}}, w.CalendarsUnshared("bob@acme.test")); diff != "" {
		t.Errorf("calendars bob lost (-want +got):\n%s", diff)
	}
	w.PutFile(&workspace.File{ID: "f1", Owner: "ada@acme.test", SharedWith: []string{"bob@acme.test"}})
	if got := w.FilesUnshared("bob@acme.test"); len(got) != 0 {
		t.Errorf("bob, shared again, still has lost %v", got)
	}
	if got := w.FilesUnshared("cy@acme.test"); len(got) != 1 || got[0].ID != "f1" {
		t.Errorf("cy, taken off now, lost %v", got)
	}
}
