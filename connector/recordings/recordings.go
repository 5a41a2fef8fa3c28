// Package recordings finds a member's Google Meet recordings and transcripts
// in Drive, matches each to its meeting, downloads recordings to a spool
// directory and imports Meet's transcripts.
//
// Every Google request goes through the audited door with purpose
// scopes.PurposeRecordings and asks only for the fields it uses. Files are
// found two ways: attached to the member's meetings (package calendars), and
// in their Drive "Meet Recordings" folder, listed with a files.list query.
// Each file is matched to its meeting by the attachment, the conference id
// and the title and time in its name.
//
// A recording moves through found → downloading → downloaded → queued (for
// transcription) → transcribed, or ends failed with a reason. Downloads
// stream files.get?alt=media into a temporary file with a fixed buffer,
// resume a cut transfer with a Range request, and check the size and md5
// Drive reports before the file is renamed into place. A transcript (a
// Google Doc) is imported with files.export as text/plain; when Drive
// answers exportSizeLimitExceeded, the meeting's recording stays queued for
// a Transcriber instead. The first Transcriber engine takes Meet's own
// transcript of the meeting.
//
// Each request, or page of a listing, is retried on its own with package
// retry; a download that made progress before it was cut resumes where it
// stopped. Purge removes a member's rows and spooled files.
package recordings

import (
	"context"
	"errors"
	"time"

	"github.com/scopetrail/scopetrail/connector/calendars"
)

// Sentinel errors.
var (
	// ErrNotFound means the member has no such recording or transcript.
	ErrNotFound = errors.New("recordings: not found")
	// ErrWrongKind means the operation does not apply to the file: a
	// transcript cannot be downloaded, a recording cannot be exported.
	ErrWrongKind = errors.New("recordings: operation does not apply to this file")
	// ErrNoTranscript means a Transcriber has no transcript for the
	// recording; the recording stays queued.
	ErrNoTranscript = errors.New("recordings: no transcript available")
	// ErrExportTooLarge means Drive refused to export a transcript because
	// it is larger than its 10 MB export limit (exportSizeLimitExceeded).
	ErrExportTooLarge = errors.New("recordings: transcript too large for Drive's export")
	// ErrCannotTranscribe means a Transcriber can never transcribe the
	// recording as it is (no audio track, a damaged file, an engine's
	// refusal, a host not allowed); the recording ends failed with the
	// error as its reason.
	ErrCannotTranscribe = errors.New("recordings: the recording cannot be transcribed")
	// ErrVerify means a download did not match the size or md5 that Drive
	// reports for the file.
	ErrVerify = errors.New("recordings: download does not match Drive's checksum")
)

// Kind tells recordings from transcripts.
type Kind string

// Kinds of Meet files.
const (
	// KindRecording is a Meet recording, an MP4 file.
	KindRecording Kind = "recording"
	// KindTranscript is a Meet transcript, a Google Doc.
	KindTranscript Kind = "transcript"
)

// State is where a file stands.
type State string

// States, in the order a recording goes through them. A transcript goes
// from found to transcribed, or to failed.
const (
	StateFound       State = "found"
	StateDownloading State = "downloading"
	StateDownloaded  State = "downloaded"
	StateQueued      State = "queued"
	StateTranscribed State = "transcribed"
	StateFailed      State = "failed"
)

// Recording is a Meet recording or transcript found in a member's Drive.
type Recording struct {
	UserID string
	// FileID is the Drive file id.
	FileID   string
	Kind     Kind
	Name     string
	MimeType string
	// Size and MD5 are what Drive reports; transcripts have neither.
	Size int64
	MD5  string
	// Created and Modified are Drive's times.
	Created, Modified time.Time
	// MeetingID is the calendars meeting the file belongs to, "" when no
	// meeting matched; MeetCode is that meeting's conference id.
	MeetingID, MeetCode string
	State               State
	// Reason is, for a failed file, the code of its failure (a
	// googlehttp.Failure code, or CodeExportTooLarge or CodeChecksum), for
	// the pages to put into words; for a waiting one, why it waits.
	// ReasonDetail says more of a failure, redacted; it may be empty.
	Reason, ReasonDetail string
	// Done counts the bytes of a recording spooled so far.
	Done int64
	// TranscriptFrom is the Drive id of the Meet transcript whose text is a
	// recording's transcript, "" when the text is the row's own.
	TranscriptFrom string
	// Progress is how much of the recording's Audio the running
	// transcription has done, as its engine reports it; both are zero
	// before it starts.
	Progress, Audio time.Duration
	// Path is the spooled file of a downloaded recording, "" before.
	Path string
	// FoundAt is when discovery first saw the file; UpdatedAt when its row
	// last changed.
	FoundAt, UpdatedAt time.Time
}

// Transcript is what a Transcriber produced for a recording.
type Transcript struct {
	// Engine names the engine, such as "meet".
	Engine string
	// Text is the transcript. It is empty when FileID is set.
	Text string
	// FileID names an imported Meet transcript (a KindTranscript file of
	// the same member) whose text is the recording's transcript.
	FileID string
	// Segments are the transcript's stretches with their times in the
	// recording, in order; nil when the engine gives none.
	Segments []Segment
}

// Segment is a stretch of a transcript and where it lies in the recording.
type Segment struct {
	// Start and End are offsets from the recording's start.
	Start, End time.Duration
	// Speaker names who speaks, "" when the engine cannot tell.
	Speaker string
	Text    string
}

// Transcriber turns a queued recording into text. Transcribe returns an
// error wrapping ErrNoTranscript when it cannot (the recording then stays
// queued with the error as its reason), or wrapping ErrCannotTranscribe when
// it never will (the recording then fails with the error as its reason);
// other errors are failures to retry.
type Transcriber interface {
	Transcribe(ctx context.Context, rec Recording) (Transcript, error)
}

// Meetings lists a member's meetings; *calendars.Store is one.
type Meetings interface {
	// Meetings returns the meetings of the member's linked calendars that
	// overlap [from, to).
	Meetings(ctx context.Context, userID string, from, to time.Time) ([]calendars.Meeting, error)
}
