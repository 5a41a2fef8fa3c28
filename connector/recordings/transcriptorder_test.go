package recordings_test

import (
	"context"
	"testing"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// TestTranscriptImportedLateTranscribesTheRecording: a recording
// transcribed while its meeting's Meet transcript could not be imported
// waits; once the transcript is imported (here by a retry, after the
// export works again), the recording ends transcribed from it, as it does
// when the transcript is imported first. The end state does not depend on
// the order.
func TestTranscriptImportedLateTranscribesTheRecording(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	s := h.service(nil)
	ctx := context.Background()
	rec, doc := firstRecording(t, h, s)
	f, _ := h.Workspace.File(doc.FileID)
	normal := *f
	big := *f
	big.ExportText = workspace.TranscriptBody(f.ID, fakeapi.ExportSizeLimit+1, nil)
	h.Workspace.PutFile(&big)
	if err := s.Process(ctx, h.userID, rec.FileID); err != nil {
		t.Fatalf("Process: %v", err)
	}
	if got, _ := s.Recording(ctx, h.userID, rec.FileID); got.State != recordings.StateQueued {
		t.Fatalf("while the transcript cannot be exported the recording is %s (%q), want queued", got.State, got.Reason)
	}
	h.Workspace.PutFile(&normal)
	if _, err := s.Retry(ctx, h.userID, doc.FileID); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	if got, _ := s.Recording(ctx, h.userID, doc.FileID); got.State != recordings.StateTranscribed {
		t.Fatalf("the transcript is %s (%q) after its retry, want transcribed", got.State, got.Reason)
	}
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateTranscribed || got.TranscriptFrom != doc.FileID {
		t.Errorf("after the transcript was imported the recording is %s (%q), transcript from %q; want transcribed from %s",
			got.State, got.Reason, got.TranscriptFrom, doc.FileID)
	}
}
