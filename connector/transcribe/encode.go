package transcribe

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// LibriVoxDir holds the five LibriVox recordings of real speech that
// Debian's pocketsphinx-testdata installs, with their reference text in the
// file "transcription".
const LibriVoxDir = "/usr/share/pocketsphinx/test/data/librivox"

// EncodeAAC encodes the audio that ffmpeg reads with the input arguments in
// (a file's path after "-i", or a concat list) into an MP4 file with AAC
// audio at dst, as Meet records meetings.
func EncodeAAC(ctx context.Context, dst string, in ...string) error {
	args := append([]string{"-nostdin", "-hide_banner", "-v", "error", "-y"}, in...)
	out, err := exec.CommandContext(ctx, "ffmpeg", append(args, "-c:a", "aac", "-b:a", "64k", dst)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ffmpeg %s: %w: %s", strings.Join(in, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
