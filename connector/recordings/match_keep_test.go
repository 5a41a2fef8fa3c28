package recordings

import (
	"context"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestUpsertKeepsTheMeeting checks that a discovery that matched no
// meeting, because it read the meetings before a calendar sync stored
// them and wrote after another discovery matched the file, leaves the
// file's meeting as it was: the end state does not depend on which
// discovery writes last.
func TestUpsertKeepsTheMeeting(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
		s := &store{db: db, now: func() time.Time { return now }}
		matched := Recording{UserID: "u-1", FileID: "f1", Kind: KindRecording, Name: "Sync - 2026/11/20 14:00 UTC - Recording",
			MimeType: mimeMP4, Size: 10, MD5: "aa", MeetingID: "m1", MeetCode: "abc-defg-hij"}
		stale := matched
		stale.MeetingID, stale.MeetCode = "", ""
		for _, r := range []Recording{matched, stale} {
			if _, err := s.upsert(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.get(ctx, "u-1", "f1")
		if err != nil {
			t.Fatal(err)
		}
		if got.MeetingID != "m1" || got.MeetCode != "abc-defg-hij" {
			t.Errorf("after a stale discovery the file matches meeting %q (%q), want m1 (abc-defg-hij)", got.MeetingID, got.MeetCode)
		}
		moved := matched
		moved.MeetingID, moved.MeetCode = "m2", "xyz-abcd-efg"
		if _, err := s.upsert(ctx, moved); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.get(ctx, "u-1", "f1"); got.MeetingID != "m2" || got.MeetCode != "xyz-abcd-efg" {
			t.Errorf("after a match to another meeting the file matches %q (%q), want m2", got.MeetingID, got.MeetCode)
		}
	})
}
