package recordings_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/fakeapi"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/recordings"
)

// TestExportTooLarge: when Drive refuses to export Meet's transcript with
// exportSizeLimitExceeded, the transcript fails with that reason and the
// meeting's recording stays queued for transcription instead.
func TestExportTooLarge(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	s := h.service(nil)
	ctx := context.Background()
	rec, doc := firstRecording(t, h, s)
	f, _ := h.Workspace.File(doc.FileID)
	big := *f
	big.ExportText = workspace.TranscriptBody(f.ID, fakeapi.ExportSizeLimit+1, nil)
	h.Workspace.PutFile(&big)

	if err := s.Process(ctx, h.userID, rec.FileID); err != nil {
		t.Fatalf("Process: %v", err)
	}
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateQueued || got.Reason != recordings.CodeWaitExportTooLarge {
		t.Errorf("recording is %s (%q), want queued because of exportSizeLimitExceeded", got.State, got.Reason)
	}
	gotDoc, _ := s.Recording(ctx, h.userID, doc.FileID)
	if gotDoc.State != recordings.StateFailed || !strings.Contains(gotDoc.Reason, "exportSizeLimitExceeded") {
		t.Errorf("transcript is %s (%q), want failed with exportSizeLimitExceeded", gotDoc.State, gotDoc.Reason)
	}
	if text, _ := s.Transcript(ctx, h.userID, rec.FileID); text != "" {
		t.Errorf("the queued recording shows %d bytes of transcript", len(text))
	}
	// Importing the transcript on its own gives the same outcome.
	if _, err := s.Retry(ctx, h.userID, doc.FileID); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	gotDoc, _ = s.Recording(ctx, h.userID, doc.FileID)
	if gotDoc.State != recordings.StateFailed {
		t.Errorf("transcript is %s after a retry, want failed", gotDoc.State)
	}
}

// engine is a Transcriber that returns fixed text, or an error.
type engine struct {
	text string
	err  error
}

func (e engine) Transcribe(_ context.Context, rec recordings.Recording) (recordings.Transcript, error) {
	if rec.Path == "" {
		return recordings.Transcript{}, fmt.Errorf("no spooled file for %s", rec.FileID)
	}
	return recordings.Transcript{Engine: "test", Text: e.text}, e.err
}

// TestTranscriber hands queued recordings to the configured engine: its
// text is stored and shown; ErrNoTranscript keeps the recording queued with
// the engine's reason, and other errors are returned for a retry.
func TestTranscriber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		engine     engine
		wantState  recordings.State
		wantReason string
		wantText   string
		wantErr    bool
	}{
		{"text", engine{text: "<b>hello</b> world"}, recordings.StateTranscribed, "", "<b>hello</b> world", false},
		{"nothing", engine{err: fmt.Errorf("%w: engine busy", recordings.ErrNoTranscript)}, recordings.StateQueued, recordings.CodeWaitNoTranscript, "", false},
		{"failure", engine{err: fmt.Errorf("engine crashed")}, recordings.StateQueued, "internal", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, options{})
			s := h.service(func(o *recordings.Options) { o.Transcriber = tc.engine })
			ctx := context.Background()
			rec, _ := firstRecording(t, h, s)
			err := s.Process(ctx, h.userID, rec.FileID)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Process = %v, want error %v", err, tc.wantErr)
			}
			got, _ := s.Recording(ctx, h.userID, rec.FileID)
			text, _ := s.Transcript(ctx, h.userID, rec.FileID)
			if got.State != tc.wantState || got.Reason != tc.wantReason || text != tc.wantText {
				t.Errorf("recording is %s (%q) with text %q; want %s (%q) with %q", got.State, got.Reason, text, tc.wantState, tc.wantReason, tc.wantText)
			}
		})
	}
}

// TestImportedTranscriptSegments: a recording whose meeting has a Meet
// transcript shows that transcript, parsed into the fake's timed lines with
// their speakers, on both the recording and the transcript.
func TestImportedTranscriptSegments(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	s := h.service(nil)
	ctx := context.Background()
	rec, doc := firstRecording(t, h, s)
	if err := s.Process(ctx, h.userID, rec.FileID); err != nil {
		t.Fatalf("Process: %v", err)
	}
	got, err := s.TimedTranscript(ctx, h.userID, rec.FileID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Engine != "meet" || got.FileID != doc.FileID || len(got.Segments) < 2 {
		t.Fatalf("TimedTranscript = engine %q, file %q, %d segments; want Meet's, from %s", got.Engine, got.FileID, len(got.Segments), doc.FileID)
	}
	for i, seg := range got.Segments {
		if seg.Start != time.Duration(i)*7*time.Second || seg.Speaker == "" || !strings.Contains(got.Text, seg.Text) {
			t.Errorf("segment %d = %+v, want a speaker at %ds and text from the export", i, seg, i*7)
		}
	}
	fromDoc, err := s.TimedTranscript(ctx, h.userID, doc.FileID)
	if err != nil || len(fromDoc.Segments) != len(got.Segments) {
		t.Errorf("the transcript's own page has %d segments (%v), want %d", len(fromDoc.Segments), err, len(got.Segments))
	}
}
