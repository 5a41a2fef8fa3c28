package recordings_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes"
	"github.com/scopetrail/scopetrail/scopes/grant"
	"github.com/scopetrail/scopetrail/scopes/sqldb"
)

// TestOpenMedia opens, on each database, a downloaded recording for its
// member: its bytes are Drive's, with their size and type. Nobody else can
// open it, nor a transcript, nor a recording not downloaded yet, nor one
// whose member was revoked or purged.
func TestOpenMedia(t *testing.T) {
	t.Parallel()
	eachDB(t, testOpenMedia)
}

func testOpenMedia(t *testing.T, db *sqldb.DB) {
	h := newHarness(t, options{db: db})
	s := h.service(nil)
	ctx := context.Background()
	rec, doc := firstRecording(t, h, s)
	if _, err := s.OpenMedia(ctx, h.userID, rec.FileID); !errors.Is(err, recordings.ErrNotSpooled) || !errors.Is(err, recordings.ErrNotFound) {
		t.Errorf("OpenMedia before the download = %v, want ErrNotSpooled (an ErrNotFound)", err)
	}
	if err := s.Download(ctx, h.userID, rec.FileID); err != nil {
		t.Fatalf("Download: %v", err)
	}
	m, err := s.OpenMedia(ctx, h.userID, rec.FileID)
	if err != nil {
		t.Fatalf("OpenMedia: %v", err)
	}
	sum := md5.New()
	n, err := io.Copy(sum, m.File)
	m.Close()
	if err != nil || n != rec.Size || m.Size != rec.Size || hex.EncodeToString(sum.Sum(nil)) != rec.MD5 {
		t.Errorf("read %d bytes (%v), size %d; want the %d bytes Drive has", n, err, m.Size, rec.Size)
	}
	if m.ContentType != "video/mp4" || m.AudioOnly() || m.MD5 != rec.MD5 || m.Name != rec.Name || m.ModTime.IsZero() {
		t.Errorf("media = %q audio-only %v md5 %q name %q modified %v", m.ContentType, m.AudioOnly(), m.MD5, m.Name, m.ModTime)
	}

	other := h.Authorize(t, otherEmail(t, h), scopes.OpenID, scopes.Email, scopes.DriveReadonly)
	if _, err := s.OpenMedia(ctx, other, rec.FileID); !errors.Is(err, recordings.ErrNotFound) {
		t.Errorf("OpenMedia by another member = %v, want ErrNotFound", err)
	}
	if _, err := s.OpenMedia(ctx, h.userID, doc.FileID); !errors.Is(err, recordings.ErrWrongKind) {
		t.Errorf("OpenMedia of a transcript = %v, want ErrWrongKind", err)
	}
	if _, err := h.DB.Exec(ctx, `UPDATE grants SET status = ? WHERE user_id = ?`, grant.StatusRevoked, h.userID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenMedia(ctx, h.userID, rec.FileID); !errors.Is(err, grant.ErrRevoked) {
		t.Errorf("OpenMedia once revoked, before the purge = %v, want grant.ErrRevoked", err)
	}
	if _, err := s.Purge(ctx, h.userID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenMedia(ctx, h.userID, rec.FileID); !errors.Is(err, recordings.ErrNotFound) {
		t.Errorf("OpenMedia after a purge = %v, want ErrNotFound", err)
	}
}

// TestMediaStopsWhenPurged: a recording being read when its member is
// purged stops being read within a second: an open file outlives its
// deletion, the stream to the browser must not.
func TestMediaStopsWhenPurged(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	s := h.service(nil)
	ctx := context.Background()
	rec, _ := firstRecording(t, h, s)
	if err := s.Download(ctx, h.userID, rec.FileID); err != nil {
		t.Fatalf("Download: %v", err)
	}
	m, err := s.OpenMedia(ctx, h.userID, rec.FileID)
	if err != nil {
		t.Fatalf("OpenMedia: %v", err)
	}
	defer m.Close()
	if _, err := m.File.Read(make([]byte, 1024)); err != nil {
		t.Fatalf("first read: %v", err)
	}
	if _, err := s.Purge(ctx, h.userID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		_, err := m.File.Read(make([]byte, 1024))
		if errors.Is(err, recordings.ErrNotSpooled) {
			return
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("reads after the purge go on: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// otherEmail returns the email of someone in the workspace other than the
// harness's member.
func otherEmail(t *testing.T, h *harness) string {
	t.Helper()
	for _, p := range h.Workspace.People() {
		if p.Email != h.email {
			return p.Email
		}
	}
	t.Fatal("the workspace has nobody else")
	return ""
}
