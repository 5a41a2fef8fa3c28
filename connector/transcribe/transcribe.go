// Package transcribe turns recorded audio into timed text. Audio is decoded
// by ffmpeg into 16 kHz mono PCM, streamed and never held whole in memory,
// and handed to an engine: PocketSphinx on this machine (the default, with
// no network and no credentials), or a server that speaks OpenAI's
// /v1/audio/transcriptions contract (OpenAI, Groq, whisper.cpp,
// faster-whisper, LocalAI).
//
// Input that cannot be transcribed (an empty file, a file that is not media,
// a truncated file, a video without sound) fails with an error that wraps
// ErrBadInput and says what is wrong in words a person understands; an
// engine's refusal or time-out wraps ErrEngine. Neither is worth retrying.
package transcribe

import (
	"context"
	"time"
)

// Sample format of the decoded audio that engines read: 16 kHz, mono,
// signed 16-bit little-endian PCM.
const (
	SampleRate     = 16000
	bytesPerSample = 2
	bytesPerSecond = SampleRate * bytesPerSample
)

// Segment is a stretch of a transcript and where it lies in the audio.
type Segment struct {
	// Start and End are offsets from the audio's start.
	Start, End time.Duration
	Text       string
}

// Result is what an engine made of a recording.
type Result struct {
	// Segments are the transcript's stretches, in order.
	Segments []Segment
	// Duration is the duration of the audio transcribed.
	Duration time.Duration
	// BytesSent is how many bytes of audio were sent to the engine's host:
	// the encoded pieces uploaded, or the PCM fed to a local decoder.
	BytesSent int64
}

// Text joins the segments' text with spaces.
func (r Result) Text() string {
	n := 0
	for _, s := range r.Segments {
		n += len(s.Text) + 1
	}
	b := make([]byte, 0, n)
	for i, s := range r.Segments {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, s.Text...)
	}
	return string(b)
}

// withTimeout bounds ctx by d, when d is positive.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// Progress is told, as transcription goes, how much of the audio is done
// out of its total duration.
type Progress func(done, total time.Duration)

// Engine transcribes an audio or video file.
type Engine interface {
	// Name names the engine, such as "pocketsphinx" or "openai".
	Name() string
	// Host is where the audio goes: "local" for an engine on this machine,
	// else the server's host name.
	Host() string
	// Transcribe transcribes the file at path. progress may be nil.
	Transcribe(ctx context.Context, path string, progress Progress) (Result, error)
}
