package transcribe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Media is what ffprobe says of a file.
type Media struct {
	// Duration is the container's duration.
	Duration time.Duration
	// AudioStreams counts the audio tracks.
	AudioStreams int
}

// Probe reads a file's duration and tracks with ffprobe. A file that cannot
// be transcribed fails with ErrEmptyFile, ErrNotMedia, ErrCorrupt or
// ErrNoAudio.
func Probe(ctx context.Context, path string) (Media, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Media{}, fmt.Errorf("probing %s: %w", path, err)
	}
	if fi.Size() == 0 {
		return Media{}, ErrEmptyFile
	}
	looks, err := looksLikeMedia(path)
	if err != nil {
		return Media{}, fmt.Errorf("probing %s: %w", path, err)
	}
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_type",
		"-of", "json", "--", path)
	cmd.Stdout, cmd.Stderr = &out, &tail{max: 4 << 10, buf: &stderr}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return Media{}, ctxError(ctx, "probing the file")
		}
		if errors.Is(err, exec.ErrNotFound) {
			return Media{}, fmt.Errorf("probing %s: %w (install ffmpeg)", path, err)
		}
		if !looks {
			return Media{}, withDetail(ErrNotMedia, toolDetail(stderr.String(), path))
		}
		return Media{}, withDetail(ErrCorrupt, toolDetail(stderr.String(), path))
	}
	var p struct {
		Streams []struct {
			CodecType string `json:"codec_type"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		return Media{}, fmt.Errorf("probing %s: reading ffprobe's answer: %w", path, err)
	}
	var m Media
	for _, s := range p.Streams {
		if s.CodecType == "audio" {
			m.AudioStreams++
		}
	}
	if secs, err := strconv.ParseFloat(p.Format.Duration, 64); err == nil && secs > 0 {
		m.Duration = time.Duration(secs * float64(time.Second))
	}
	if len(p.Streams) == 0 && !looks {
		return Media{}, ErrNotMedia
	}
	if m.AudioStreams == 0 {
		return Media{}, ErrNoAudio
	}
	return m, nil
}

// looksLikeMedia reports whether a file starts like a container ffmpeg
// reads: MP4/M4A/MOV, Matroska/WebM, Ogg, WAV, FLAC or MP3. It tells a
// damaged recording from a file that never was one.
func looksLikeMedia(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, 12)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return false, err
	}
	return sniffMedia(head[:n]), nil
}

// sniffMedia reports whether head, a file's first bytes, is the start of a
// media container.
func sniffMedia(head []byte) bool {
	has := func(off int, magic string) bool {
		return len(head) >= off+len(magic) && string(head[off:off+len(magic)]) == magic
	}
	switch {
	case has(4, "ftyp"), has(4, "moov"), has(4, "mdat"), has(4, "free"), has(4, "wide"),
		has(0, "\x1a\x45\xdf\xa3"), has(0, "OggS"), has(0, "RIFF"), has(0, "fLaC"), has(0, "ID3"):
		return true
	}
	return len(head) >= 2 && head[0] == 0xff && head[1]&0xe0 == 0xe0
}

// Decoder is ffmpeg decoding a file's first audio track into 16 kHz mono
// s16le PCM, read as it comes through a pipe.
type Decoder struct {
	ctx    context.Context
	path   string
	cmd    *exec.Cmd
	out    io.ReadCloser
	stderr bytes.Buffer
}

// Decode starts ffmpeg on a file. Read the PCM from the Decoder, then call
// Close, which reports a file that could not be decoded to its end.
func Decode(ctx context.Context, path string) (*Decoder, error) {
	d := &Decoder{ctx: ctx, path: path}
	args := []string{"-nostdin", "-hide_banner", "-v", "error", "-i", path}
	args = append(args, "-map", "0:a:0", "-vn", "-ac", "1", "-ar", strconv.Itoa(SampleRate), "-f", "s16le", "-")
	d.cmd = exec.CommandContext(ctx, "ffmpeg", args...)
	d.cmd.Stderr = &tail{max: 4 << 10, buf: &d.stderr}
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("decoding: %w", err)
	}
	d.out = out
	if err := d.cmd.Start(); err != nil {
		return nil, fmt.Errorf("decoding: starting ffmpeg: %w (install ffmpeg)", err)
	}
	return d, nil
}

// Read reads decoded PCM.
func (d *Decoder) Read(p []byte) (int, error) {
	return d.out.Read(p)
}

// Close stops ffmpeg if it still runs and reports how decoding ended:
// ErrCorrupt when the file could not be read to its end, ErrTimeout when
// the context's deadline passed.
func (d *Decoder) Close() error {
	d.out.Close()
	err := d.cmd.Wait()
	if d.ctx.Err() != nil {
		return ctxError(d.ctx, "decoding")
	}
	if msg := d.stderr.String(); err != nil || decodeTrouble(msg) {
		if err != nil {
			msg += "\n" + err.Error()
		}
		return withDetail(ErrCorrupt, toolDetail(msg, d.path))
	}
	return nil
}

// decodeTrouble reports whether ffmpeg's stderr shows that it could not
// read the input to its end, though it may have exited 0.
func decodeTrouble(stderr string) bool {
	return strings.Contains(stderr, "partial file") || strings.Contains(stderr, "Invalid data")
}

// pcmDuration is the duration of n bytes of PCM.
func pcmDuration(n int64) time.Duration {
	return time.Duration(n) * time.Second / bytesPerSecond
}

// ctxError tells a deadline (ErrTimeout) from a cancellation.
func ctxError(ctx context.Context, doing string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", doing, ErrTimeout)
	}
	return fmt.Errorf("%s: %w", doing, ctx.Err())
}

// tail keeps the last max bytes written to it (a tool's stderr), so that a
// chatty tool cannot fill memory.
type tail struct {
	max int
	buf *bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if over := t.buf.Len() - t.max; over > 0 {
		t.buf.Next(over)
	}
	return len(p), nil
}

// toolDetail is the last line a tool wrote about the file at path, with
// the path shortened to the file's name.
func toolDetail(out, path string) string {
	return strings.ReplaceAll(lastLine(out), path, filepath.Base(path))
}

// lastLine is the last non-empty line of a tool's output, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
