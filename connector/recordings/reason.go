package recordings

import (
	"errors"
	"fmt"

	"github.com/scopetrail/scopetrail/connector/googlehttp"
	"github.com/scopetrail/scopetrail/connector/transcribe"
)

// Codes of the failures of recordings' own, kept as the reason of a failed
// file beside googlehttp's codes.
const (
	// CodeExportTooLarge: Drive cannot export the transcript, larger than
	// MaxExport (Google's reason exportSizeLimitExceeded).
	CodeExportTooLarge = string(googlehttp.ClassPermanent) + ".exportSizeLimitExceeded"
	// CodeChecksum: the download did not match Drive's size and md5
	// checksum.
	CodeChecksum = string(googlehttp.ClassInternal) + ".md5_mismatch"
)

// Codes of why a file waits, kept as its reason while it is not failed.
const (
	// CodeWaitChanged: the file changed in Drive and is fetched again.
	CodeWaitChanged = "waiting.changed"
	// CodeWaitInterrupted: its download or transcription was stopped, at
	// shutdown or by its time limit; its job starts it again.
	CodeWaitInterrupted = "waiting.interrupted"
	// CodeWaitTranscription: downloaded, its transcription is queued.
	CodeWaitTranscription = "waiting.transcription"
	// CodeWaitRetranscribe: transcribed again on request.
	CodeWaitRetranscribe = "waiting.retranscribing"
	// CodeWaitNoTranscript: Meet has no transcript of the meeting and no
	// engine transcribed the recording.
	CodeWaitNoTranscript = "waiting.no_transcript"
	// CodeWaitExportTooLarge: Meet's transcript is larger than Drive
	// exports; the recording waits for a transcription engine.
	CodeWaitExportTooLarge = "waiting.export_too_large"
)

// Codes of a recording that cannot be transcribed; the detail names the
// engine.
const (
	CodeEmptyFile      = "transcribe.empty_file"
	CodeNotMedia       = "transcribe.not_media"
	CodeCorrupt        = "transcribe.corrupt"
	CodeNoAudio        = "transcribe.no_audio"
	CodeTimeout        = "transcribe.timeout"
	CodeEngineRefused  = "transcribe.engine_refused"
	CodeHostNotAllowed = "transcribe.host_not_allowed"
)

// transcribeCodes pairs the transcription engines' sentinels with their
// codes, the most precise first.
var transcribeCodes = []struct {
	err  error
	code string
}{
	{transcribe.ErrEmptyFile, CodeEmptyFile},
	{transcribe.ErrNotMedia, CodeNotMedia},
	{transcribe.ErrCorrupt, CodeCorrupt},
	{transcribe.ErrNoAudio, CodeNoAudio},
	{transcribe.ErrTimeout, CodeTimeout},
	{transcribe.ErrBadInput, CodeCorrupt},
	{transcribe.ErrEngine, CodeEngineRefused},
}

// failureOf returns the code kept as the reason of a failed step, and its
// detail: recordings' own code for a transcript too large to export, a
// download that did not match or a recording that cannot be transcribed,
// googlehttp.Classify's otherwise. Neither
// holds a token, a URL or an error's text.
func failureOf(err error) (code, detail string) {
	switch {
	case errors.Is(err, ErrExportTooLarge):
		return CodeExportTooLarge, ""
	case errors.Is(err, ErrVerify):
		return CodeChecksum, ""
	}
	var host *hostNotAllowedError
	if errors.As(err, &host) {
		return CodeHostNotAllowed, fmt.Sprintf("(%s, engine %s)", host.host, host.engine)
	}
	var refused *engineFailure
	if errors.As(err, &refused) {
		for _, c := range transcribeCodes {
			if errors.Is(err, c.err) {
				return c.code, refused.detail()
			}
		}
	}
	f := googlehttp.Classify(err)
	return f.Code, f.Detail
}
