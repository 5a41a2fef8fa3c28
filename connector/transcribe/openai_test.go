package transcribe_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/retry"
	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/connector/transcribe/transcribetest"
)

// sleeps is a retry policy that records its waits instead of waiting.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) policy() retry.Policy {
	return retry.Policy{MaxAttempts: 3, Base: time.Millisecond, Max: 10 * time.Millisecond,
		Sleep: func(ctx context.Context, d time.Duration) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.waits = append(s.waits, d)
			return ctx.Err()
		}}
}

func TestOpenAICarriesRealAudioEndToEnd(t *testing.T) {
	t.Parallel()
	clip := transcribetest.LibriVox(t)[3]
	srv := transcribetest.NewServer(t, &transcribe.PocketSphinx{}, "sk-test", transcribe.DefaultMaxUpload)
	var p progressLog
	e := &transcribe.OpenAI{URL: srv.URL, Key: "sk-test", Model: "whisper-large-v3"}
	res, err := e.Transcribe(context.Background(), clip.MP4, p.report)
	if err != nil {
		t.Fatal(err)
	}
	checkSegments(t, res.Segments, res.Duration)
	if wer := transcribetest.WER(clip.Reference, res.Text()); wer > 0.6 {
		t.Errorf("WER %.2f through the server; want at most 0.6 (text %q)", wer, res.Text())
	}
	ups := srv.Uploads()
	if len(ups) != 1 || ups[0].Model != "whisper-large-v3" || ups[0].ResponseFormat != "verbose_json" || !strings.HasSuffix(ups[0].Filename, ".mp3") {
		t.Fatalf("uploads %+v; want one MP3 asking verbose_json of the model", ups)
	}
	if res.BytesSent != ups[0].Size || res.BytesSent > 40<<10 {
		t.Errorf("BytesSent %d; the server got %d bytes (want compact audio, under 40 KiB for 6 s)", res.BytesSent, ups[0].Size)
	}
	if e.Host() != strings.TrimPrefix(srv.URL, "http://") {
		t.Errorf("Host() = %q for %s", e.Host(), srv.URL)
	}
	if len(p.dones) != 1 || p.dones[0] != res.Duration {
		t.Errorf("progress %v; want one report of %s", p.dones, res.Duration)
	}
}

func TestOpenAISplitsLargeAudioAndStitches(t *testing.T) {
	t.Parallel()
	clips := transcribetest.LibriVox(t)
	long, ref := transcribetest.Concat(t, clips, 1)
	// 60 kB hold about 13.5 s of the 32 kbit/s upload: 24.7 s make 3 pieces.
	const limit = 60_000
	srv := transcribetest.NewServer(t, &transcribe.PocketSphinx{}, "k", limit)
	var p progressLog
	res, err := (&transcribe.OpenAI{URL: srv.URL, Key: "k", MaxUpload: limit}).Transcribe(context.Background(), long, p.report)
	if err != nil {
		t.Fatal(err)
	}
	ups := srv.Uploads()
	var sent int64
	for _, u := range ups {
		sent += u.Size
		if u.Size > limit {
			t.Errorf("a piece of %d bytes was sent, over the limit of %d", u.Size, limit)
		}
	}
	if len(ups) < 3 || sent != res.BytesSent {
		t.Errorf("%d uploads of %d bytes, BytesSent %d; want several pieces, all counted", len(ups), sent, res.BytesSent)
	}
	if len(p.dones) != len(ups) {
		t.Errorf("progress %v; want one report per piece", p.dones)
	}
	checkSegments(t, res.Segments, res.Duration)
	for i := 1; i < len(res.Segments); i++ {
		if a, b := res.Segments[i-1], res.Segments[i]; b.Start < a.End-time.Second {
			t.Errorf("segments %d and %d overlap: %+v, %+v; the overlap was not dropped", i-1, i, a, b)
		}
	}
	checkJoined(t, res, ref, 0.75)
}

func TestOpenAIHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	clip := transcribetest.LibriVox(t)[1]
	srv := transcribetest.NewServer(t, &transcribe.PocketSphinx{}, "k", transcribe.DefaultMaxUpload)
	srv.Script(transcribetest.Reply{Status: 429, RetryAfter: "7", Message: "Rate limit reached"},
		transcribetest.Reply{Status: 503, Message: "overloaded"})
	var s sleeps
	res, err := (&transcribe.OpenAI{URL: srv.URL, Key: "k", Retry: s.policy()}).Transcribe(context.Background(), clip.MP4, nil)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != 3 || len(s.waits) != 2 || s.waits[0] != 7*time.Second || s.waits[1] >= 7*time.Second {
		t.Errorf("%d requests, waits %v; want 3 requests, waiting 7 s as asked after the 429, then a backoff", srv.Requests(), s.waits)
	}
	if len(res.Segments) == 0 || res.BytesSent != 3*srv.Uploads()[0].Size {
		t.Errorf("result %+v; want the transcript, and every attempt's bytes counted", res)
	}
}

func TestOpenAIRefusalsFailWithTheServersMessage(t *testing.T) {
	t.Parallel()
	clip := transcribetest.LibriVox(t)[1]
	srv := transcribetest.NewServer(t, &transcribe.PocketSphinx{}, "right-key", transcribe.DefaultMaxUpload)
	for _, tc := range []struct {
		name, key string
		script    []transcribetest.Reply
		status    int
		message   string
		permanent bool
		requests  int
	}{
		{"wrong key", "wrong-key", nil, 401, "Incorrect API key provided.", true, 1},
		{"forbidden", "right-key", []transcribetest.Reply{{Status: 403, Message: "Your organization is not allowed"}}, 403, "Your organization is not allowed", true, 1},
		{"bad request", "right-key", []transcribetest.Reply{{Status: 400, Message: "Invalid file format."}}, 400, "Invalid file format.", true, 1},
		{"server errors until attempts run out", "right-key", []transcribetest.Reply{{Status: 500, Message: "a"}, {Status: 502, Message: "b"}, {Status: 500, Message: "c"}}, 500, "c", false, 3},
	} {
		before := srv.Requests()
		srv.Script(tc.script...)
		var s sleeps
		_, err := (&transcribe.OpenAI{URL: srv.URL, Key: tc.key, Retry: s.policy()}).Transcribe(context.Background(), clip.MP4, nil)
		var api *transcribe.APIError
		if !errors.As(err, &api) || api.Status != tc.status || api.Message != tc.message || !strings.Contains(err.Error(), tc.message) {
			t.Errorf("%s: %v; want status %d with %q", tc.name, err, tc.status, tc.message)
		}
		if errors.Is(err, transcribe.ErrEngine) != tc.permanent {
			t.Errorf("%s: errors.Is(ErrEngine) = %v; want %v", tc.name, !tc.permanent, tc.permanent)
		}
		if n := srv.Requests() - before; n != tc.requests {
			t.Errorf("%s: %d requests; want %d", tc.name, n, tc.requests)
		}
	}
}

func TestOpenAITimeout(t *testing.T) {
	t.Parallel()
	long, _ := transcribetest.Concat(t, transcribetest.LibriVox(t), 1)
	srv := transcribetest.NewServer(t, &transcribe.PocketSphinx{}, "k", transcribe.DefaultMaxUpload)
	_, err := (&transcribe.OpenAI{URL: srv.URL, Key: "k", Timeout: 1500 * time.Millisecond}).Transcribe(context.Background(), long, nil)
	if !errors.Is(err, transcribe.ErrTimeout) || !errors.Is(err, transcribe.ErrEngine) {
		t.Errorf("err = %v; want ErrTimeout", err)
	}
}
