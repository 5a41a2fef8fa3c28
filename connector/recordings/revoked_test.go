package recordings_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestRevokedWhileInFlight revokes a member while a Drive request of theirs
// is in flight, after the door let it out: the revocation marks the grant
// revoked and purges the recordings, rows and spool, as revoke.Service
// does, and when the discovery or the download returns nothing is stored
// for the member, in the database or in the spool, on both databases.
func TestRevokedWhileInFlight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, method string
		// nth is the request of method that the revocation races with: the
		// last one, so that the door refuses none after it.
		nth int
		// run does what races with the revocation, after discovering the
		// member's files when discover is set.
		discover bool
		run      func(s *recordings.Service, userID, fileID string) error
	}{
		{
			// Without meetings, discovery lists the folder, then its files.
			name: "discovery", method: "drive.files.list", nth: 2,
			run: func(s *recordings.Service, userID, _ string) error {
				_, err := s.Discover(context.Background(), userID)
				return err
			},
		},
		{
			name: "download", method: "drive.files.get", nth: 1, discover: true,
			run: func(s *recordings.Service, userID, fileID string) error {
				return s.Download(context.Background(), userID, fileID)
			},
		},
		{
			name: "transcript import", method: "drive.files.export", nth: 1, discover: true,
			run: func(s *recordings.Service, userID, fileID string) error {
				return s.ImportTranscript(context.Background(), userID, fileID)
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
				ctx := context.Background()
				h := newHarness(t, options{db: db})
				spool := t.TempDir()
				s := h.service(func(o *recordings.Options) {
					o.SpoolDir = spool
					if !tc.discover {
						o.Meetings = nil
					}
				})
				fileID := ""
				if tc.discover {
					rec, doc := firstRecording(t, h, s)
					fileID = rec.FileID
					if tc.method == "drive.files.export" {
						fileID = doc.FileID
					}
				}
				err := h.WhileInFlight(t, h.email, tc.method, tc.nth, func() error { return tc.run(s, h.userID, fileID) }, func() {
					if err := h.Grants.Revoke(ctx, h.userID, "test"); err != nil {
						t.Errorf("Revoke: %v", err)
					}
					if _, err := s.Purge(ctx, h.userID); err != nil {
						t.Errorf("Purge: %v", err)
					}
				})
				if !errors.Is(err, grant.ErrRevoked) {
					t.Errorf("%s = %v, want an error wrapping grant.ErrRevoked", tc.name, err)
				}
				if n := h.Count(t, "SELECT COUNT(*) FROM recordings WHERE user_id = ?", h.userID); n != 0 {
					t.Errorf("%d recordings left for the revoked member", n)
				}
				if n := h.Count(t, "SELECT COUNT(*) FROM transcript_segments WHERE user_id = ?", h.userID); n != 0 {
					t.Errorf("%d transcript segments left for the revoked member", n)
				}
				if entries, err := os.ReadDir(spool); err != nil || len(entries) != 0 {
					t.Errorf("spool after the revocation: %v, %v; want it empty", entries, err)
				}
			})
		})
	}
}
