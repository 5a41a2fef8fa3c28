package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/recordings"
)

// Recordings serves a member's recordings and transcripts.
// *recordings.Service satisfies it.
type Recordings interface {
	// List returns every recording and transcript of the member.
	List(ctx context.Context, userID string) ([]recordings.Recording, error)
	// Recording returns one, or an error wrapping recordings.ErrNotFound.
	Recording(ctx context.Context, userID, fileID string) (recordings.Recording, error)
	// Transcript returns the transcript text shown with it, "" before
	// there is one.
	Transcript(ctx context.Context, userID, fileID string) (string, error)
	// Retry starts a failed or waiting file over and schedules its next
	// step; it says whether it queued a job, or which job of the file
	// already waits or runs.
	Retry(ctx context.Context, userID, fileID string) (recordings.Queued, error)
}

// recordingRow is a recording or transcript as the pages show it.
type recordingRow struct {
	recordings.Recording
	// StateText says where it stands; Size and Progress give its bytes in
	// words ("" for transcripts).
	StateText, Size, Progress string
	// Transcribing says how far a running transcription has come, "" when
	// none runs.
	Transcribing string
	// Failed and Waiting pick the state's style.
	Failed, Waiting bool
	// Action labels the button that downloads or retries it, "" when there
	// is nothing to do.
	Action string
}

// recordingsPage is what the recordings list shows.
type recordingsPage struct {
	Files []recordingRow
}

// recordingPage is what a recording's page shows.
type recordingPage struct {
	recordingRow
	Transcript string
	// FromMeet is true when the text is Meet's transcript of the meeting.
	FromMeet bool
	// Retried says, right after the button was pressed, what became of
	// it; RetryQueued is true when a job was queued.
	Retried     string
	RetryQueued bool
}

// newRecordingRow dresses a file for the pages.
func newRecordingRow(r recordings.Recording) recordingRow {
	row := recordingRow{Recording: r, StateText: stateWords[r.State], Failed: r.State == recordings.StateFailed,
		Waiting: r.State == recordings.StateQueued}
	row.Reason = failureText(r.Reason, r.ReasonDetail)
	if r.Kind == recordings.KindRecording {
		row.Size = byteSize(r.Size)
		if r.State == recordings.StateDownloading || r.State == recordings.StateFound && r.Done > 0 {
			row.Progress = byteSize(r.Done) + " of " + row.Size
		}
		row.Transcribing = transcribingText(r)
	}
	switch {
	case r.State == recordings.StateFailed:
		row.Action = "Retry"
	case r.State == recordings.StateFound && r.Kind == recordings.KindRecording:
		row.Action = "Download now"
	case r.State == recordings.StateFound:
		row.Action = "Import now"
	case r.State == recordings.StateQueued:
		row.Action = "Transcribe again"
	}
	return row
}

// byteSize writes a size in bytes for people.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// recordingsList shows every recording and transcript of the member.
func (s *Server) recordingsList(c echo.Context) error {
	u, _ := currentUser(c)
	list, err := s.deps.Recordings.List(c.Request().Context(), u.ID)
	if err != nil {
		return fmt.Errorf("listing recordings: %w", err)
	}
	page := recordingsPage{}
	for _, r := range list {
		page.Files = append(page.Files, newRecordingRow(r))
	}
	return s.render(c, http.StatusOK, "recordings", page)
}

// recordingShow shows one recording or transcript: its state, the reason
// it failed or waits, its size and its transcript.
func (s *Server) recordingShow(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	r, err := s.deps.Recordings.Recording(ctx, u.ID, c.Param("id"))
	if err != nil {
		return fmt.Errorf("reading recording: %w", err)
	}
	text, err := s.deps.Recordings.Transcript(ctx, u.ID, r.FileID)
	if err != nil {
		return fmt.Errorf("reading transcript: %w", err)
	}
	page := recordingPage{recordingRow: newRecordingRow(r), Transcript: text, FromMeet: r.TranscriptFrom != ""}
	page.Retried, page.RetryQueued = retryNote(c.QueryParams())
	return s.render(c, http.StatusOK, "recording", page)
}

// recordingRetry starts a file over: it downloads or imports it now, or
// retries it after a failure.
func (s *Server) recordingRetry(c echo.Context) error {
	u, _ := currentUser(c)
	id := c.Param("id")
	q, err := s.deps.Recordings.Retry(c.Request().Context(), u.ID, id)
	if err != nil {
		return fmt.Errorf("retrying recording: %w", err)
	}
	return c.Redirect(http.StatusSeeOther, "/recordings/"+url.PathEscape(id)+"?"+retryQuery(q).Encode())
}
