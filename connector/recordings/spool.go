package recordings

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
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
