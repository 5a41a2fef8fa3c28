package recordings

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"google.golang.org/api/drive/v3"

	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/scopes/grant"
)

// maxResumes bounds how many times a download that keeps making progress
// starts a new round of retries.
const maxResumes = 50

// Download streams a recording into the spool, resuming after a cut with a
// Range request, and checks its size and md5 against Drive's. It moves the
// recording to downloading, then downloaded and queued for transcription;
// on a final failure it marks it failed with the reason, and returns the
// error. A recording already downloaded is left alone. When the member's
// grant is revoked, or their data purged, before the download is recorded,
// the spooled bytes are deleted and the error wraps grant.ErrRevoked or
// ErrNotFound.
func (s *Service) Download(ctx context.Context, userID, fileID string) error {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return err
	}
	if r.Kind != KindRecording {
		return fmt.Errorf("downloading %s: %w", fileID, ErrWrongKind)
	}
	if whole, err := s.spooledWhole(ctx, r); whole || err != nil {
		return err
	}
	if err := s.store.setState(ctx, userID, fileID, StateDownloading, "", r.Done); err != nil {
		return err
	}
	done, err := s.fetch(ctx, r)
	switch {
	case err != nil && ctx.Err() != nil:
		// Stopped, not failed: the next run resumes.
		err = errors.Join(err, s.store.setState(context.WithoutCancel(ctx), userID, fileID, StateDownloading, CodeWaitInterrupted, done))
	case err != nil:
		err = errors.Join(err, s.store.setFailed(ctx, userID, fileID, err, done))
	default:
		err = s.store.setState(ctx, userID, fileID, StateDownloaded, "", done)
		if err == nil {
			err = s.store.setState(ctx, userID, fileID, StateQueued, CodeWaitTranscription, done)
		}
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, grant.ErrRevoked) {
		// The member was revoked or purged during the download: keep
		// nothing of it.
		return errors.Join(err, s.dropSpool(userID, fileID))
	}
	return err
}

// fetch downloads r into its spool path through a temporary file, which a
// later run resumes from. It returns the bytes spooled.
func (s *Service) fetch(ctx context.Context, r Recording) (int64, error) {
	final := s.spoolPath(r.UserID, r.FileID)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return 0, fmt.Errorf("creating the spool folder: %w", err)
	}
	part := final + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return 0, fmt.Errorf("opening %s: %w", part, err)
	}
	defer f.Close()
	sp := newSpooler(f)
	defer sp.close()
	sp.watch = s.watchRevocation(ctx, r)
	if err := sp.resume(r.Size); err != nil {
		return 0, err
	}
	stop := s.trackDownload(ctx, r, sp)
	defer stop()
	// A temporary file left whole by a run that stopped before the rename
	// needs no request: a Range past its end would get 416.
	if sp.off < r.Size || r.Size == 0 {
		if err := s.transfer(ctx, sp, r.UserID, r.FileID); err != nil {
			return sp.off, err
		}
	}
	if got := hex.EncodeToString(sp.digest()); sp.off != r.Size || r.MD5 != "" && got != r.MD5 {
		_ = os.Remove(part)
		return 0, fmt.Errorf("%w: got %d bytes with md5 %s, Drive reports %d bytes with md5 %s", ErrVerify, sp.off, got, r.Size, r.MD5)
	}
	if err := f.Sync(); err != nil {
		return sp.off, fmt.Errorf("syncing %s: %w", part, err)
	}
	if err := os.Rename(part, final); err != nil {
		return sp.off, fmt.Errorf("moving %s into place: %w", part, err)
	}
	return sp.off, nil
}

// transfer downloads the rest of a file into sp, one retried request per
// round; a round that made progress before it failed starts another, up to
// maxResumes.
func (s *Service) transfer(ctx context.Context, sp *spooler, userID, fileID string) error {
	ctx, svc, err := s.drive(ctx, userID)
	if err != nil {
		return err
	}
	for resumes := 0; ; resumes++ {
		before := sp.off
		err := retry.Do(ctx, s.o.Retry, func(ctx context.Context) error { return sp.get(ctx, svc, fileID) })
		if err == nil {
			return nil
		}
		if sp.off == before || resumes == maxResumes || !retry.Retryable(err) {
			return fmt.Errorf("downloading %s: %w", fileID, err)
		}
	}
}

// get sends one files.get?alt=media for the bytes not yet spooled and
// appends what arrives, even when the body is cut: the next attempt asks
// for the rest with a Range header.
func (sp *spooler) get(ctx context.Context, svc *drive.Service, fileID string) error {
	call := svc.Files.Get(fileID).Context(ctx)
	if sp.off > 0 {
		call.Header().Set("Range", "bytes="+strconv.FormatInt(sp.off, 10)+"-")
	}
	resp, err := call.Download()
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if sp.off > 0 && resp.StatusCode == http.StatusPartialContent {
		if first, _, _, err := parseContentRange(resp.Header.Get("Content-Range")); err != nil || first != sp.off {
			// Not the bytes asked for: ask for the whole file instead.
			resp.Body.Close()
			if err := sp.restart(); err != nil {
				return fmt.Errorf("restarting the download: %w", err)
			}
			return sp.get(ctx, svc, fileID)
		}
	}
	if sp.off > 0 && resp.StatusCode != http.StatusPartialContent {
		// The whole file came back: start again from its first byte.
		if err := sp.restart(); err != nil {
			return fmt.Errorf("restarting the download: %w", err)
		}
	}
	return sp.readFrom(resp.Body)
}
