package recordings

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestStore runs the store's conformance checks on SQLite and, when
// TEST_POSTGRES_URL is set, PostgreSQL.
func TestStore(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
		s := &store{db: db, now: func() time.Time { return now }}
		rec := Recording{UserID: "u-1", FileID: "f1", Kind: KindRecording, Name: "Sync - 2026/11/20 14:00 UTC - Recording",
			MimeType: mimeMP4, Size: 10, MD5: "aa", Created: now.Add(-time.Hour), Modified: now.Add(-time.Hour),
			MeetingID: "m1", MeetCode: "abc-defg-hij"}
		doc := Recording{UserID: "u-1", FileID: "d1", Kind: KindTranscript, Name: "Sync - Transcript", MimeType: mimeDoc,
			Created: now, Modified: now, MeetingID: "m1"}
		other := Recording{UserID: "u-2", FileID: "f1", Kind: KindRecording, Name: "Theirs", MimeType: mimeMP4, Size: 1, MD5: "bb"}
		for _, r := range []Recording{rec, doc, other} {
			if changed, err := s.upsert(ctx, r); err != nil || changed {
				t.Fatalf("upsert(%s) = %v, %v; want a new row", r.FileID, changed, err)
			}
		}
		got, err := s.get(ctx, "u-1", "f1")
		want := rec
		want.State, want.FoundAt, want.UpdatedAt = StateFound, now, now
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("get (-want +got):\n%s", diff)
		}
		if _, err := s.get(ctx, "u-1", "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("get(unknown) = %v, want ErrNotFound", err)
		}

		// Progress survives a rediscovery of the same content...
		if err := s.setState(ctx, "u-1", "f1", StateQueued, "waiting", 10); err != nil {
			t.Fatal(err)
		}
		renamed := rec
		renamed.Name = "Renamed"
		if changed, err := s.upsert(ctx, renamed); err != nil || changed {
			t.Fatalf("upsert(renamed) = %v, %v; want unchanged", changed, err)
		}
		if got, _ := s.get(ctx, "u-1", "f1"); got.State != StateQueued || got.Name != "Renamed" || got.Done != 10 {
			t.Errorf("after a rename: %s %q %d bytes, want queued, renamed, 10 bytes", got.State, got.Name, got.Done)
		}
		// ...and starts over when the content changed.
		edited := rec
		edited.MD5 = "cc"
		if changed, err := s.upsert(ctx, edited); err != nil || !changed {
			t.Fatalf("upsert(edited) = %v, %v; want changed", changed, err)
		}
		if got, _ := s.get(ctx, "u-1", "f1"); got.State != StateFound || got.Done != 0 || got.Reason != CodeWaitChanged {
			t.Errorf("after an edit: %s (%q) %d bytes, want found again", got.State, got.Reason, got.Done)
		}

		text := "Ada: hello\nBob: <hi> & bye — ünïcode"
		if err := s.setTranscript(ctx, "u-1", "d1", Transcript{Text: text}); err != nil {
			t.Fatal(err)
		}
		if err := s.setTranscript(ctx, "u-1", "f1", Transcript{FileID: "d1"}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.transcript(ctx, "u-1", "d1"); err != nil || got != text {
			t.Errorf("transcript = %q, %v; want %q", got, err, text)
		}
		byMeeting, err := s.byMeetings(ctx, "u-1", []string{"m1", "m2"})
		if err != nil || len(byMeeting) != 2 || byMeeting[0].TranscriptFrom != "d1" {
			t.Errorf("byMeetings = %+v, %v; want both files, oldest first, the recording transcribed from d1", byMeeting, err)
		}

		if n, err := s.purge(ctx, "u-1"); err != nil || n != 2 {
			t.Errorf("purge = %d, %v; want 2 rows", n, err)
		}
		if left, _ := s.list(ctx, "u-1", ""); len(left) != 0 {
			t.Errorf("%d rows left after purge", len(left))
		}
		if _, err := s.get(ctx, "u-2", "f1"); err != nil {
			t.Errorf("purge removed another member's row: %v", err)
		}
	})
}
