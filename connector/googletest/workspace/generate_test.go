package workspace_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// now is the reference time of generated workspaces in these tests.
var now = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// smallOptions sizes a workspace that exercises every generator branch.
func smallOptions(seed int64) workspace.GenerateOptions {
	return workspace.GenerateOptions{
		Seed: seed, Domain: "gen.test", People: 60, CalendarsPerPerson: 2, MeetingsPerCalendar: 8,
		MeetShare: 0.7, RecordingShare: 0.8, TranscriptShare: 0.6, RecordingSize: 4096, Now: now,
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	o := smallOptions(7)
	o.People, o.MeetingsPerCalendar = 20, 5
	a, err := workspace.Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	b, err := workspace.Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(snap(a), snap(b)); diff != "" {
		t.Errorf("same seed, different workspaces (-first +second):\n%s", diff)
	}
	o.Seed++
	c, err := workspace.Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	if cmp.Equal(a.People(), c.People()) {
		t.Error("different seeds gave the same people")
	}
}

func TestGenerateHonoursSizes(t *testing.T) {
	t.Parallel()
	o := smallOptions(1)
	w, err := workspace.Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(w.People()); got != o.People {
		t.Errorf("%d people, want %d", got, o.People)
	}
	if got := len(w.Calendars()); got != o.People*o.CalendarsPerPerson {
		t.Errorf("%d calendars, want %d", got, o.People*o.CalendarsPerPerson)
	}
	emails := make(map[string]bool)
	nonASCII := false
	for _, p := range w.People() {
		if emails[p.Email] || !strings.HasSuffix(p.Email, "@gen.test") {
			t.Errorf("email %q is repeated or outside the domain", p.Email)
		}
		emails[p.Email] = true
		nonASCII = nonASCII || strings.ContainsFunc(p.DisplayName, func(r rune) bool { return r > 127 })
	}
	if !nonASCII {
		t.Error("no generated name uses non-ASCII letters")
	}
	var organized, meet, recordings, transcripts, allDay, recurring, cancelled int
	for _, c := range w.Calendars() {
		for _, e := range w.Events(c.ID) {
			if e.Organizer != c.Owner || e.RecurringEventID != "" {
				continue // attendee copies and exceptions
			}
			organized++
			if e.MeetCode != "" {
				meet++
			}
			allDay += b2i(e.AllDay)
			recurring += b2i(len(e.Recurrence) > 0)
			cancelled += b2i(e.Status == workspace.StatusCancelled)
			if e.Start.Before(now.AddDate(0, 0, -31)) || e.Start.After(now.AddDate(0, 0, 31)) {
				t.Errorf("event %s starts %v, outside 30 days of now", e.ID, e.Start)
			}
		}
	}
	if want := o.People * o.CalendarsPerPerson * o.MeetingsPerCalendar; organized != want {
		t.Errorf("%d organised meetings, want %d", organized, want)
	}
	for _, f := range w.Files() {
		switch f.MimeType {
		case workspace.MimeMP4:
			recordings++
			if f.Size != o.RecordingSize || f.Body.Size() != o.RecordingSize {
				t.Errorf("recording %s is %d bytes, want %d", f.ID, f.Size, o.RecordingSize)
			}
			checkMeetFile(t, w, f)
		case workspace.MimeDocument:
			transcripts++
			checkMeetFile(t, w, f)
		}
	}
	t.Logf("%d meetings: %d Meet, %d recordings, %d transcripts, %d all-day, %d recurring, %d cancelled",
		organized, meet, recordings, transcripts, allDay, recurring, cancelled)
	for name, n := range map[string]int{"Meet": meet, "recording": recordings, "transcript": transcripts,
		"all-day": allDay, "recurring": recurring, "cancelled": cancelled} {
		if n == 0 {
			t.Errorf("no %s meeting generated", name)
		}
	}
}

// checkMeetFile checks where a generated recording or transcript lives and
// how it is linked to its meeting.
func checkMeetFile(t *testing.T, w *workspace.Workspace, f *workspace.File) {
	t.Helper()
	if !f.CreatedByMeet || f.MeetCode == "" || len(f.Parents) != 1 || f.Parents[0] != workspace.MeetRecordingsFolderID(f.Owner) {
		t.Errorf("file %s is not a Meet file in its owner's folder: %+v", f.ID, f)
	}
	if folder, ok := w.File(f.Parents[0]); !ok || folder.Name != "Meet Recordings" || folder.MimeType != workspace.MimeFolder {
		t.Errorf("file %s: no Meet Recordings folder %s", f.ID, f.Parents[0])
	}
	e, ok := w.Event(f.Owner, f.EventID)
	if !ok {
		for _, c := range w.CalendarsFor(f.Owner) {
			if e, ok = w.Event(c.ID, f.EventID); ok {
				break
			}
		}
	}
	if !ok || e.MeetCode != f.MeetCode || !e.End.Before(f.CreatedTime) {
		t.Fatalf("file %s: event %s missing, or not its ended meeting", f.ID, f.EventID)
	}
	want := workspace.AttachmentFor(f)
	found := false
	for _, a := range e.Attachments {
		found = found || a == want
	}
	if !found {
		t.Errorf("event %s lacks attachment %+v", e.ID, want)
	}
	for _, a := range e.Attendees {
		if a.Organizer {
			continue
		}
		if !hasFile(w.FilesFor(a.Email), f.ID) {
			t.Errorf("file %s is not shared with attendee %s", f.ID, a.Email)
		}
		if cp, ok := w.Event(a.Email, e.ID); !ok || len(cp.Attachments) != len(e.Attachments) {
			t.Errorf("attendee %s has no copy of event %s with its attachments", a.Email, e.ID)
		}
	}
}

// hasFile reports whether files holds the id.
func hasFile(files []*workspace.File, id string) bool {
	for _, f := range files {
		if f.ID == id {
			return true
		}
	}
	return false
}

// b2i counts a condition.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestGenerateRejectsBadOptions(t *testing.T) {
	t.Parallel()
	_, err := workspace.Generate(workspace.GenerateOptions{People: -1, MeetShare: 2, RecordingSize: -5, Domain: "a b"})
	if err == nil {
		t.Fatal("Generate accepted bad options")
	}
	for _, want := range []string{"People", "MeetShare", "RecordingSize", "Domain", "Now"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	b.Run("people=10000,meetings", func(b *testing.B) {
		for b.Loop() {
			if _, err := workspace.Generate(workspace.GenerateOptions{Seed: 1, People: 10_000, MeetingsPerCalendar: 2,
				MeetShare: 0.5, RecordingShare: 0.5, TranscriptShare: 0.5, Now: now}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A large directory, as `fakegoogle --generate people=100000` makes.
	b.Run("people=100000", func(b *testing.B) {
		for b.Loop() {
			w, err := workspace.Generate(workspace.GenerateOptions{Seed: 1, People: 100_000, Now: now})
			if err != nil {
				b.Fatal(err)
			}
			if got := len(w.People()); got != 100_000 {
				b.Fatalf("%d people, want 100000", got)
			}
		}
	})
}
