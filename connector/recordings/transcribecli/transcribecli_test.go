package transcribecli_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/connectortest"
	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/connector/recordings/transcribecli"
	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/connector/transcribe/transcribetest"
	"github.com/scopetrail/scopetrail/scopes"
)

// TestRunTranscribesAgain: against the fake Google, a member's LibriVox
// recording (no Meet transcript) is transcribed by PocketSphinx with a
// progress bar, then again with a plain line per recording.
func TestRunTranscribesAgain(t *testing.T) {
	t.Parallel()
	clip := transcribetest.LibriVox(t)[0]
	audio, err := os.ReadFile(clip.MP4)
	if err != nil {
		t.Fatal(err)
	}
	env := connectortest.New(t, connectortest.Options{Generate: workspace.GenerateOptions{Seed: 5, People: 4, CalendarsPerPerson: 1,
		MeetingsPerCalendar: 3, MeetShare: 1, RecordingShare: 1, TranscriptShare: 0, RecordingSize: 1 << 10}})
	owner := ""
	for _, f := range env.Workspace.Files() {
		if f.CreatedByMeet && f.MimeType == "video/mp4" {
			nf := *f
			nf.Body, nf.Size, nf.MD5 = workspace.BytesBody(audio), int64(len(audio)), ""
			env.Workspace.PutFile(&nf)
			owner = f.Owner
		}
	}
	userID := env.Authorize(t, owner, scopes.OpenID, scopes.Email, scopes.DriveReadonly)
	svc, err := recordings.New(recordings.Options{DB: env.DB, Door: env.Door, DriveURL: env.URLs.DriveBase, SpoolDir: t.TempDir(),
		Engine: &transcribe.PocketSphinx{}, Audit: env.Trail})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := svc.Discover(ctx, userID); err != nil {
		t.Fatal(err)
	}
	all, err := svc.List(ctx, userID)
	if err != nil || len(all) == 0 {
		t.Fatalf("List = %d files, %v", len(all), err)
	}
	rec := all[0]

	var out bytes.Buffer
	if err := transcribecli.Run(ctx, svc, transcribecli.Options{UserID: userID, FileID: rec.FileID, Out: &out, Terminal: true}); err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	got, _ := svc.Recording(ctx, userID, rec.FileID)
	text, _ := svc.Transcript(ctx, userID, rec.FileID)
	if got.State != recordings.StateTranscribed || transcribetest.WER(clip.Reference, text) > 0.6 {
		t.Errorf("recording is %s (%q) with %q; want transcribed", got.State, got.Reason, text)
	}
	if s := out.String(); !strings.Contains(s, "[1/1] "+rec.Name+": transcribed") || !strings.Contains(s, "\r") {
		t.Errorf("terminal output %q; want a progress bar and the outcome", s)
	} else {
		t.Logf("terminal output %q", s)
	}

	out.Reset()
	if err := transcribecli.Run(ctx, svc, transcribecli.Options{UserID: userID, FileID: rec.FileID, Out: &out}); err != nil {
		t.Fatalf("Run again: %v", err)
	}
	if s := out.String(); s != "[1/1] "+rec.Name+": transcribed\n" {
		t.Errorf("plain output %q; want one line", s)
	}
	if err := transcribecli.Run(ctx, svc, transcribecli.Options{UserID: userID, FileID: "no-such-file", Out: &out}); err == nil {
		t.Error("Run of an unknown file succeeded")
	}
}
