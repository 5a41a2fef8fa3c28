package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scopetrail/scopetrail/connector/googletest/workspace"
	"github.com/scopetrail/scopetrail/connector/transcribe"
)

// demoSpeechTimeout bounds the encoding of the clips at start-up.
const demoSpeechTimeout = time.Minute

// demoSpeech returns the LibriVox clips encoded as MP4 (AAC), as Meet
// records meetings, encoded once per process; none when the clips or
// ffmpeg are not installed, or the encoding fails.
var demoSpeech = sync.OnceValue(func() [][]byte {
	wavs, _ := filepath.Glob(filepath.Join(transcribe.LibriVoxDir, "*.wav"))
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
		mp4 := filepath.Join(dir, strings.TrimSuffix(filepath.Base(wav), ".wav")+".mp4")
		if err := transcribe.EncodeAAC(ctx, mp4, "-i", wav); err != nil {
			return nil
		}
		b, err := os.ReadFile(mp4)
		if err != nil {
			return nil
		}
		clips = append(clips, b)
	}
	return clips
})

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
