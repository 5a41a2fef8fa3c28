package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/scopetrail/scopetrail/connector/recordings"
	"github.com/scopetrail/scopetrail/scopes/grant"
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
	// StateText says where it stands; Size gives its bytes in words (""
	// for transcripts), and Progress the bytes a download that stopped
	// left, "" when none.
	StateText, Size, Progress string
	// Date is when it was recorded, in words, and DateTime the same for
	// machines.
	Date, DateTime string
	// Meeting is the title of its meeting, "" when none matched or the
	// meeting is not known.
	Meeting string
	// Live is its running download or transcription, nil when none runs.
	Live *liveProgress
	// Failed and Waiting pick the state's style.
	Failed, Waiting bool
	// Action labels the button that downloads or retries it, "" when there
	// is nothing to do.
	Action string
}

// liveProgress is a running download or transcription as the pages show
// it, an element that static/progress.js follows at URL.
type liveProgress struct {
	URL string
	progressReport
}

// recordingsPage is what the recordings list shows.
type recordingsPage struct {
	Files []recordingRow
	// Access is where the member's Drive access stands, which decides
	// what the page offers to do next.
	Access driveAccess
	// CanSync is true when the page may offer to look for files now.
	CanSync bool
}

// newRecordingRow dresses a file for the pages, its date in the zone loc.
func newRecordingRow(r recordings.Recording, loc *time.Location) recordingRow {
	row := recordingRow{Recording: r, StateText: stateWords[r.State], Failed: r.State == recordings.StateFailed,
		Waiting: r.State == recordings.StateQueued, Date: r.Created.In(loc).Format(dayLayout + ", " + timeLayout + " MST"),
		DateTime: r.Created.UTC().Format(time.RFC3339)}
	row.Reason = failureText(r.Reason, r.ReasonDetail)
	if r.Kind == recordings.KindRecording {
		row.Size = byteSize(r.Size)
		if r.State == recordings.StateFound && r.Done > 0 {
			row.Progress = byteSize(r.Done) + " of " + row.Size
		}
	}
	if p, running := progressOf(r); running {
		row.Live = &liveProgress{URL: "/recordings/" + url.PathEscape(r.FileID) + "/progress", progressReport: p}
		if r.Reason == recordings.CodeWaitTranscription || r.Reason == recordings.CodeWaitRetranscribe {
			row.Reason = "" // the progress says where the transcription stands
		}
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

// progressOf says how far a recording's running download or transcription
// has come. running is false when neither runs: the report is then done,
// for the page that follows it to show the outcome. A downloaded recording
// whose transcription is about to start counts as running, so that a page
// follows a download through its transcription.
func progressOf(r recordings.Recording) (p progressReport, running bool) {
	switch {
	case r.Kind != recordings.KindRecording:
	case r.State == recordings.StateDownloading:
		return progressReport{Percent: percentOf(r.Done, r.Size), Text: byteSize(r.Done) + " of " + byteSize(r.Size) + " downloaded"}, true
	case r.State == recordings.StateQueued && r.Audio > 0:
		return progressReport{Percent: percentOf(int64(r.Progress), int64(r.Audio)), Text: transcribingText(r)}, true
	case r.State == recordings.StateQueued && (r.Reason == recordings.CodeWaitTranscription || r.Reason == recordings.CodeWaitRetranscribe):
		return progressReport{Text: failureText(r.Reason, r.ReasonDetail)}, true
	}
	return progressReport{Text: stateWords[r.State], Done: true}, false
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

// recordingsList shows every recording and transcript of the member, with
// its date and meeting, or what to do to have some.
func (s *Server) recordingsList(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	list, err := s.deps.Recordings.List(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("listing recordings: %w", err)
	}
	titles, err := s.meetingTitles(ctx, u.ID, list)
	if err != nil {
		return err
	}
	access, err := s.driveAccess(ctx, u)
	if err != nil {
		return err
	}
	loc, err := s.recordingsZone(c, u.ID)
	if err != nil {
		return err
	}
	page := recordingsPage{Access: access, CanSync: s.deps.LinkSyncs != nil && access.CanFind()}
	for _, r := range list {
		row := newRecordingRow(r, loc)
		row.Meeting = titles[r.MeetingID]
		page.Files = append(page.Files, row)
	}
	return s.render(c, http.StatusOK, "recordings", page)
}

// meetingTitles returns the titles of the meetings the files belong to, by
// meeting id; nil when the calendars pages are not served or no file has a
// meeting.
func (s *Server) meetingTitles(ctx context.Context, userID string, list []recordings.Recording) (map[string]string, error) {
	if s.deps.Meetings == nil || !hasMeeting(list) {
		return nil, nil
	}
	from, to := s.deps.Meetings.Window()
	meetings, err := s.deps.Meetings.Meetings(ctx, userID, from, to)
	if err != nil {
		return nil, fmt.Errorf("listing the recordings' meetings: %w", err)
	}
	titles := make(map[string]string, len(meetings))
	for _, m := range meetings {
		titles[m.ID] = m.Title
		if m.Title == "" {
			titles[m.ID] = "(no title)"
		}
	}
	return titles, nil
}

// recordingsZone is the time zone the recordings pages give dates in: as
// on the meetings pages, the one ?tz= asks for, else the member's primary
// calendar's, else UTC.
func (s *Server) recordingsZone(c echo.Context, userID string) (*time.Location, error) {
	if s.deps.Meetings == nil {
		return time.UTC, nil
	}
	links, err := s.deps.Meetings.Links(c.Request().Context(), userID)
	if err != nil {
		return nil, fmt.Errorf("reading the calendars' time zones: %w", err)
	}
	z, err := chooseZone(c.QueryParam(zoneField), links, "")
	if err != nil {
		return nil, err
	}
	return z.Loc, nil
}

// hasMeeting reports whether any file was matched to a meeting.
func hasMeeting(list []recordings.Recording) bool {
	for _, r := range list {
		if r.MeetingID != "" {
			return true
		}
	}
	return false
}

// recordingProgress answers the poll of a recording's pages for its
// running download or transcription.
func (s *Server) recordingProgress(c echo.Context) error {
	u, _ := currentUser(c)
	r, err := s.deps.Recordings.Recording(c.Request().Context(), u.ID, c.Param("id"))
	if err != nil {
		return fmt.Errorf("reading a recording's progress: %w", err)
	}
	p, _ := progressOf(r)
	return writeProgress(c, p)
}

// recordingsSync looks for the member's recordings and transcripts now, in
// the background.
func (s *Server) recordingsSync(c echo.Context) error {
	if s.deps.LinkSyncs == nil {
		return echo.ErrNotFound
	}
	u, _ := currentUser(c)
	if err := s.deps.LinkSyncs.EnqueueRecordingsSync(c.Request().Context(), u.ID); err != nil {
		return fmt.Errorf("queueing a sync of the recordings: %w", err)
	}
	setFlash(c, "ok", "ScopeTrail is looking for your recordings and transcripts in Drive; reload in a moment to see what it found.")
	return c.Redirect(http.StatusSeeOther, "/recordings")
}

// recordingPage is what a recording's page shows.
type recordingPage struct {
	recordingRow
	// Timed is its transcript with its segments, nil when Transcripts is
	// not wired or there is none yet; Transcript is the text shown
	// without Timed.
	Timed      *transcriptView
	Transcript string
	// FromMeet is true when the text is Meet's transcript of the meeting.
	FromMeet bool
	// Media plays the recording, nil when it has no spooled file.
	Media *mediaView
	// Retried says, right after the button was pressed, what became of
	// it; RetryQueued is true when a job was queued.
	Retried     string
	RetryQueued bool
}

// mediaView is the player of a recording: where it streams from, where it
// is saved from, its type, and the captions made from its transcript.
type mediaView struct {
	URL, Download, Type string
	// Audio is true for sound without pictures, played by <audio>.
	Audio bool
	// Captions is the WebVTT of its transcript, "" when it has no timed
	// one.
	Captions string
}

// recordingShow shows one recording or transcript: its player when it is
// downloaded, its transcript beside it, its state and the reason it failed
// or waits.
func (s *Server) recordingShow(c echo.Context) error {
	ctx := c.Request().Context()
	u, _ := currentUser(c)
	r, err := s.deps.Recordings.Recording(ctx, u.ID, c.Param("id"))
	if err != nil {
		return fmt.Errorf("reading recording: %w", err)
	}
	loc, err := s.recordingsZone(c, u.ID)
	if err != nil {
		return err
	}
	page := recordingPage{recordingRow: newRecordingRow(r, loc), FromMeet: r.TranscriptFrom != ""}
	if page.Transcript, err = s.deps.Recordings.Transcript(ctx, u.ID, r.FileID); err != nil {
		return fmt.Errorf("reading transcript: %w", err)
	}
	if s.deps.Transcripts != nil {
		t, err := s.deps.Transcripts.TimedTranscript(ctx, u.ID, r.FileID)
		if err != nil {
			return fmt.Errorf("reading the timed transcript: %w", err)
		}
		if t.Engine != "" {
			v := newTranscriptView(t, "")
			page.Timed = &v
		}
	}
	if page.Media, err = s.mediaOf(ctx, u.ID, r, page.Timed); err != nil {
		return err
	}
	page.Retried, page.RetryQueued = retryNote(c.QueryParams())
	return s.render(c, http.StatusOK, "recording", page)
}

// mediaOf returns the player of a recording, nil when RecordingMedia is
// not wired or the recording has no spooled file to play.
func (s *Server) mediaOf(ctx context.Context, userID string, r recordings.Recording, t *transcriptView) (*mediaView, error) {
	if s.deps.RecordingMedia == nil || r.Kind != recordings.KindRecording {
		return nil, nil
	}
	m, err := s.deps.RecordingMedia.OpenMedia(ctx, userID, r.FileID)
	if errors.Is(err, recordings.ErrNotFound) || errors.Is(err, grant.ErrRevoked) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening the recording's media: %w", err)
	}
	m.Close()
	src := "/recordings/" + url.PathEscape(r.FileID) + "/media"
	v := &mediaView{URL: src, Download: src + "?download=1", Type: m.ContentType, Audio: m.AudioOnly()}
	if t != nil && len(t.Segments) > 0 {
		v.Captions = "/transcripts/" + url.PathEscape(t.FileID) + ".vtt"
	}
	return v, nil
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
