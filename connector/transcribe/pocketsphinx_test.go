package transcribe_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/connector/transcribe/transcribetest"
)

// progressLog records the progress reports of a transcription.
type progressLog struct {
	mu    sync.Mutex
	dones []time.Duration
	total time.Duration
}

func (p *progressLog) report(done, total time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dones, p.total = append(p.dones, done), total
}

// checkSegments checks that segments are in order, inside the audio, and
// have text.
func checkSegments(t *testing.T, segs []transcribe.Segment, dur time.Duration) {
	t.Helper()
	if len(segs) == 0 {
		t.Fatal("no segments")
	}
	var prev time.Duration
	for i, s := range segs {
		if s.Start < prev || s.End < s.Start || s.End > dur+time.Second || strings.TrimSpace(s.Text) == "" {
			t.Errorf("segment %d %+v out of order or empty (previous end %s, audio %s)", i, s, prev, dur)
		}
		prev = s.Start
	}
}

func TestPocketSphinxTranscribesLibriVox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var edits, words int
	for _, c := range transcribetest.LibriVox(t) {
		var p progressLog
		res, err := (&transcribe.PocketSphinx{}).Transcribe(ctx, c.MP4, p.report)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		checkSegments(t, res.Segments, res.Duration)
		e, n := transcribetest.Edits(c.Reference, res.Text())
		edits, words = edits+e, words+n
		t.Logf("%s: %q (WER %.2f)", c.Name, res.Text(), float64(e)/float64(n))
		if len(p.dones) != 1 || p.dones[0] != res.Duration || p.total < res.Duration {
			t.Errorf("%s: progress %v of %s; want one report of all %s", c.Name, p.dones, p.total, res.Duration)
		}
		if want := int64(res.Duration.Seconds() * 32000); res.BytesSent < want-64 || res.BytesSent > want+64 {
			t.Errorf("%s: %d bytes of PCM fed for %s of audio", c.Name, res.BytesSent, res.Duration)
		}
	}
	// PocketSphinx's default model scores about 0.46 on these clips.
	if wer := float64(edits) / float64(words); wer > 0.65 {
		t.Errorf("aggregate WER %.2f; want at most 0.65", wer)
	}
}

func TestPocketSphinxDecodesLongAudioInPieces(t *testing.T) {
	t.Parallel()
	clips := transcribetest.LibriVox(t)
	long, ref := transcribetest.Concat(t, clips, 1)
	var p progressLog
	res, err := (&transcribe.PocketSphinx{Chunk: 8 * time.Second}).Transcribe(context.Background(), long, p.report)
	if err != nil {
		t.Fatal(err)
	}
	checkSegments(t, res.Segments, res.Duration)
	if res.Duration < 24*time.Second || res.Duration > 26*time.Second {
		t.Errorf("duration %s; want the clips' 24.7 s", res.Duration)
	}
	if len(p.dones) < 3 || p.dones[len(p.dones)-1] != res.Duration {
		t.Errorf("progress %v; want a report per piece of at most 8 s, ending at %s", p.dones, res.Duration)
	}
	for i := 1; i < len(p.dones); i++ {
		if step := p.dones[i] - p.dones[i-1]; step <= 0 || step > 8*time.Second {
			t.Errorf("piece %d is %s long; want at most 8 s", i, step)
		}
	}
	checkJoined(t, res, ref, 0.7)
}

// checkJoined checks a transcript of the concatenated clips made in
// pieces: the pieces' times were shifted to the recording's, and the words
// are about right.
func checkJoined(t *testing.T, res transcribe.Result, ref string, maxWER float64) {
	t.Helper()
	if last := res.Segments[len(res.Segments)-1]; last.End < 20*time.Second {
		t.Errorf("the last segment ends at %s: the pieces' times are not shifted", last.End)
	}
	if wer := transcribetest.WER(ref, res.Text()); wer > maxWER {
		t.Errorf("WER %.2f over pieces; want at most %.2f (text %q)", wer, maxWER, res.Text())
	}
}

func TestBadInputFailsReadably(t *testing.T) {
	t.Parallel()
	clips := transcribetest.LibriVox(t)
	faststart := t.TempDir() + "/faststart.mp4"
	transcribetest.FFmpeg(t, "-i", clips[0].MP4, "-c", "copy", "-movflags", "+faststart", faststart)
	cutFaststart := transcribetest.Truncated(t, transcribetest.Clip{MP4: faststart})
	srv := transcribetest.NewServer(t, &transcribe.PocketSphinx{}, "key", 1<<20)
	for _, tc := range []struct {
		name, path string
		want       error
		words      string
	}{
		{"zero-byte file", transcribetest.Empty(t), transcribe.ErrEmptyFile, "empty"},
		{"not a media file", transcribetest.NotMedia(t), transcribe.ErrNotMedia, "not an audio or video file"},
		{"truncated MP4", transcribetest.Truncated(t, clips[0]), transcribe.ErrCorrupt, "truncated or damaged"},
		{"truncated MP4 with its index first", cutFaststart, transcribe.ErrCorrupt, "truncated or damaged"},
		{"video without sound", transcribetest.NoAudio(t), transcribe.ErrNoAudio, "no audio track"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, e := range []transcribe.Engine{&transcribe.PocketSphinx{}, &transcribe.OpenAI{URL: srv.URL, Key: "key"}} {
				_, err := e.Transcribe(context.Background(), tc.path, nil)
				if !errors.Is(err, tc.want) || !errors.Is(err, transcribe.ErrBadInput) || !strings.Contains(err.Error(), tc.words) {
					t.Errorf("%s: %v; want %v, which is ErrBadInput", e.Name(), err, tc.want)
				}
			}
		})
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("the server got %d requests for files that cannot be transcribed; want none", n)
	}
}

func TestPocketSphinxTimeout(t *testing.T) {
	t.Parallel()
	long, _ := transcribetest.Concat(t, transcribetest.LibriVox(t), 1)
	start := time.Now()
	_, err := (&transcribe.PocketSphinx{Timeout: 300 * time.Millisecond}).Transcribe(context.Background(), long, nil)
	if !errors.Is(err, transcribe.ErrTimeout) || !errors.Is(err, transcribe.ErrEngine) {
		t.Errorf("err = %v; want ErrTimeout, an ErrEngine", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the time-out took %s to end the decoder", took)
	}
}
