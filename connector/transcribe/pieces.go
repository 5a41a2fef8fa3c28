package transcribe

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"time"
)

// piece is a stretch of the recording uploaded on its own.
type piece struct {
	start, length time.Duration
}

// planPieces cuts a recording of the given duration into pieces whose
// encoded size stays under maxUpload, each overlapping the next by
// pieceOverlap. A recording that fits is one piece.
func planPieces(total time.Duration, maxUpload int64) ([]piece, error) {
	// 90% of the limit leaves room for the encoder's overshoot and the
	// file's headers.
	fits := time.Duration(float64(maxUpload) * 0.9 * 8 / uploadBitrate * float64(time.Second))
	if total <= fits {
		return []piece{{0, total}}, nil
	}
	if fits < 3*pieceOverlap {
		return nil, fmt.Errorf("the upload limit of %d bytes holds only %s of audio, too little to split into overlapping pieces: %w",
			maxUpload, fits.Round(time.Millisecond), ErrEngine)
	}
	var out []piece
	step := fits - pieceOverlap
	for start := time.Duration(0); ; start += step {
		length := min(fits, total-start)
		out = append(out, piece{start, length})
		if start+length >= total {
			return out, nil
		}
	}
}

// encodePiece encodes a piece of the file's first audio track into compact
// MP3 at dst.
func encodePiece(ctx context.Context, src, dst string, p piece) error {
	var stderr bytes.Buffer
	args := []string{"-nostdin", "-hide_banner", "-v", "error", "-y"}
	if p.start > 0 {
		args = append(args, "-ss", secs(p.start))
	}
	args = append(args, "-i", src)
	if p.length > 0 {
		args = append(args, "-t", secs(p.length))
	}
	args = append(args, "-map", "0:a:0", "-vn", "-ac", "1", "-ar", strconv.Itoa(SampleRate),
		"-c:a", "libmp3lame", "-b:a", strconv.Itoa(uploadBitrate), dst)
	cmd := exec.CommandContext(ctx, "ffmpeg", args...)
	cmd.Stderr = &tail{max: 4 << 10, buf: &stderr}
	err := cmd.Run()
	if ctx.Err() != nil {
		return ctxError(ctx, "encoding audio")
	}
	if msg := stderr.String(); err != nil || decodeTrouble(msg) {
		if err != nil {
			msg += "\n" + err.Error()
		}
		return withDetail(ErrCorrupt, toolDetail(msg, src))
	}
	return nil
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// stitch joins the pieces' segments, times already shifted to the
// recording's start, dropping what two pieces both heard: the boundary
// between two pieces is the middle of their overlap, and each segment is
// kept from the piece on whose side of that boundary its middle lies. A
// segment whose middle falls within the last one kept was heard already and
// is dropped too.
func stitch(pieces []piece, parts [][]Segment) []Segment {
	var out []Segment
	for i, segs := range parts {
		lo, hi := time.Duration(-1), time.Duration(1<<62)
		if i > 0 {
			lo = boundary(pieces[i-1], pieces[i])
		}
		if i+1 < len(pieces) {
			hi = boundary(pieces[i], pieces[i+1])
		}
		for _, s := range segs {
			mid := (s.Start + s.End) / 2
			if len(out) > 0 && mid < out[len(out)-1].End {
				continue
			}
			if mid >= lo && mid < hi {
				out = append(out, s)
			}
		}
	}
	return out
}

// boundary is the middle of the overlap of two consecutive pieces.
func boundary(a, b piece) time.Duration { return (b.start + a.start + a.length) / 2 }
