package recordings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/retry"
)

// MaxExport is the largest text Drive exports (google-spec.md §5.5), and so
// the most a transcript import holds in memory.
const MaxExport = 10 << 20

// ImportTranscript exports a Meet transcript as text/plain and stores the
// text, marking the transcript transcribed. When Drive refuses with
// exportSizeLimitExceeded, the transcript is marked failed and the recording
// of its meeting is queued for transcription instead; that is not an error.
func (s *Service) ImportTranscript(ctx context.Context, userID, fileID string) error {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return err
	}
	if r.Kind != KindTranscript {
		return fmt.Errorf("importing %s: %w", fileID, ErrWrongKind)
	}
	dctx, svc, err := s.drive(ctx, userID)
	if err != nil {
		return err
	}
	var text string
	err = retry.Do(dctx, s.o.Retry, func(ctx context.Context) error {
		var err error
		text, err = export(ctx, svc, fileID)
		return err
	})
	switch {
	case errors.Is(err, ErrExportTooLarge):
		if err := s.store.setFailed(ctx, userID, fileID, err, 0); err != nil {
			return err
		}
		return s.queueMeeting(ctx, r, CodeWaitExportTooLarge)
	case err != nil:
		err = fmt.Errorf("exporting %s: %w", fileID, err)
		return errors.Join(err, s.store.setFailed(ctx, userID, fileID, err, 0))
	}
	if err := s.store.setTranscript(ctx, userID, fileID, Transcript{Engine: engineMeet, Text: text, Segments: parseMeetTranscript(text)}); err != nil {
		return err
	}
	return s.transcribeMeeting(ctx, r)
}

// transcribeMeeting schedules again the transcription of the recordings of
// a transcript's meeting that wait, once the transcript is imported: a
// recording transcribed before the import (it had failed, or had not run
// yet) ends transcribed from it, as one transcribed after it does.
func (s *Service) transcribeMeeting(ctx context.Context, t Recording) error {
	if t.MeetingID == "" {
		return nil
	}
	recs, err := s.store.list(ctx, t.UserID, `meeting_id = ? AND kind = ? AND state = ?`, t.MeetingID, KindRecording, StateQueued)
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range recs {
		if _, err := s.next(ctx, r); err != nil {
			errs = append(errs, fmt.Errorf("transcribing %s from its meeting's transcript: %w", r.FileID, err))
		}
	}
	return errors.Join(errs...)
}

// queueMeeting queues for transcription the downloaded recordings of the
// transcript's meeting, with a reason.
func (s *Service) queueMeeting(ctx context.Context, t Recording, reason string) error {
	if t.MeetingID == "" {
		return nil
	}
	recs, err := s.store.list(ctx, t.UserID, `meeting_id = ? AND kind = ? AND state IN (?, ?)`,
		t.MeetingID, KindRecording, StateDownloaded, StateQueued)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := s.store.setState(ctx, r.UserID, r.FileID, StateQueued, reason, r.Done); err != nil {
			return err
		}
	}
	return nil
}

// export sends one files.export as text/plain and reads at most MaxExport
// bytes of it, through a fixed buffer. The text is made valid UTF-8 without
// NUL bytes, as the databases require.
func export(ctx context.Context, svc *drive.Service, fileID string) (string, error) {
	resp, err := svc.Files.Export(fileID, "text/plain").Context(ctx).Download()
	var gerr *googleapi.Error
	if errors.As(err, &gerr) && gerr.Code == http.StatusForbidden && googlehttp.HasReason(gerr, "exportSizeLimitExceeded") {
		return "", fmt.Errorf("%w: %w", ErrExportTooLarge, err)
	}
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var b strings.Builder
	n, err := io.CopyBuffer(&b, io.LimitReader(resp.Body, MaxExport+1), make([]byte, 32<<10))
	if err != nil {
		return "", err
	}
	if n > MaxExport {
		return "", ErrExportTooLarge
	}
	return strings.ReplaceAll(strings.ToValidUTF8(b.String(), "\uFFFD"), "\x00", ""), nil
}

// Transcribe hands a queued (or downloaded) recording to the Transcriber
// and stores the transcript, marking the recording transcribed. When the
// Transcriber has no transcript, the recording stays queued with its reason
// and Transcribe returns nil; when it never will, the recording fails with
// its reason and Transcribe returns nil; other failures keep it queued and
// are returned, for the job to retry.
func (s *Service) Transcribe(ctx context.Context, userID, fileID string) error {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return err
	}
	if r.Kind != KindRecording {
		return fmt.Errorf("transcribing %s: %w", fileID, ErrWrongKind)
	}
	if r.State != StateQueued && r.State != StateDownloaded {
		return nil
	}
	t, err := s.trans.Transcribe(ctx, s.withPath(r))
	if errors.Is(err, ErrCannotTranscribe) {
		return s.store.setFailed(ctx, userID, fileID, err, r.Done)
	}
	if err != nil && ctx.Err() != nil {
		// Stopped, not failed: the recording stays queued for the next run.
		serr := s.store.setState(context.WithoutCancel(ctx), userID, fileID, StateQueued, CodeWaitInterrupted, r.Done)
		return errors.Join(fmt.Errorf("transcribing %s: %w", fileID, err), serr)
	}
	if err != nil {
		code, detail := CodeWaitNoTranscript, ""
		switch {
		case errors.Is(err, ErrExportTooLarge):
			code = CodeWaitExportTooLarge
		case !errors.Is(err, ErrNoTranscript):
			code, detail = failureOf(err)
		}
		if serr := s.store.setStateDetail(ctx, userID, fileID, StateQueued, code, detail, r.Done); serr != nil || errors.Is(err, ErrNoTranscript) {
			return serr
		}
		return fmt.Errorf("transcribing %s: %w", fileID, err)
	}
	return s.store.setTranscript(ctx, userID, fileID, t)
}

// engineMeet names the Meet engine.
const engineMeet = "meet"

// meetEngine is the first Transcriber: a recording's transcript is Meet's
// own transcript of the same meeting, imported if it was not yet.
type meetEngine struct{ s *Service }

// Transcribe returns a reference to the meeting's imported Meet transcript.
func (e meetEngine) Transcribe(ctx context.Context, rec Recording) (Transcript, error) {
	if rec.MeetingID == "" {
		return Transcript{}, fmt.Errorf("%w: the recording matches no meeting, so Meet's transcript is unknown", ErrNoTranscript)
	}
	docs, err := e.s.store.list(ctx, rec.UserID, `meeting_id = ? AND kind = ?`, rec.MeetingID, KindTranscript)
	if err != nil {
		return Transcript{}, err
	}
	reason := "the meeting has no Meet transcript"
	for _, d := range docs {
		if d.State == StateFound {
			if err := e.s.ImportTranscript(ctx, d.UserID, d.FileID); err != nil {
				return Transcript{}, err
			}
			if d, err = e.s.store.get(ctx, d.UserID, d.FileID); err != nil {
				return Transcript{}, err
			}
		}
		switch d.State {
		case StateTranscribed:
			return Transcript{Engine: engineMeet, FileID: d.FileID}, nil
		case StateFailed:
			if d.Reason == CodeExportTooLarge {
				return Transcript{}, fmt.Errorf("%w: %w", ErrNoTranscript, ErrExportTooLarge)
			}
			reason = "Meet's transcript could not be imported (" + d.Reason + ")"
		}
	}
	return Transcript{}, fmt.Errorf("%w: %s", ErrNoTranscript, reason)
}
