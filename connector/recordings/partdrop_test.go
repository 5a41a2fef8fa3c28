package recordings_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/sqldb/sqldbtest"
)

// TestRefusedDownloadDropsItsPart: a partial download that an earlier
// attempt left for the next one to resume from is deleted when the next
// attempt is refused (drive.readonly was suspended meanwhile), since no
// attempt will resume it any more.
func TestRefusedDownloadDropsItsPart(t *testing.T) {
	t.Parallel()
	sqldbtest.EachURL(t, func(t *testing.T, url string) {
		t.Parallel()
		e := &jobsEnv{h: newHarness(t, options{db: sqldbtest.Migrated(t, url)}), url: url, spool: t.TempDir()}
		r, s := e.open(t, nil)
		ctx := context.Background()
		if _, err := s.Discover(ctx, e.h.userID); err != nil {
			t.Fatal(err)
		}
		rec := firstOfKind(t, s, e.h.userID, recordings.KindRecording)
		sum := sha256.Sum256([]byte(e.h.userID))
		part := filepath.Join(e.spool, hex.EncodeToString(sum[:12]), rec.FileID+".mp4.part")
		if err := os.MkdirAll(filepath.Dir(part), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(part, []byte("the first bytes of an earlier attempt"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := e.h.Grants.Suspend(ctx, e.h.userID, scopes.DriveReadonly); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Retry(ctx, e.h.userID, rec.FileID); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		for _, j := range waitIdle(t, r) {
			if j.Kind == recordings.JobDownload && j.State != "cancelled" {
				t.Errorf("the refused download ended %s, want cancelled", j.State)
			}
		}
		if _, err := os.Stat(part); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the partial download is still in the spool after the download was refused for good (%v)", err)
		}
	})
}
