package transcribe_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scopetrail/scopetrail/connector/transcribe"
	"github.com/scopetrail/scopetrail/connector/transcribe/transcribetest"
)

// benchWER transcribes the five LibriVox clips, after their MP4 round trip,
// and reports the aggregate word error rate.
func benchWER(b *testing.B, e transcribe.Engine) {
	clips := transcribetest.LibriVox(b)
	var edits, words int
	for b.Loop() {
		edits, words = 0, 0
		for _, c := range clips {
			res, err := e.Transcribe(context.Background(), c.MP4, nil)
			if err != nil {
				b.Fatalf("%s: %v", c.Name, err)
			}
			ed, n := transcribetest.Edits(c.Reference, res.Text())
			edits, words = edits+ed, words+n
		}
	}
	b.ReportMetric(float64(edits)/float64(words), "WER")
}

// BenchmarkWERPocketSphinx is the offline engine's accuracy.
func BenchmarkWERPocketSphinx(b *testing.B) { benchWER(b, &transcribe.PocketSphinx{}) }

// BenchmarkWEROpenAI is the accuracy through the OpenAI-compatible path:
// MP3 re-encoding, multipart upload, verbose_json, against the test server
// whose transcriber is PocketSphinx. Pointed at a real server by
// TRANSCRIBE_BENCH_URL and TRANSCRIBE_BENCH_KEY (and TRANSCRIBE_BENCH_MODEL),
// it measures that server instead.
func BenchmarkWEROpenAI(b *testing.B) {
	e := &transcribe.OpenAI{URL: os.Getenv("TRANSCRIBE_BENCH_URL"), Key: os.Getenv("TRANSCRIBE_BENCH_KEY"), Model: os.Getenv("TRANSCRIBE_BENCH_MODEL")}
	if e.URL == "" {
		srv := transcribetest.NewServer(b, &transcribe.PocketSphinx{}, "bench", transcribe.DefaultMaxUpload)
		e.URL, e.Key = srv.URL, "bench"
	}
	benchWER(b, e)
}

// BenchmarkLongRecording transcribes a 30-minute recording, the LibriVox
// clips concatenated over and over (TRANSCRIBE_BENCH_MINUTES changes the
// length), with PocketSphinx, and reports the real-time factor (audio
// seconds per second, by the clock and by the decoders' CPU time), the peak
// RSS of the largest child process (ffmpeg or a decoder) and of this
// process, and the word error rate.
func BenchmarkLongRecording(b *testing.B) {
	minutes := 30.0
	if v, err := strconv.ParseFloat(os.Getenv("TRANSCRIBE_BENCH_MINUTES"), 64); err == nil && v > 0 {
		minutes = v
	}
	clips := transcribetest.LibriVox(b)
	repeat := int(minutes*60/24.73) + 1
	long, ref := transcribetest.Concat(b, clips, repeat)
	var res transcribe.Result
	var wall time.Duration
	var cpu float64
	for b.Loop() {
		before := childCPU(b)
		start := time.Now()
		var err error
		res, err = (&transcribe.PocketSphinx{}).Transcribe(context.Background(), long, nil)
		if err != nil {
			b.Fatal(err)
		}
		wall, cpu = time.Since(start), childCPU(b)-before
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.Duration.Minutes(), "audio_min")
	b.ReportMetric(res.Duration.Seconds()/wall.Seconds(), "rtf_wall")
	b.ReportMetric(res.Duration.Seconds()/cpu, "rtf_cpu")
	b.ReportMetric(float64(ru.Maxrss)/1024, "child_peak_rss_MiB")
	b.ReportMetric(selfPeakMiB(b), "self_peak_rss_MiB")
	b.ReportMetric(transcribetest.WER(ref, res.Text()), "WER")
}

// childCPU is the user and system CPU seconds of the waited-for children.
func childCPU(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// selfPeakMiB is this process's peak RSS (VmHWM).
func selfPeakMiB(b *testing.B) float64 {
	s, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(s), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
