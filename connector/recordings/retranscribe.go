package recordings

import (
	"context"
	"fmt"
	"os"
)

// Retranscribe runs the transcription of a recording again, whatever its
// state: its audio is downloaded again when the spool no longer holds it
// (its retention passed, or it failed), then the Transcriber runs as for a
// new recording. Report progress with WithProgress on ctx.
func (s *Service) Retranscribe(ctx context.Context, userID, fileID string) error {
	r, err := s.store.get(ctx, userID, fileID)
	if err != nil {
		return err
	}
	if r.Kind != KindRecording {
		return fmt.Errorf("transcribing %s again: %w", fileID, ErrWrongKind)
	}
	if fi, err := os.Stat(s.spoolPath(userID, fileID)); err == nil && fi.Size() == r.Size && r.State != StateFailed {
		if err := s.store.setState(ctx, userID, fileID, StateQueued, CodeWaitRetranscribe, r.Done); err != nil {
			return err
		}
		return s.Transcribe(ctx, userID, fileID)
	}
	if err := s.store.setState(ctx, userID, fileID, StateFound, CodeWaitRetranscribe, 0); err != nil {
		return err
	}
	if err := s.Download(ctx, userID, fileID); err != nil {
		return err
	}
	return s.Transcribe(ctx, userID, fileID)
}
