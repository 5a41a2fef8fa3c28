package recordings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/scopetrail/scopetrail/scopes/grant"
)

// ErrNotSpooled means a recording has no spooled file to play: it is not
// downloaded yet, or its audio expired (RECORDING_RETENTION). It wraps
// ErrNotFound.
var ErrNotSpooled = fmt.Errorf("recordings: no spooled file: %w", ErrNotFound)

// DefaultMediaType is the content type of a recording whose Drive type is
// not an audio or video type: Meet records MP4.
const DefaultMediaType = "video/mp4"

// mediaCheckEvery spaces the checks, while a spooled file is read, that it
// is still in the spool.
const mediaCheckEvery = time.Second

// Media is a recording's spooled file, open for reading. Close it.
type Media struct {
	// File reads and seeks the file; it fails once the file left the
	// spool, purged or expired while it was read.
	File io.ReadSeekCloser
	// Size is its length in bytes and ModTime when it was spooled.
	Size    int64
	ModTime time.Time
	// ContentType is its audio or video type, such as "video/mp4".
	ContentType string
	// MD5 is the checksum Drive reports, which the download matched; ""
	// when Drive gives none.
	MD5 string
	// Name is the recording's name in Drive.
	Name string
}

// Close closes the file.
func (m Media) Close() error { return m.File.Close() }

// AudioOnly reports whether the recording is sound without pictures.
func (m Media) AudioOnly() bool { return strings.HasPrefix(m.ContentType, "audio/") }

// OpenMedia opens the spooled file of one of a member's recordings, for the
// member to play or save. It returns an error wrapping ErrNotFound when
// the member has no such file, ErrWrongKind for a transcript,
// ErrNotSpooled when the recording has no spooled file, and
// grant.ErrRevoked when the member's grant is revoked (their data is being
// purged).
func (s *Service) OpenMedia(ctx context.Context, userID, fileID string) (Media, error) {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return Media{}, err
	}
	if r.Kind != KindRecording {
		return Media{}, fmt.Errorf("playing %s: %w", fileID, ErrWrongKind)
	}
	if s.withPath(r).Path == "" {
		return Media{}, fmt.Errorf("playing %s: %w", fileID, ErrNotSpooled)
	}
	var st grant.Status
	err = s.o.DB.QueryRow(ctx, `SELECT status FROM grants WHERE user_id = ?`, userID).Scan(&st)
	if err == nil && st == grant.StatusRevoked {
		return Media{}, fmt.Errorf("playing %s: %w", fileID, grant.ErrRevoked)
	}
	path := s.spoolPath(userID, fileID)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Media{}, fmt.Errorf("playing %s: %w", fileID, ErrNotSpooled)
	}
	if err != nil {
		return Media{}, fmt.Errorf("opening the spooled file of %s: %w", fileID, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return Media{}, fmt.Errorf("reading the spooled file of %s: %w", fileID, err)
	}
	ct := r.MimeType
	if !strings.HasPrefix(ct, "video/") && !strings.HasPrefix(ct, "audio/") {
		ct = DefaultMediaType
	}
	return Media{File: &spooledFile{File: f, path: path, checked: time.Now()}, Size: info.Size(), ModTime: info.ModTime(),
		ContentType: ct, MD5: r.MD5, Name: r.Name}, nil
}

// spooledFile is a spooled recording being read. An open file outlives its
// deletion, so every mediaCheckEvery it checks that the file is still in
// the spool: once a purge (a revocation) or the retention removed it, reads
// fail, and a long stream to the browser stops.
type spooledFile struct {
	*os.File
	path    string
	checked time.Time
}

// errLeftSpool is what a read returns once the file left the spool.
var errLeftSpool = fmt.Errorf("the recording left the spool while it was read: %w", ErrNotSpooled)

// Read reads the file while it is in the spool.
func (f *spooledFile) Read(p []byte) (int, error) {
	if time.Since(f.checked) >= mediaCheckEvery {
		if _, err := os.Stat(f.path); err != nil {
			return 0, errLeftSpool
		}
		f.checked = time.Now()
	}
	return f.File.Read(p)
}
