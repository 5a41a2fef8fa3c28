// Package transcribetest gives tests of transcription real speech and a
// real server: Debian's LibriVox recordings encoded to MP4 at test time,
// broken files of each kind, and an HTTP server that speaks OpenAI's
// /v1/audio/transcriptions contract and transcribes with a real engine.
package transcribetest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scopetrail/scopetrail/connector/transcribe"
)

// LibriVoxDir holds the five LibriVox recordings and their reference text.
const LibriVoxDir = transcribe.LibriVoxDir

// Clip is a LibriVox recording encoded to MP4 (AAC).
type Clip struct {
	// Name is the recording's id, such as
	// "sense_and_sensibility_01_austen_64kb-0870".
	Name string
	// WAV is the original; MP4 its encoding in the test's directory.
	WAV, MP4 string
	// Reference is what is said, lower case, as the reference text has it.
	Reference string
}

var referenceLine = regexp.MustCompile(`^<s>\s*(.*?)\s*</s>\s*\((\S+)\)$`)

// LibriVox encodes the five LibriVox recordings to MP4 into a temporary
// directory of t and returns them with their reference text. It fails the
// test when pocketsphinx-testdata or ffmpeg is missing.
func LibriVox(t testing.TB) []Clip {
	t.Helper()
	f, err := os.Open(filepath.Join(LibriVoxDir, "transcription"))
	if err != nil {
		t.Fatalf("the LibriVox test recordings are missing (apt-get install pocketsphinx-testdata): %v", err)
	}
	defer f.Close()
	dir := t.TempDir()
	var clips []Clip
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := referenceLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		c := Clip{Name: m[2], WAV: filepath.Join(LibriVoxDir, m[2]+".wav"), MP4: filepath.Join(dir, m[2]+".mp4"), Reference: m[1]}
		encodeAAC(t, c.MP4, "-i", c.WAV)
		clips = append(clips, c)
	}
	if err := sc.Err(); err != nil || len(clips) != 5 {
		t.Fatalf("reading the LibriVox reference text: %d clips, %v", len(clips), err)
	}
	return clips
}

// Concat encodes the clips one after another, repeated times over, into
// one MP4 (AAC) in t's temporary directory, and returns its path and the
// reference text of the whole.
func Concat(t testing.TB, clips []Clip, repeat int) (string, string) {
	t.Helper()
	dir := t.TempDir()
	list := filepath.Join(dir, "list.txt")
	var l, ref strings.Builder
	for range repeat {
		for _, c := range clips {
			l.WriteString("file '" + c.WAV + "'\n")
			ref.WriteString(c.Reference + " ")
		}
	}
	if err := os.WriteFile(list, []byte(l.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "concat.mp4")
	encodeAAC(t, out, "-f", "concat", "-safe", "0", "-i", list)
	return out, strings.TrimSpace(ref.String())
}

// Bad files, each one a way a recording can fail.

// Empty writes a zero-byte .mp4.
func Empty(t testing.TB) string {
	t.Helper()
	return write(t, "empty.mp4", nil)
}

// NotMedia writes a text file named .mp4.
func NotMedia(t testing.TB) string {
	t.Helper()
	return write(t, "notes.mp4", []byte("Minutes of the meeting: nothing to see here.\n"))
}

// Truncated writes the first half of an MP4 of clip, as a download cut
// short would leave it.
func Truncated(t testing.TB, clip Clip) string {
	t.Helper()
	b, err := os.ReadFile(clip.MP4)
	if err != nil {
		t.Fatal(err)
	}
	return write(t, "truncated.mp4", b[:len(b)/2])
}

// NoAudio makes a two-second MP4 video without a sound track, with
// ffmpeg's testsrc.
func NoAudio(t testing.TB) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "silent-video.mp4")
	FFmpeg(t, "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10", "-c:v", "mpeg4", out)
	return out
}

func write(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// encodeAAC encodes what ffmpeg reads with the input arguments in to an
// MP4 (AAC) at dst, as Meet records, and fails the test when it fails.
func encodeAAC(t testing.TB, dst string, in ...string) {
	t.Helper()
	if err := transcribe.EncodeAAC(t.Context(), dst, in...); err != nil {
		t.Fatal(err)
	}
}

// FFmpeg runs ffmpeg with args, quietly, overwriting its output, and fails
// the test when it fails.
func FFmpeg(t testing.TB, args ...string) {
	t.Helper()
	cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-hide_banner", "-v", "error", "-y"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
