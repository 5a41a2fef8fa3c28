package transcribe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"
)

// EnginePocketSphinx names the offline engine.
const EnginePocketSphinx = "pocketsphinx"

// DefaultChunk is how much audio one PocketSphinx run decodes.
const DefaultChunk = 60 * time.Second

// PocketSphinx is the offline engine: CMU PocketSphinx's
// pocketsphinx_continuous decoder from Debian, with its US English model.
// Long audio is decoded in pieces of about Chunk, each by its own decoder
// process, so memory stays bounded whatever the recording's length, and
// progress is reported after each piece.
type PocketSphinx struct {
	// Bin is the decoder; "" means pocketsphinx_continuous on the PATH.
	Bin string
	// HMM, LM and Dict override the decoder's acoustic model directory,
	// language model and dictionary; "" keeps its default US English model.
	HMM, LM, Dict string
	// Chunk is the most audio decoded by one run; 0 means DefaultChunk.
	Chunk time.Duration
	// Timeout bounds one Transcribe; 0 means none.
	Timeout time.Duration
}

// Name returns "pocketsphinx".
func (p *PocketSphinx) Name() string { return EnginePocketSphinx }

// Host returns "local": the audio never leaves the machine.
func (p *PocketSphinx) Host() string { return "local" }

// Transcribe decodes the file with ffmpeg and transcribes it piece by piece.
func (p *PocketSphinx) Transcribe(ctx context.Context, path string, progress Progress) (Result, error) {
	ctx, cancel := withTimeout(ctx, p.Timeout)
	defer cancel()
	m, err := Probe(ctx, path)
	if err != nil {
		return Result{}, err
	}
	dec, err := Decode(ctx, path)
	if err != nil {
		return Result{}, err
	}
	res, err := p.TranscribePCM(ctx, dec, m.Duration, progress)
	cerr := dec.Close()
	switch {
	case ctx.Err() != nil:
		return Result{}, ctxError(ctx, "transcribing")
	case err != nil:
		return Result{}, err
	case cerr != nil:
		return Result{}, cerr
	}
	return res, nil
}

// TranscribePCM transcribes 16 kHz mono s16le PCM read from r; total is
// the audio's expected duration, for progress (0 when unknown).
func (p *PocketSphinx) TranscribePCM(ctx context.Context, r io.Reader, total time.Duration, progress Progress) (Result, error) {
	chunk := p.Chunk
	if chunk <= 0 {
		chunk = DefaultChunk
	}
	c := newChunker(r, chunk)
	var res Result
	for {
		pcm, err := c.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Result{}, fmt.Errorf("reading decoded audio: %w", err)
		}
		words, err := p.decode(ctx, pcm)
		if err != nil {
			return Result{}, err
		}
		res.Segments = append(res.Segments, groupWords(words, res.Duration)...)
		res.Duration += pcmDuration(int64(len(pcm)))
		res.BytesSent += int64(len(pcm))
		if progress != nil {
			progress(res.Duration, max(total, res.Duration))
		}
	}
	return res, nil
}

// decode runs one decoder process on a piece of PCM fed on its stdin.
func (p *PocketSphinx) decode(ctx context.Context, pcm []byte) ([]word, error) {
	bin := p.Bin
	if bin == "" {
		bin = "pocketsphinx_continuous"
	}
	args := []string{"-infile", "/dev/stdin", "-time", "yes"}
	for _, o := range []struct{ flag, val string }{{"-hmm", p.HMM}, {"-lm", p.LM}, {"-dict", p.Dict}} {
		if o.val != "" {
			args = append(args, o.flag, o.val)
		}
	}
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(pcm), &out, &tail{max: 4 << 10, buf: &stderr}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctxError(ctx, "running pocketsphinx")
		}
		return nil, fmt.Errorf("running %s: %w: %s", bin, err, lastLine(stderr.String()))
	}
	words, err := parseSphinx(&out)
	if err != nil {
		return nil, fmt.Errorf("reading pocketsphinx's output: %w", err)
	}
	return words, nil
}
