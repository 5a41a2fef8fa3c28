package recordings

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/scopetrail/scopetrail/scopes/grant"
)

// userDir is a member's folder in the spool: named by a digest of the user
// id, so that no id can reach outside the spool.
func (s *Service) userDir(userID string) string {
	sum := sha256.Sum256([]byte(userID))
	return filepath.Join(s.o.SpoolDir, hex.EncodeToString(sum[:12]))
}

// spoolPath is where a recording is spooled. Drive ids are letters,
// digits, '-' and '_'; anything else is replaced so that the name stays
// inside the member's folder.
func (s *Service) spoolPath(userID, fileID string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, fileID)
	return filepath.Join(s.userDir(userID), safe+".mp4")
}

// withPath sets Path for a recording whose download completed.
func (s *Service) withPath(r Recording) Recording {
	if r.Kind == KindRecording && (r.State == StateDownloaded || r.State == StateQueued || r.State == StateTranscribed) {
		r.Path = s.spoolPath(r.UserID, r.FileID)
	}
	return r
}

// dropSpool deletes what a download spooled for a recording, finished or
// not, and the member's folder when nothing else is left in it: used when
// the member was revoked or purged while the download ran. Another download
// of the member running at the same time keeps its folder, and drops its
// own files when it finishes.
func (s *Service) dropSpool(userID, fileID string) error {
	path := s.spoolPath(userID, fileID)
	err := remove(path, path+".part")
	_ = os.Remove(s.userDir(userID)) // Fails, harmlessly, while the folder holds other files.
	return err
}

// dropPart deletes the partial download of a recording, kept for a retry
// to resume from, once no retry will.
func (s *Service) dropPart(userID, fileID string) error {
	if err := remove(s.spoolPath(userID, fileID) + ".part"); err != nil {
		return fmt.Errorf("dropping the partial download of %s: %w", fileID, err)
	}
	return nil
}

// remove deletes files; a file that does not exist is no error.
func remove(paths ...string) error {
	var errs []error
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// spooledWhole reports whether the spool already holds the whole of a
// recording, so that Download fetches nothing. A recording recorded as
// downloaded needs its file of the right size. Any other needs a file whose
// size and md5 are Drive's: one that a download, on this replica or another
// sharing the spool, moved into place before its process died, before it
// recorded the recording downloaded; spooledWhole records it so, queued for
// transcription. When the member was revoked or purged meanwhile, the file
// is deleted and the error wraps grant.ErrRevoked or ErrNotFound.
func (s *Service) spooledWhole(ctx context.Context, r Recording) (bool, error) {
	path := s.spoolPath(r.UserID, r.FileID)
	if st, err := os.Stat(path); err != nil || st.Size() != r.Size {
		return false, nil
	}
	switch r.State {
	case StateDownloaded, StateQueued, StateTranscribed:
		return true, nil
	}
	if r.MD5 == "" {
		return false, nil
	}
	if sum, err := fileMD5(path); err != nil || sum != r.MD5 {
		return false, nil // fetched again, into a fresh temporary file
	}
	err := s.store.setState(ctx, r.UserID, r.FileID, StateDownloaded, "", r.Size)
	if err == nil {
		err = s.store.setState(ctx, r.UserID, r.FileID, StateQueued, CodeWaitTranscription, r.Size)
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, grant.ErrRevoked) {
		err = errors.Join(err, s.dropSpool(r.UserID, r.FileID))
	}
	return true, err
}

// fileMD5 returns the hex md5 of a file.
func fileMD5(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.CopyBuffer(h, f, make([]byte, blockSize)); err != nil {
		return "", fmt.Errorf("hashing %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
