package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
)

// demoSpeechDir holds the LibriVox recordings of real speech that Debian's
// pocketsphinx-testdata installs.
const demoSpeechDir = "/usr/share/pocketsphinx/test/data/librivox"

// demoSpeechTimeout bounds the encoding of the clips at start-up.
const demoSpeechTimeout = time.Minute

// demoSpeech returns the LibriVox clips encoded as MP4 (AAC), as Meet
// records meetings, encoded once per process; none when the clips or
// ffmpeg are not installed, or the encoding fails.
var demoSpeech = sync.OnceValue(func() [][]byte {
	wavs, _ := filepath.Glob(filepath.Join(demoSpeechDir, "*.wav"))
	if len(wavs) == 0 {
		return nil
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		return nil
	}
	slices.Sort(wavs)
	dir, err := os.MkdirTemp("", "scopetrail-demo-speech-")
	if err != nil {
		return nil
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), demoSpeechTimeout)
	defer cancel()
	var clips [][]byte
	for _, wav := range wavs {
		b, err := encodeMP4(ctx, wav, filepath.Join(dir, strings.TrimSuffix(filepath.Base(wav), ".wav")+".mp4"))
		if err != nil {
			return nil
		}
		clips = append(clips, b)
	}
	return clips
})

// encodeMP4 encodes a WAV file to an MP4 file with AAC audio and returns
// its bytes.
func encodeMP4(ctx context.Context, wav, mp4 string) ([]byte, error) {
	out, err := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "error", "-y", "-i", wav, "-c:a", "aac", "-b:a", "64k", mp4).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg %s: %w: %s", wav, err, out)
	}
	return os.ReadFile(mp4)
}

// speakDemoRecordings gives the workspace's Meet recordings real speech,
// the clips in turn, in place of their random bytes, so that the demo's
// engine has something to transcribe. It returns how many it changed:
// none without clips.
func speakDemoRecordings(ws *workspace.Workspace, clips [][]byte) int {
	if len(clips) == 0 {
		return 0
	}
	n := 0
	for _, f := range ws.Files() {
		if !f.CreatedByMeet || f.MimeType != "video/mp4" {
			continue
		}
		b := clips[n%len(clips)]
		nf := *f
		nf.Body, nf.Size, nf.MD5 = workspace.BytesBody(b), int64(len(b)), ""
		ws.PutFile(&nf)
		n++
	}
	return n
}
