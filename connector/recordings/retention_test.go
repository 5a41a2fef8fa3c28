package recordings_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/recordings"
)

// TestExpireAudio deletes the audio of transcribed recordings once the
// retention has passed, keeping their transcripts, and never with forever.
func TestExpireAudio(t *testing.T) {
	t.Parallel()
	h := newHarness(t, options{})
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := h.service(func(o *recordings.Options) { o.Transcriber, o.Now = engine{text: "hello"}, clock })
	ctx := context.Background()
	rec, _ := firstRecording(t, h, s)
	if err := s.Process(ctx, h.userID, rec.FileID); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Recording(ctx, h.userID, rec.FileID)
	if got.State != recordings.StateTranscribed {
		t.Fatalf("recording is %s", got.State)
	}
	week := recordings.Retention{Keep: 7 * 24 * time.Hour}
	for _, step := range []struct {
		name    string
		advance time.Duration
		keep    recordings.Retention
		deleted int
	}{
		{"within the week", 6 * 24 * time.Hour, week, 0},
		{"kept forever", 30 * 24 * time.Hour, recordings.Retention{Forever: true}, 0},
		{"past the week", 0, week, 1},
		{"already deleted", 0, recordings.Retention{}, 0},
	} {
		mu.Lock()
		now = now.Add(step.advance)
		mu.Unlock()
		n, err := s.ExpireAudio(ctx, step.keep)
		if err != nil || n != step.deleted {
			t.Errorf("%s: ExpireAudio = %d, %v; want %d deleted", step.name, n, err, step.deleted)
		}
	}
	if _, err := os.Stat(got.Path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the audio is still spooled: %v", err)
	}
	if text, err := s.Transcript(ctx, h.userID, rec.FileID); err != nil || text != "hello" {
		t.Errorf("transcript after expiry = %q, %v; want it kept", text, err)
	}
}

func TestRetentionParses(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]recordings.Retention{
		"0": {}, "7d": {Keep: 7 * 24 * time.Hour}, "36h": {Keep: 36 * time.Hour}, "forever": {Forever: true}, " Forever ": {Forever: true},
	} {
		var r recordings.Retention
		if err := r.UnmarshalText([]byte(in)); err != nil || r != want {
			t.Errorf("%q = %+v, %v; want %+v", in, r, err, want)
		}
	}
	for _, bad := range []string{"", "-1d", "7 days", "-3h", "never", "d"} {
		var r recordings.Retention
		if err := r.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q read as %+v; want an error", bad, r)
		}
	}
}

// FuzzRetention: RECORDING_RETENTION is read from the environment; any
// value is refused with an error or read as a retention that keeps audio
// for no negative time.
func FuzzRetention(f *testing.F) {
	for _, s := range []string{"0", "7d", "36h", "forever", "-1d", "1e9d", "9223372036854775807d", " 3D ", "1h-1m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var r recordings.Retention
		if err := r.UnmarshalText([]byte(s)); err != nil {
			return
		}
		if r.Keep < 0 || r.Forever && r.Keep != 0 {
			t.Errorf("%q read as %+v", s, r)
		}
	})
}
