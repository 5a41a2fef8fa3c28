package transcribe

import (
	"errors"
	"fmt"
)

// Sentinel errors.
var (
	// ErrBadInput means the file cannot be transcribed, whatever the
	// engine: every error about the input wraps it.
	ErrBadInput = errors.New("the recording cannot be transcribed")
	// ErrEngine means the engine refused the audio or gave up on it (a
	// rejected key, a bad request, a time-out); trying again as it is
	// would fail the same way.
	ErrEngine = errors.New("the transcription engine failed")

	// ErrEmptyFile means the file has no bytes.
	ErrEmptyFile = inputError("the file is empty (zero bytes)")
	// ErrNotMedia means the file is not an audio or video file.
	ErrNotMedia = inputError("the file is not an audio or video file")
	// ErrCorrupt means the file looks like media but cannot be read to its
	// end: it is truncated or damaged.
	ErrCorrupt = inputError("the file is truncated or damaged and cannot be decoded")
	// ErrNoAudio means the file is a video without a sound track.
	ErrNoAudio = inputError("the file has no audio track")
	// ErrTimeout means transcription took longer than its time limit.
	ErrTimeout = engineError("transcription took longer than its time limit")
)

// inputError is a sentinel about the input; it is ErrBadInput too.
type inputError string

func (e inputError) Error() string        { return string(e) }
func (e inputError) Is(target error) bool { return target == ErrBadInput }

// engineError is a sentinel about the engine; it is ErrEngine too.
type engineError string

func (e engineError) Error() string        { return string(e) }
func (e engineError) Is(target error) bool { return target == ErrEngine }

// withDetail wraps a sentinel with what the tool said, for the log, keeping
// the sentinel's plain words first.
func withDetail(sentinel error, detail string) error {
	if detail == "" {
		return sentinel
	}
	return fmt.Errorf("%w (%s)", sentinel, detail)
}
